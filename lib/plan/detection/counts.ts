/**
 * Counting distributions the detection model is built from. Requests arrive as a Poisson process
 * (independent users), so the number in an interval of mean μ is Poisson(μ); each request fails
 * independently with probability p, so the errors among n requests are Binomial(n, p).
 *
 * - Poisson pmf: P(N = n) = e^−μ μ^n / n!, evaluated in logs.
 * - Binomial upper tail: P(X ≥ k) = I_p(k, n − k + 1), the regularized incomplete beta function
 *   (Abramowitz & Stegun 26.5.24), evaluated with the continued fraction of A&S 26.5.8 as in
 *   Numerical Recipes (3rd ed.) §6.4 `betai`/`betacf`.
 * - ln Γ by the Lanczos approximation (Numerical Recipes §6.1 `gammln`, g = 5, n = 6).
 * - Poisson–binomial tail (independent trials with different probabilities): the usual dynamic
 *   programme over trials (Chen & Liu 1997, "Statistical applications of the Poisson-binomial
 *   and conditional Bernoulli distributions").
 */

// eslint-disable-next-line no-loss-of-precision -- Numerical Recipes' coefficients as published
const LANCZOS = [76.18009172947146, -86.50532032941677, 24.01409824083091, -1.231739572450155, 0.001208650973866179, -0.5395239384953e-5];

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  let y = x;
  const tmp = x + 5.5 - (x + 0.5) * Math.log(x + 5.5);
  let ser = 1.000000000190015;
  for (const c of LANCZOS) ser += c / ++y;
  // eslint-disable-next-line no-loss-of-precision -- √(2π) as Numerical Recipes prints it
  return -tmp + Math.log((2.5066282746310005 * ser) / x);
}

/** ln n! for whole n ≥ 0 (exact below 20, Lanczos above). */
export function logFactorial(n: number): number {
  if (n < 2) return 0;
  if (n < 20) {
    let f = 1;
    for (let i = 2; i <= n; i++) f *= i;
    return Math.log(f);
  }
  return logGamma(n + 1);
}

/** P(N = n) for N ~ Poisson(mean). */
export function poissonPmf(n: number, mean: number): number {
  if (mean <= 0) return n === 0 ? 1 : 0;
  return Math.exp(n * Math.log(mean) - mean - logFactorial(n));
}

/** P(N ≥ k) for N ~ Poisson(mean). */
export function poissonAtLeast(k: number, mean: number): number {
  if (k <= 0) return 1;
  if (mean <= 0) return 0;
  // P(N ≥ k) = P(Gamma(k, 1) ≤ mean) = 1 − Q(k, mean): sum the lower terms when they are few.
  if (k < mean + 40 * Math.sqrt(mean) + 40) {
    let below = 0;
    for (let n = 0; n < k; n++) below += poissonPmf(n, mean);
    return Math.max(0, 1 - below);
  }
  let above = 0;
  for (let n = k; n < k + 200; n++) above += poissonPmf(n, mean);
  return above;
}

/** The range [low, high] of n holding all but a negligible share (< 1e-12) of Poisson(mean). */
export function poissonSupport(mean: number): [number, number] {
  if (mean <= 0) return [0, 0];
  const spread = 8 * Math.sqrt(mean) + 10;
  return [Math.max(0, Math.floor(mean - spread)), Math.ceil(mean + spread)];
}

/** Continued fraction of the incomplete beta function (Numerical Recipes `betacf`). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-13) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b) (Numerical Recipes `betai`). */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(X ≥ k) for X ~ Binomial(n, p). */
export function binomialAtLeast(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  return regularizedBeta(p, k, n - k + 1);
}

/** P(at least k of the independent events happen), each with its own probability. */
export function atLeastOf(k: number, probabilities: readonly number[]): number {
  if (k <= 0) return 1;
  if (k > probabilities.length) return 0;
  // dist[j] = P(exactly j so far), capped at k (k means "k or more").
  let dist = new Array<number>(k + 1).fill(0);
  dist[0] = 1;
  for (const p of probabilities) {
    const next = new Array<number>(k + 1).fill(0);
    for (let j = 0; j <= k; j++) {
      if (dist[j] === 0) continue;
      const up = Math.min(k, j + 1);
      next[up] += dist[j] * p;
      next[j] += dist[j] * (1 - p);
    }
    dist = next;
  }
  return Math.min(1, Math.max(0, dist[k]));
}

/**
 * The smallest error count e with e / n ≥ threshold as floating-point division compares it
 * (PromQL and CloudWatch metric math both divide, then compare with the literal threshold);
 * `scale` is the factor the expression multiplies errors by first (100 for a percentage).
 */
export function errorsToReach(threshold: number, n: number, scale = 1): number {
  let k = Math.max(0, Math.ceil((threshold * n) / scale));
  while (k > 0 && ((k - 1) * scale) / n >= threshold) k--;
  while ((k * scale) / n < threshold) k++;
  return k;
}
