/**
 * "Is the new version's error rate higher than the old one's, with 95 % confidence?" — the
 * one-sided two-proportion z-test with a pooled proportion (e.g. Agresti, "An Introduction to
 * Categorical Data Analysis", 3rd ed., §2.4; NIST/SEMATECH e-Handbook §7.3.3):
 *
 *   p̂ = (e₁ + e₂) / (n₁ + n₂),   z = (e₁/n₁ − e₂/n₂) / √(p̂ (1 − p̂) (1/n₁ + 1/n₂)),
 *
 * and the new version is worse when z ≥ z₁₋α. Asked once per measurement, the test would raise a
 * false alarm in α of the measurements of a healthy release; the confidence is therefore spent over
 * the release (Bonferroni): each of the M measurements uses α / M, so the whole release keeps 95 %.
 * Unlike the fixed ratio (× baseline), it adapts to what the old version does right now, so an
 * outage of a shared dependency, which hits both versions, does not fail the new one.
 */

/** Φ(x), the standard normal distribution function (erfc by Numerical Recipes' Chebyshev fit, |ε| < 1.2e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** z₁₋α: the value a standard normal exceeds with probability α (by bisection on Φ). */
export function upperQuantile(alpha: number): number {
  let [lo, hi] = [-10, 10];
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (1 - normalCdf(mid) > alpha) lo = mid;
    else hi = mid;
  }
  return Number(((lo + hi) / 2).toFixed(4));
}

/** The critical z of one measurement when the release takes `measurements` of them at `confidence` overall. */
export function criticalZ(measurements: number, confidence = 0.95): number {
  return upperQuantile((1 - confidence) / Math.max(1, measurements));
}

/** The z statistic in PromQL from four expressions that each give one unlabelled sample. */
export function zStatisticPromql(canaryErrors: string, canaryRequests: string, stableErrors: string, stableRequests: string): string {
  const pooled = `((${canaryErrors} + ${stableErrors}) / (${canaryRequests} + ${stableRequests}))`;
  return `((${canaryErrors} / ${canaryRequests}) - (${stableErrors} / ${stableRequests})) / sqrt(${pooled} * (1 - ${pooled}) * (1 / ${canaryRequests} + 1 / ${stableRequests}))`;
}

/**
 * The same in CloudWatch metric math, from the ids of four metrics (the new version's and the old
 * one's errors and requests per period); `^` is metric math's power operator. Each ratio counts
 * from `minimumRequests` requests a period, as the fixed-ratio alarm does; below that the result
 * is 0 (not judged).
 */
export function zStatisticMetricMath(
  ids: { canaryErrors: string; canaryRequests: string; stableErrors: string; stableRequests: string },
  minimumRequests: number,
): string {
  const e1 = `FILL(${ids.canaryErrors}, 0)`;
  const e2 = `FILL(${ids.stableErrors}, 0)`;
  const n1 = `FILL(${ids.canaryRequests}, 0)`;
  const n2 = `FILL(${ids.stableRequests}, 0)`;
  const pooled = `((${e1} + ${e2}) / (${n1} + ${n2}))`;
  const z = `((${e1} / ${n1}) - (${e2} / ${n2})) / (${pooled} * (1 - ${pooled}) * (1 / ${n1} + 1 / ${n2})) ^ 0.5`;
  return `IF(${n1} >= ${minimumRequests} AND ${n2} >= ${minimumRequests} AND (${e1} + ${e2}) > 0, ${z}, 0)`;
}
