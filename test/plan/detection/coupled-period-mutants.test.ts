import { normalCdf } from '../../../lib/plan/detection/canary-vs-stable';
import {
  bivariateNormalCdf,
  copulaPeriodPass,
  exactPeriodPass,
  semiExactPeriodPass,
  type PeriodJudge,
  type PeriodSide,
} from '../../../lib/plan/detection/coupled-period';
import { ownBreach, poisson } from './support/poisson-sums';

/*
 * lib/plan/detection/coupled-period.ts against sums and integrals written out here from the
 * definitions, at thresholds where the intervals of the exact sum matter (not only "any error
 * breaches", as in coupled-period-edges.test.ts):
 * - the exact sum against the enumeration of all four counts (new and old errors and successes,
 *   independent Poisson variables by thinning, Kingman 1993 §5.1), each ratio compared as the
 *   division CloudWatch evaluates, `scale · errors / requests ≥ threshold` from `minimumRequests`;
 * - the semi-exact and copula forms against their documented definitions (the JSDoc of each: the
 *   breach statistic D = (1 − θ)E − θS, its normal mean and variance, and Φ2(Φ⁻¹(1 − b_new),
 *   Φ⁻¹(1 − b_all); ρ)), with Φ by Marsaglia's series (J. Stat. Softw. 11(4), 2004), Φ⁻¹ by
 *   bisection and Φ2 by the midpoint rule, none of them the model's.
 */

/** The Poisson probabilities of `poisson(mu)` above 1e-18, as [n, P(N = n)] pairs. */
function support(mu: number): Array<[number, number]> {
  return poisson(mu)
    .map((p, n): [number, number] => [n, p])
    .filter(([, p]) => p > 1e-18);
}

/** P(no ratio breaches) by enumerating the four counts. */
function enumeratedPass(outer: PeriodSide, inner: PeriodSide, judge: PeriodJudge): number {
  const g = Math.max(1, judge.minimumRequests);
  const breaches = (e: number, n: number) => n >= g && (judge.scale * e) / n >= judge.threshold;
  const [eos, sos, eis, sis] = [
    support(outer.mean * outer.errorRatio),
    support(outer.mean * (1 - outer.errorRatio)),
    support(inner.mean * inner.errorRatio),
    support(inner.mean * (1 - inner.errorRatio)),
  ];
  let pass = 0;
  for (const [eo, peo] of eos)
    for (const [so, pso] of sos) {
      if (outer.judged && breaches(eo, eo + so)) continue;
      for (const [ei, pei] of eis)
        for (const [si, psi] of sis) {
          if (inner.judged && breaches(ei, ei + si)) continue;
          if (breaches(eo + ei, eo + so + ei + si)) continue;
          pass += peo * pso * pei * psi;
        }
    }
  return pass;
}

/** Φ(x) = 1/2 + φ(x) (x + x³/3 + x⁵/(3·5) + …) (Marsaglia 2004), clamped beyond ±12. */
function phi(x: number): number {
  if (x < -12) return 0;
  if (x > 12) return 1;
  let [term, sum] = [x, x];
  for (let k = 3; k < 400 && Math.abs(term) > 1e-17 * Math.abs(sum); k += 2) sum += term *= (x * x) / k;
  return 0.5 + (Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI)) * sum;
}

