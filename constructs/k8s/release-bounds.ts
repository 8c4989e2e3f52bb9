// Moved to lib/plan/kubernetes (the runbook reads the same bounds without cdk8s).
export * from '../../lib/plan/kubernetes/release-bounds';
