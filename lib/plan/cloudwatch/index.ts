export * from './metric-spec';
export * from './signal-specs';
export * from './alarm-spec';
