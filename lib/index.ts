/** glidepath: the target-free core (definition model, release plans, runbook). */
export * from './model';
export * from './pipeline';
export * from './plan';
export * from './runbook';
export * from './smoke';
export * from './policy';
export * from './targets';
