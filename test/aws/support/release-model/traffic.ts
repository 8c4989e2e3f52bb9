/**
 * Request traffic for release scenarios: requests arrive as a Poisson process (independent users),
 * so a minute at rate λ brings Poisson(λ) requests and each fails independently with the version's
 * error probability (a binomial thinning of the arrivals, which is again Poisson). Seeded, so a
 * scenario is the same on every run.
 *
 * @see https://en.wikipedia.org/wiki/Poisson_point_process#Thinning
 */

/** A seeded pseudo-random source (mulberry32): deterministic, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A Poisson(λ) sample: Knuth's product of uniforms for small λ, the normal approximation with
 * continuity correction from λ = 30 on (its error is far below the alarm thresholds' granularity).
 */
export function poisson(lambda: number, random: () => number): number {
  if (lambda <= 0) return 0;
  if (lambda < 30) {
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = random();
    while (p > limit) {
      k++;
      p *= random();
    }
    return k;
  }
  // Box–Muller
  const u = Math.max(random(), Number.EPSILON);
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * z));
}

/** Requests and failures of one version in one minute. */
export interface MinuteCounts {
  readonly requests: number;
  /** Responses the target itself failed with 5xx. */
  readonly targetErrors: number;
  /** Requests the load balancer could not connect to a target for (it answers 502/503 itself). */
  readonly connectionErrors: number;
}

/** How a version fails: the share of its requests answered 5xx by the target, and refused at connection. */
export interface FailureProfile {
  readonly targetErrorRate: number;
  readonly connectionErrorRate: number;
}

/** A healthy version at the given baseline error rate (target 5xx only). */
export function healthy(baselinePercent: number): FailureProfile {
  return { targetErrorRate: baselinePercent / 100, connectionErrorRate: 0 };
}

/** Draws one minute of a version's traffic: Poisson arrivals at `ratePerMinute`, thinned by its failures. */
export function drawMinute(ratePerMinute: number, profile: FailureProfile, random: () => number): MinuteCounts {
  const requests = poisson(ratePerMinute, random);
  let targetErrors = 0;
  let connectionErrors = 0;
  for (let i = 0; i < requests && (profile.targetErrorRate > 0 || profile.connectionErrorRate > 0); i++) {
    const x = random();
    if (x < profile.connectionErrorRate) connectionErrors++;
    else if (x < profile.connectionErrorRate + profile.targetErrorRate) targetErrors++;
  }
  return { requests, targetErrors, connectionErrors };
}
