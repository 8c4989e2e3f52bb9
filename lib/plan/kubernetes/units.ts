import type { Duration } from '../../model/duration';

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

/** A number printed without floating-point noise: 0.05, not 0.05000000000000001. */
export function plain(value: number): string {
  return String(Number(value.toPrecision(12)));
}
