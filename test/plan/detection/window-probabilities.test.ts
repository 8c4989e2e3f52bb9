import {
  atLeastOf,
  binomialAtLeast,
  errorsToReach,
  logFactorial,
  logGamma,
  poissonAtLeast,
  poissonPmf,
  poissonSupport,
  regularizedBeta,
} from '../../../lib/plan/detection/counts';
import { measurementFailure, periodBreach, seriesBreach } from '../../../lib/plan/detection/judged-window';
import { mostSuccessesReaching, PoissonTable, poissonTable, thinnedSeriesBreach } from '../../../lib/plan/detection/poisson-table';

/*
 * The probabilities a judged window is built from, against the textbook definitions computed here
 * by brute force (a direct sum over the number of requests and the number of errors, no table, no
 * thinning, no continued fraction), and against closed forms:
 * - P(N = n) = e^−μ μ^n / n!; P(Bin(n, p) ≥ k) = Σ_{j ≥ k} C(n, j) p^j (1 − p)^(n − j).
 * - With a threshold so low that one error reaches it and a gate of one request, a window breaches
 *   exactly when it holds an error: 1 − e^(−μp) (the errors of a Poisson stream are Poisson).
 */

/** P(N = n), N ~ Poisson(mu), by the definition (n small). */
function pmf(n: number, mu: number): number {
  let f = Math.exp(-mu);
  for (let i = 1; i <= n; i++) f *= mu / i;
  return f;
}

/** C(n, j) p^j (1 − p)^(n − j) by the definition. */
function binom(n: number, j: number, p: number): number {
  let c = 1;
  for (let i = 1; i <= j; i++) c = (c * (n - j + i)) / i;
  return c * Math.pow(p, j) * Math.pow(1 - p, n - j);
}

/** P(a window of Poisson(mu) requests is judged (≥ gate, ≥ 1) and scale · errors / requests ≥ threshold), by brute force. */
function bruteBreach(mu: number, p: number, threshold: number, scale: number, gate: number): number {
  let total = 0;
  for (let n = Math.max(1, gate); n < mu + 12 * Math.sqrt(mu) + 30; n++) {
    let tail = 0;
    for (let j = 0; j <= n; j++) if ((scale * j) / n >= threshold) tail += binom(n, j, p);
    total += pmf(n, mu) * tail;
  }
  return total;
}

