import { canonicalQuantity } from './quantity';

// Moved to lib/plan/kubernetes (the runbook prints the same notation without cdk8s).
export { plain, promDuration } from '../../../lib/plan/kubernetes/units';

/**
 * Fargate-style CPU units (1024 = 1 vCPU) as a canonical Kubernetes quantity: 512 → `500m`,
 * 1024 → `1` (not `1000m`, which controllers rewrite and then own; see `canonicalQuantity`).
 */
export function cpuQuantity(cpuUnits: number): string {
  return canonicalQuantity(`${Math.round((cpuUnits * 1000) / 1024)}m`);
}

/** MiB as a canonical Kubernetes quantity: 1024 → `1Gi`, 1536 → `1536Mi`. */
export function memoryQuantity(memoryMiB: number): string {
  return canonicalQuantity(`${memoryMiB}Mi`);
}

/** The namespace-scoped `kubectl` prefix, e.g. `kubectl -n checkout-prod`. */
export function kubectl(namespace: string): string {
  return `kubectl -n ${namespace}`;
}
