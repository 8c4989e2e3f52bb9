// First: a missing peer is reported by name before any construct loads it.
import './private/peers';
export * from './alarm-set';
export * from './alert-topics';
export * from './progressive-function';
export * from './canary-function';
export * from './dead-mans-switch';
export * from './delivery-pipeline';
export * from './deployment-safety-checks';
export * from './deployment-stack';
export * from './deployment-stage';
export * from './managed-secret';
export * from './pipeline-stack';
export * from './progressive-fargate-service';
export * from './service-dashboard';
export * from './service-signals';
export * from './synthesize';