describe('counts', () => {
  test('ln Γ and ln n! agree with the factorials', () => {
    expect(logGamma(1)).toBeCloseTo(0, 9);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 9);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 9); // Γ(1/2) = √π
    expect(logFactorial(0)).toBe(0);
    expect(logFactorial(1)).toBe(0);
    expect(logFactorial(2)).toBeCloseTo(Math.log(2), 12);
    expect(logFactorial(5)).toBeCloseTo(Math.log(120), 12);
    expect(logFactorial(19)).toBeCloseTo(Math.log(121645100408832000), 9);
    expect(logFactorial(20)).toBeCloseTo(Math.log(2432902008176640000), 9);
    expect(logFactorial(25)).toBeCloseTo(58.00360522298052, 8); // ln 25!
  });

  test('Poisson pmf and tails, also far above the mean and for a zero mean', () => {
    expect(poissonPmf(0, 2)).toBeCloseTo(Math.exp(-2), 12);
    expect(poissonPmf(0, 0)).toBe(1);
    expect(poissonPmf(3, 0)).toBe(0);
    expect(poissonAtLeast(3, 0)).toBe(0);
    expect(poissonAtLeast(-1, 2)).toBe(1);
    expect(poissonAtLeast(1, 2)).toBeCloseTo(1 - Math.exp(-2), 12);
    // Far above the mean (k ≥ μ + 40√μ + 40) the terms from k upwards are summed, so a tiny tail
    // keeps its digits: P(N ≥ 140 | μ = 5) ≈ P(N = 140) (the next terms shrink by 5/141, 5/142…).
    const far = poissonAtLeast(140, 5);
    expect(far / pmf(140, 5)).toBeGreaterThan(1.03);
    expect(far / pmf(140, 5)).toBeLessThan(1.04);
    let direct = 0;
    for (let n = 140; n < 200; n++) direct += pmf(n, 5);
    expect(far / direct).toBeCloseTo(1, 9);
    // Near the mean by the lower terms.
    let below = 0;
    for (let n = 0; n < 12; n++) below += pmf(n, 10);
    expect(poissonAtLeast(12, 10)).toBeCloseTo(1 - below, 12);
  });

  test('the support holds the mass: mean ± (8√μ + 10), clamped at 0', () => {
    expect(poissonSupport(0)).toEqual([0, 0]);
    expect(poissonSupport(2)).toEqual([0, 24]); // ⌈2 + 8√2 + 10⌉ = ⌈23.3⌉
    expect(poissonSupport(100)).toEqual([10, 190]);
  });

  test('the regularized incomplete beta function, on both sides of its switch point', () => {
    // I_x(1, 1) = x; I_x(a, 1) = x^a; I_x(1, b) = 1 − (1 − x)^b.
    expect(regularizedBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12);
    expect(regularizedBeta(0.7, 3, 1)).toBeCloseTo(0.343, 12);
    expect(regularizedBeta(0.2, 1, 4)).toBeCloseTo(1 - Math.pow(0.8, 4), 12);
    expect(regularizedBeta(0.9, 1, 4)).toBeCloseTo(1 - Math.pow(0.1, 4), 12);
    expect(regularizedBeta(0, 2, 3)).toBe(0);
    expect(regularizedBeta(1, 2, 3)).toBe(1);
  });

  test('binomial tails against the definition', () => {
    for (const [k, n, p] of [
      [3, 20, 0.05],
      [15, 20, 0.7],
      [1, 1, 0.4],
      [40, 200, 0.15],
      [5, 200, 0.001],
    ]) {
      let tail = 0;
      for (let j = k; j <= n; j++) tail += binom(n, j, p);
      expect(binomialAtLeast(k, n, p)).toBeCloseTo(tail, 10);
    }
    expect(binomialAtLeast(3, 10, 0)).toBe(0);
    expect(binomialAtLeast(3, 10, 1)).toBe(1);
    expect(binomialAtLeast(10, 10, 0.5)).toBeCloseTo(1 / 1024, 12);
  });

  test('at least k of independent events, the k = 0 and k > n edges', () => {
    expect(atLeastOf(0, [0.1])).toBe(1);
    expect(atLeastOf(2, [0.3])).toBe(0);
    expect(atLeastOf(2, [0.3, 0.6])).toBeCloseTo(0.18, 12);
    expect(atLeastOf(1, [0, 0, 0])).toBe(0);
    expect(atLeastOf(2, [1, 1, 0])).toBe(1);
    // 2 of 3: p1p2 + p1p3 + p2p3 − 2 p1p2p3.
    expect(atLeastOf(2, [0.2, 0.5, 0.9])).toBeCloseTo(0.1 + 0.18 + 0.45 - 2 * 0.09, 12);
  });

  test('errors to reach a threshold: exact boundaries and a percentage scale', () => {
    expect(errorsToReach(0, 50)).toBe(0);
    expect(errorsToReach(0.5, 3)).toBe(2); // 1/3 < 0.5 ≤ 2/3
    expect(errorsToReach(0.1, 10)).toBe(1); // 1/10 = 0.1 exactly
    expect(errorsToReach(0.3, 10)).toBe(3); // 3/10 ≥ 0.3 (0.3 · 10 is 3 in floating point; count-edges.test.ts has the rounded cases)
    expect(errorsToReach(5, 40, 100)).toBe(2); // 100 · 2 / 40 = 5 %
  });
});

