/*
 * Closed forms and direct sums the detection suites compute their expected values with, written
 * from the textbook definitions, never from lib/plan/detection: the Poisson probabilities by their
 * recurrence, and a version's own breach by summing over its errors.
 */

/** P(N = n) for N ~ Poisson(mu), n = 0 … mu + 20√mu + 40 (by p(n + 1) = p(n) · mu / (n + 1), in logs). */
export function poisson(mu: number): number[] {
  const out: number[] = [];
  let ln = -mu;
  for (let n = 0; n <= mu + 20 * Math.sqrt(mu) + 40; n++) {
    out.push(mu === 0 ? (n === 0 ? 1 : 0) : Math.exp(ln));
    ln += Math.log(mu) - Math.log(n + 1);
  }
  return out;
}

/** P(a ≤ N ≤ b) from `poisson(mu)`. */
export function between(p: readonly number[], a: number, b: number): number {
  let s = 0;
  for (let n = Math.max(0, a); n <= Math.min(b, p.length - 1); n++) s += p[n];
  return s;
}

/**
 * P(one version, judged on its own ratio `errors / requests ≥ threshold` from `gate` requests,
 * breaches): Σ_e P(E = e) · P(max(0, g − e) ≤ S ≤ s*(e)), errors E ~ Poisson(μp) and successes
 * S ~ Poisson(μ(1 − p)) independent (thinning, Kingman 1993 §5.1), s*(e) the most successes with
 * which e errors still reach the threshold, found by counting.
 */
export function ownBreach(mu: number, p: number, threshold: number, gate: number): number {
  const [pe, ps] = [poisson(mu * p), poisson(mu * (1 - p))];
  let total = 0;
  for (let e = 1; e < pe.length; e++) {
    let most = -1;
    while (e / (e + most + 1) >= threshold) most++;
    if (most >= 0) total += pe[e] * between(ps, Math.max(0, gate - e), most);
  }
  return total;
}
