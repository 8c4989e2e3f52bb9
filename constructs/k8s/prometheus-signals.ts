// Moved to lib/plan/kubernetes (the runbook reads the same expressions without cdk8s).
export * from '../../lib/plan/kubernetes/prometheus-signals';