describe('Poisson tables', () => {
  test('pmf and ranges against the definition, mode in the middle of the support', () => {
    const t = new PoissonTable(2);
    expect([t.low, t.high]).toEqual([0, 24]);
    for (const n of [0, 1, 2, 3, 7, 20]) expect(t.pmf(n)).toBeCloseTo(pmf(n, 2), 14);
    expect(t.pmf(-1)).toBe(0);
    expect(t.pmf(25)).toBe(0);
    expect(t.between(0, 1)).toBeCloseTo(3 * Math.exp(-2), 14);
    expect(t.between(2, Infinity)).toBeCloseTo(1 - 3 * Math.exp(-2), 14);
    expect(t.between(3, 3)).toBeCloseTo(pmf(3, 2), 14);
    expect(t.between(-5, 0)).toBeCloseTo(Math.exp(-2), 14);
    expect(t.between(5, 3)).toBe(0);
    expect(t.between(30, 40)).toBe(0);
  });

  test('small probabilities in either tail keep their precision', () => {
    const t = new PoissonTable(100);
    expect([t.low, t.high]).toEqual([10, 190]);
    let low = 0;
    for (let n = 0; n <= 60; n++) low += pmf(n, 100);
    let high = 0;
    for (let n = 150; n <= 190; n++) high += pmf(n, 100);
    expect(t.between(0, 60) / low).toBeCloseTo(1, 9);
    expect(t.between(150, 190) / high).toBeCloseTo(1, 9);
    expect(t.between(90, 110)).toBeCloseTo(
      Array.from({ length: 21 }, (_, i) => pmf(90 + i, 100)).reduce((a, b) => a + b),
      9,
    );
    // A range straddling the mode, read from the upper sums.
    // (ln Γ by Lanczos is good to about 1e-10 relative.)
    expect(t.between(99, 101) / (pmf(99, 100) + pmf(100, 100) + pmf(101, 100))).toBeCloseTo(1, 9);
    expect(t.between(100, 100) / pmf(100, 100)).toBeCloseTo(1, 9);
    expect(t.between(60, 60) / pmf(60, 100)).toBeCloseTo(1, 9);
    expect(t.between(10, 10) / pmf(10, 100)).toBeCloseTo(1, 9);
  });

  test('a zero mean is all at zero; tables are shared per mean', () => {
    const z = new PoissonTable(0);
    expect(z.pmf(0)).toBe(1);
    expect(z.between(0, 5)).toBe(1);
    expect(z.between(1, 5)).toBe(0);
    expect(poissonTable(3.5)).toBe(poissonTable(3.5));
    expect(poissonTable(3.5).mean).toBe(3.5);
    expect(poissonTable(3.6)).not.toBe(poissonTable(3.5));
  });

  test('the most successes with which e errors still reach the threshold', () => {
    expect(mostSuccessesReaching(3, 0.015, 1)).toBe(197); // 3 / 200 = 0.015
    expect(mostSuccessesReaching(1, 0.5, 1)).toBe(1);
    expect(mostSuccessesReaching(1, 0.3, 1)).toBe(2); // 1/3 ≥ 0.3 > 1/4
    expect(mostSuccessesReaching(2, 2, 100)).toBe(98); // 100 · 2 / 100 = 2 %
    expect(mostSuccessesReaching(0, 0.1, 1)).toBe(-1);
    expect(mostSuccessesReaching(2, 1.5, 1)).toBe(-1);
    expect(mostSuccessesReaching(4, 1, 1)).toBe(0);
    expect(mostSuccessesReaching(1, 1e-9, 1)).toBeGreaterThan(9e8);
  });

  test('a series breaches as the direct sum over requests and errors says', () => {
    for (const [mu, p, threshold, scale, gate] of [
      [20, 0.05, 0.1, 1, 5],
      [20, 0.05, 0.1, 1, 0],
      [8, 0.3, 0.5, 1, 3],
      [40, 0.02, 5, 100, 10],
      [15, 0.1, 0.1, 1, 20],
      [3, 0.5, 0.25, 1, 1],
    ]) {
      expect(thinnedSeriesBreach(mu, p, threshold, scale, gate)).toBeCloseTo(bruteBreach(mu, p, threshold, scale, gate), 10);
    }
  });

  test('closed forms: any error with a tiny threshold, everything with a zero one, nothing without errors', () => {
    expect(thinnedSeriesBreach(100, 0.01, 1e-9, 1, 1)).toBeCloseTo(1 - Math.exp(-1), 9);
    expect(thinnedSeriesBreach(2, 0.3, 0, 1, 1)).toBeCloseTo(1 - Math.exp(-2), 12);
    expect(thinnedSeriesBreach(2, 0.3, 0, 1, 2)).toBeCloseTo(1 - 3 * Math.exp(-2), 12);
    expect(thinnedSeriesBreach(2, 0, 0.1, 1, 1)).toBe(0);
    expect(thinnedSeriesBreach(0, 0.5, 0.1, 1, 1)).toBe(0);
    // Every request fails: judged windows breach when the scale reaches the threshold.
    expect(thinnedSeriesBreach(2, 1, 0.5, 1, 2)).toBeCloseTo(1 - 3 * Math.exp(-2), 12);
    expect(thinnedSeriesBreach(2, 1, 1, 1, 1)).toBeCloseTo(1 - Math.exp(-2), 12);
    expect(thinnedSeriesBreach(2, 1, 2, 1, 1)).toBe(0);
  });
});

