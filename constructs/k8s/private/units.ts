import type { Duration } from '../../../lib/model/duration';
import { canonicalQuantity } from './quantity';

/** Prometheus/Go duration notation for whole seconds: `1h`, `5m`, `90s` → `1m30s`. */
export function promDuration(duration: Duration): string {
  let rest = Math.ceil(duration.toSeconds());
  if (rest === 0) return '0s';
  let out = '';
  for (const [unit, size] of [
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const whole = Math.floor(rest / size);
    if (whole > 0) {
      out += `${whole}${unit}`;
      rest -= whole * size;
    }
  }
  return out;
}

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

/** A number printed without floating-point noise: 0.05, not 0.05000000000000001. */
export function plain(value: number): string {
  return String(Number(value.toPrecision(12)));
}

/** The namespace-scoped `kubectl` prefix, e.g. `kubectl -n checkout-prod`. */
export function kubectl(namespace: string): string {
  return `kubectl -n ${namespace}`;
}
