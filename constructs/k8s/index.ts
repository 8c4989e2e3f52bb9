// First: a missing peer is reported by name before any construct loads it.
import './private/peers';
export * from './analysis-template';
export * from './deployment-chart';
export * from './external-secrets';
export * from './feature-flags';
export * from './network-policies';
export * from './pod-monitor';
export * from './progressive-workload';
export * from './prometheus-alerts';
export * from './prometheus-signals';
export * from './promtool-tests';
export * from './release-bounds';
export * from './rollout-status-alerts';
export * from './synthesize';
export * from './workload-ingress';
export * from './write-runbooks';