describe('judged windows', () => {
  test('seriesBreach is the thinned sum, percentages included', () => {
    expect(seriesBreach(20, 0.05, { threshold: 0.1, minimumRequests: 5 })).toBeCloseTo(bruteBreach(20, 0.05, 0.1, 1, 5), 10);
    expect(seriesBreach(40, 0.02, { threshold: 5, scale: 100, minimumRequests: 10 })).toBeCloseTo(bruteBreach(40, 0.02, 5, 100, 10), 10);
  });

  test('an Argo measurement fails on the ratio, or as lost traffic when the new version served nothing', () => {
    const judge = { threshold: 0.1, minimumRequests: 5, lostTrafficRequests: 40 };
    const span = { canaryRequests: 2, canaryErrorRatio: 0, stableRequests: 50, stableErrorRatio: 0.01 };
    let stableAtLeast = 0;
    for (let n = 40; n < 200; n++) stableAtLeast += pmf(n, 50);
    expect(measurementFailure(span, judge)).toBeCloseTo(Math.exp(-2) * stableAtLeast, 12);
    // Both parts, disjoint: a judged breach needs requests, lost traffic needs none.
    const failing = { ...span, canaryRequests: 20, canaryErrorRatio: 0.05 };
    expect(measurementFailure(failing, judge)).toBeCloseTo(bruteBreach(20, 0.05, 0.1, 1, 5) + Math.exp(-20) * stableAtLeast, 12);
    // No lost-traffic check, or a gate of 0 (no minimum: a window is never inconclusive): the ratio only.
    expect(measurementFailure(span, { threshold: 0.1, minimumRequests: 5 })).toBe(0);
    expect(measurementFailure(span, { ...judge, minimumRequests: 0 })).toBe(0);
    // Never above 1.
    expect(
      measurementFailure(
        { canaryRequests: 1e-9, canaryErrorRatio: 1, stableRequests: 500, stableErrorRatio: 0 },
        { threshold: 0, minimumRequests: 1, lostTrafficRequests: 1 },
      ),
    ).toBeLessThanOrEqual(1);
  });

  test('a CloudWatch period with both versions surely judged breaches with 1 − (1 − b_new)(1 − b_old)', () => {
    const judge = { threshold: 1e-9, minimumRequests: 1 };
    // Errors are Poisson: b = 1 − e^(−μp) per version.
    const span = { canaryRequests: 10_000, canaryErrorRatio: 1e-4, stableRequests: 10_000, stableErrorRatio: 2e-4 };
    expect(periodBreach(span, judge, true)).toBeCloseTo(1 - Math.exp(-3), 9);
    // The old version not judged on its own (Lambda): its errors still count in the overall ratio
    // (a Gaussian copula here, within 0.01 of the exact value at this extreme threshold).
    expect(Math.abs(periodBreach(span, judge, false) - (1 - Math.exp(-3)))).toBeLessThan(0.01);
  });

  test('small periods are summed exactly: any error in either version breaches the MAX of the three ratios', () => {
    const judge = { threshold: 1e-9, minimumRequests: 1 };
    const span = { canaryRequests: 5, canaryErrorRatio: 0.1, stableRequests: 8, stableErrorRatio: 0.05 };
    expect(periodBreach(span, judge, true)).toBeCloseTo(1 - Math.exp(-0.9), 10);
    expect(periodBreach(span, judge, false)).toBeCloseTo(1 - Math.exp(-0.9), 10);
    // A percentage expression with its scale.
    expect(periodBreach(span, { threshold: 1e-7, scale: 100, minimumRequests: 1 }, true)).toBeCloseTo(1 - Math.exp(-0.9), 10);
    // The old version's errors alone: with it judged, its own ratio breaches too.
    const oldOnly = { canaryRequests: 5, canaryErrorRatio: 0, stableRequests: 8, stableErrorRatio: 0.05 };
    expect(periodBreach(oldOnly, judge, true)).toBeCloseTo(1 - Math.exp(-0.4), 10);
  });

  test('the new version is judged on its own ratio: its errors breach even when the overall ratio stays low', () => {
    // Every request of the new version fails; it serves Poisson(1) requests against 50 of the old
    // one: its ratio (1) breaches whenever it served one, P = 1 − e^−1; the overall ratio almost never does.
    const span = { canaryRequests: 1, canaryErrorRatio: 1, stableRequests: 50, stableErrorRatio: 0 };
    expect(periodBreach(span, { threshold: 0.5, minimumRequests: 1 }, true)).toBeCloseTo(1 - Math.exp(-1), 9);
    expect(periodBreach(span, { threshold: 0.5, minimumRequests: 1 }, false)).toBeCloseTo(1 - Math.exp(-1), 9);
  });

  test('lost traffic depends on the old version’s requests', () => {
    const judge = { threshold: 0.1, minimumRequests: 5, lostTrafficRequests: 40 };
    const few = { canaryRequests: 2, canaryErrorRatio: 0, stableRequests: 20, stableErrorRatio: 0 };
    let atLeast = 0;
    for (let n = 40; n < 150; n++) atLeast += pmf(n, 20);
    expect(measurementFailure(few, judge) / (Math.exp(-2) * atLeast)).toBeCloseTo(1, 6);
    expect(measurementFailure({ ...few, stableRequests: 80 }, judge)).toBeGreaterThan(0.13);
  });

  test('a gate no version reaches never breaches', () => {
    const span = { canaryRequests: 5, canaryErrorRatio: 0.5, stableRequests: 5, stableErrorRatio: 0.5 };
    expect(periodBreach(span, { threshold: 0.1, minimumRequests: 1000 }, true)).toBeLessThan(1e-12);
    expect(periodBreach(span, { threshold: 0.1, minimumRequests: 1000 }, false)).toBeLessThan(1e-12);
  });
});