/** Φ⁻¹(p) by bisection on `phi`. */
function quantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  let [lo, hi] = [-12, 12];
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (phi(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Φ2(a, b; ρ) = ∫_{−12}^{a} φ(x) Φ((b − ρx) / √(1 − ρ²)) dx by the midpoint rule, 20,000 points. */
function phi2(a: number, b: number, rho: number): number {
  const to = Math.min(a, 12);
  if (to <= -12) return 0;
  const steps = 20_000;
  const h = (to + 12) / steps;
  const root = Math.sqrt(1 - rho * rho);
  let sum = 0;
  for (let i = 0; i < steps; i++) {
    const x = -12 + (i + 0.5) * h;
    sum += (Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI)) * phi((b - rho * x) / root);
  }
  return sum * h;
}

/** The semi-exact form as its JSDoc defines it, the outer counts enumerated. */
function semiExactByDefinition(outer: PeriodSide, inner: PeriodSide, judge: PeriodJudge): number {
  const g = Math.max(1, judge.minimumRequests);
  const theta = judge.threshold / judge.scale;
  const mean = inner.mean * (inner.errorRatio - theta);
  const sd = Math.sqrt(inner.mean * ((1 - theta) ** 2 * inner.errorRatio + theta ** 2 * (1 - inner.errorRatio)));
  // P(D < c): D normal, or the constant `mean` when it has no variance.
  const below = (c: number) => (sd > 0 ? phi((c - mean) / sd) : mean < c ? 1 : 0);
  let pass = 0;
  for (const [e, pe] of support(outer.mean * outer.errorRatio))
    for (const [s, ps] of support(outer.mean * (1 - outer.errorRatio))) {
      if (outer.judged && e + s >= g && (judge.scale * e) / (e + s) >= judge.threshold) continue;
      // The inner version passes its own judge when D < 0, the overall one when D < −((1 − θ)e − θs).
      const overall = -((1 - theta) * e - theta * s);
      pass += pe * ps * below(inner.judged ? Math.min(0, overall) : overall);
    }
  return pass;
}

/** The copula form as its JSDoc defines it. */
function copulaByDefinition(canary: PeriodSide, old: PeriodSide, judge: PeriodJudge): number {
  const theta = judge.threshold / judge.scale;
  const total = canary.mean + old.mean;
  const mixed = (canary.mean * canary.errorRatio + old.mean * old.errorRatio) / total;
  const bNew = ownBreach(canary.mean, canary.errorRatio, theta, judge.minimumRequests);
  const bAll = ownBreach(total, mixed, theta, judge.minimumRequests);
  const variance = (s: PeriodSide) => s.mean * ((1 - theta) ** 2 * s.errorRatio + theta ** 2 * (1 - s.errorRatio));
  const rho = Math.sqrt(variance(canary) / (variance(canary) + variance(old)));
  return phi2(quantile(1 - bNew), quantile(1 - bAll), rho);
}

describe('the helpers of this suite against known values', () => {
  test('Φ and Φ2 (NIST normal table; Sheppard: Φ2(0, 0; ρ) = 1/4 + arcsin ρ / 2π)', () => {
    expect(phi(1.96)).toBeCloseTo(0.9750021, 7);
    expect(phi(-3)).toBeCloseTo(0.0013499, 7);
    expect(quantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(phi2(0, 0, 0.5)).toBeCloseTo(0.25 + Math.asin(0.5) / (2 * Math.PI), 7);
  });
});

describe('the exact sum against the enumeration of all four counts', () => {
  // Thresholds of 12 % to 90 % (scale 100), so both breach intervals and their overlap matter.
  test.each<[string, PeriodSide, PeriodSide, PeriodJudge]>([
    [
      'both judged, the small outer version below its gate, the overall ratio near the threshold',
      { mean: 8, errorRatio: 0.5, judged: true },
      { mean: 200, errorRatio: 0.1, judged: true },
      { threshold: 12, scale: 100, minimumRequests: 50 },
    ],
    [
      'both judged, the outer version often past a small gate, the inner one surely past it',
      { mean: 12, errorRatio: 0.2, judged: true },
      { mean: 150, errorRatio: 0.15, judged: true },
      { threshold: 20, scale: 100, minimumRequests: 5 },
    ],
    [
      'the inner version not judged on its own (Lambda, the old version larger)',
      { mean: 6, errorRatio: 0.3, judged: true },
      { mean: 20, errorRatio: 0.2, judged: false },
      { threshold: 25, scale: 100, minimumRequests: 4 },
    ],
    [
      'the outer version not judged on its own (Lambda, the old version smaller)',
      { mean: 5, errorRatio: 0.4, judged: false },
      { mean: 14, errorRatio: 0.2, judged: true },
      { threshold: 25, scale: 100, minimumRequests: 3 },
    ],
    [
      'a 90 % threshold: a breach needs at most one success in ten requests',
      { mean: 4, errorRatio: 0.7, judged: true },
      { mean: 5, errorRatio: 0.8, judged: true },
      { threshold: 90, scale: 100, minimumRequests: 1 },
    ],
    [
      'a 90 % threshold from 4 requests: errors of both versions together, with no success, reach it',
      { mean: 3, errorRatio: 0.8, judged: true },
      { mean: 4, errorRatio: 0.8, judged: true },
      { threshold: 90, scale: 100, minimumRequests: 4 },
    ],
    [
      'a 50 % threshold on ratios around it, ties at exactly half',
      { mean: 3, errorRatio: 0.5, judged: true },
      { mean: 6, errorRatio: 0.45, judged: true },
      { threshold: 0.5, scale: 1, minimumRequests: 2 },
    ],
  ])('%s', (_, outer, inner, judge) => {
    expect(exactPeriodPass(outer, inner, judge)).toBeCloseTo(enumeratedPass(outer, inner, judge), 9);
  });

  test('an outer version without errors or without successes (its counts have one value, 0)', () => {
    const judge: PeriodJudge = { threshold: 30, scale: 100, minimumRequests: 4 };
    const inner: PeriodSide = { mean: 10, errorRatio: 0.2, judged: true };
    for (const outer of [
      { mean: 6, errorRatio: 0, judged: true },
      { mean: 3, errorRatio: 1, judged: true },
    ]) {
      const expected = enumeratedPass(outer, inner, judge);
      expect(expected).toBeGreaterThan(0.05);
      expect(exactPeriodPass(outer, inner, judge)).toBeCloseTo(expected, 9);
    }
  });
});

describe('the semi-exact form as documented', () => {
  test.each<[string, PeriodSide, PeriodSide, PeriodJudge]>([
    [
      'both judged, 3 % against 2.5 %',
      { mean: 40, errorRatio: 0.05, judged: true },
      { mean: 2000, errorRatio: 0.03, judged: true },
      { threshold: 2.5, scale: 100, minimumRequests: 30 },
    ],
    [
      'the inner version not judged on its own',
      { mean: 60, errorRatio: 0.04, judged: true },
      { mean: 1500, errorRatio: 0.02, judged: false },
      { threshold: 3, scale: 100, minimumRequests: 50 },
    ],
    [
      'an outer version failing every request, judged only from its gate',
      { mean: 5, errorRatio: 1, judged: true },
      { mean: 3000, errorRatio: 0.01, judged: false },
      { threshold: 2, scale: 100, minimumRequests: 8 },
    ],
  ])('%s', (_, outer, inner, judge) => {
    expect(semiExactPeriodPass(outer, inner, judge)).toBeCloseTo(semiExactByDefinition(outer, inner, judge), 5);
  });

  test('an inner version without traffic: the overall ratio is the outer one, a tie at the threshold breaches', () => {
    // θ = 1/2 and half the outer requests failing: e = s (the ratio exactly 50 %) has weight, and
    // CloudWatch's `≥` makes it a breach; D of an empty inner version is 0 with no variance.
    const outer: PeriodSide = { mean: 30, errorRatio: 0.5, judged: false };
    const inner: PeriodSide = { mean: 0, errorRatio: 0.1, judged: false };
    const judge: PeriodJudge = { threshold: 50, scale: 100, minimumRequests: 1 };
    const expected = semiExactByDefinition(outer, inner, judge);
    // P(E < S) for E, S ~ Poisson(15) independent: by symmetry (1 − P(E = S)) / 2.
    const p = poisson(15);
    const tie = p.reduce((sum, q) => sum + q * q, 0);
    expect(expected).toBeCloseTo((1 - tie) / 2, 12);
    expect(semiExactPeriodPass(outer, inner, judge)).toBeCloseTo(expected, 9);
  });
});

describe('the copula form as documented', () => {
  // Overall ratios near the threshold, so that both ratios breach often and their dependence matters.
  test.each<[string, PeriodSide, PeriodSide, PeriodJudge]>([
    [
      '4,000 requests, 25 % new failing 2.4 %, 1.8 % old, threshold 2 %',
      { mean: 1000, errorRatio: 0.024, judged: true },
      { mean: 3000, errorRatio: 0.018, judged: false },
      { threshold: 2, scale: 100, minimumRequests: 100 },
    ],
    [
      '2,000 requests, half new failing 2.8 %, 2.2 % old, threshold 2.5 %',
      { mean: 1000, errorRatio: 0.028, judged: true },
      { mean: 1000, errorRatio: 0.022, judged: false },
      { threshold: 2.5, scale: 100, minimumRequests: 10 },
    ],
    [
      'the ratio as a fraction (scale 1), 10 % new failing 3.5 %, 2.9 % old, threshold 3 %',
      { mean: 500, errorRatio: 0.035, judged: true },
      { mean: 4500, errorRatio: 0.029, judged: false },
      { threshold: 0.03, scale: 1, minimumRequests: 300 },
    ],
    [
      'a 30 % threshold, where θ²(1 − p) weighs in the variances: 1,000 new requests failing 31.5 %, 2,000 old at 28.5 %',
      { mean: 1000, errorRatio: 0.315, judged: true },
      { mean: 2000, errorRatio: 0.285, judged: false },
      { threshold: 30, scale: 100, minimumRequests: 100 },
    ],
  ])('%s', (_, canary, old, judge) => {
    const total = canary.mean + old.mean;
    const mixed = (canary.mean * canary.errorRatio + old.mean * old.errorRatio) / total;
    const bAll = ownBreach(total, mixed, judge.threshold / judge.scale, judge.minimumRequests);
    expect(bAll).toBeGreaterThan(0.1);
    expect(bAll).toBeLessThan(0.9);
    const expected = copulaByDefinition(canary, old, judge);
    expect(expected).toBeGreaterThan(0.05);
    expect(expected).toBeLessThan(0.95);
    expect(copulaPeriodPass(canary, old, judge)).toBeCloseTo(expected, 5);
  });

  test('a new version sure to breach: no pass, whatever the overall ratio', () => {
    // Every new request fails against a 50 % threshold from 100 requests of Poisson(1000): b_new = 1;
    // the overall ratio (10 %) never breaches.
    const canary: PeriodSide = { mean: 1000, errorRatio: 1, judged: true };
    const old: PeriodSide = { mean: 9000, errorRatio: 0, judged: false };
    expect(copulaPeriodPass(canary, old, { threshold: 50, scale: 100, minimumRequests: 100 })).toBeCloseTo(0, 9);
  });
});

describe('the bivariate normal distribution function near ρ = 1', () => {
  test('within 1e-12 of 1 it is the smaller margin exactly', () => {
    // The integrand steps from φ(x) to 0 at x = b inside the range, which Simpson's rule on 400
    // points would blur; at ρ = 1 − 1e-12 the closed form Φ(min(a, b)) is taken.
    expect(bivariateNormalCdf(0.7, 0.3, 1 - 1e-12)).toBeCloseTo(normalCdf(0.3), 9);
  });
});
