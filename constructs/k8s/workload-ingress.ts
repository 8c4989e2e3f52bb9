// Moved to lib/plan/kubernetes (the runbook reads the same options without cdk8s).
export * from '../../lib/plan/kubernetes/ingress-options';
