import {
  atLeastOf,
  binomialAtLeast,
  errorsToReach,
  logFactorial,
  poissonAtLeast,
  regularizedBeta,
} from '../../../lib/plan/detection/counts';
import { mostSuccessesReaching, PoissonTable, poissonTable, thinnedSeriesBreach } from '../../../lib/plan/detection/poisson-table';

/*
 * The edges of the counting distributions (lib/plan/detection/counts.ts, poisson-table.ts): the
 * guards, the switch between the lower and the upper Poisson sums, the switch of the incomplete
 * beta function between its continued fraction and its complement, and the floating-point
 * corrections of the error counts. Expected values are closed forms or direct sums written here in
 * logs (so a mean of 1,000 does not underflow e^−μ):
 * - ln P(N = n) = n ln μ − μ − Σ_{i ≤ n} ln i;
 * - ln [C(n, j) p^j (1 − p)^(n − j)] = Σ ln(n − j + i) − Σ ln i + j ln p + (n − j) ln(1 − p).
 */

/** ln n!, summed. */
function lnFactorial(n: number): number {
  let s = 0;
  for (let i = 2; i <= n; i++) s += Math.log(i);
  return s;
}

/** P(N = n), N ~ Poisson(mu), in logs. */
function pmf(n: number, mu: number): number {
  return Math.exp(n * Math.log(mu) - mu - lnFactorial(n));
}

/** P(X = j), X ~ Binomial(n, p), in logs. */
function binom(n: number, j: number, p: number): number {
  return Math.exp(lnFactorial(n) - lnFactorial(j) - lnFactorial(n - j) + j * Math.log(p) + (n - j) * Math.log(1 - p));
}

/** Σ_{n = from}^{to} P(N = n), N ~ Poisson(mu), each term from the previous one in logs. */
function poissonSum(mu: number, from: number, to: number): number {
  let ln = from * Math.log(mu) - mu - lnFactorial(from);
  let s = 0;
  for (let n = from; n <= to; n++) {
    s += Math.exp(ln);
    ln += Math.log(mu) - Math.log(n + 1);
  }
  return s;
}

/** P(from ≤ X ≤ to), X ~ Binomial(n, p), each term from the previous one. */
function binomSum(n: number, p: number, from: number, to: number): number {
  let term = binom(n, from, p);
  let s = 0;
  for (let j = from; j <= to; j++) {
    s += term;
    term *= ((n - j) / (j + 1)) * (p / (1 - p));
  }
  return s;
}

/** Σ_{j = from}^{to} f(j). */
function sum(from: number, to: number, f: (j: number) => number): number {
  let s = 0;
  for (let j = from; j <= to; j++) s += f(j);
  return s;
}

describe('Poisson tails', () => {
  test('P(N ≥ 0) is 1 whatever the mean, a zero one included', () => {
    expect(poissonAtLeast(0, 0)).toBe(1);
    expect(poissonAtLeast(0, 1e-3)).toBe(1);
  });

  test('near a large mean the lower terms are summed: the upper tail is longer than 200 terms', () => {
    // P(N ≥ 900 | μ = 1000) = 1 − Σ_{n < 900}; the terms from 900 to 1099 alone miss P(N ≥ 1100) ≈ 8e-4.
    expect(poissonAtLeast(900, 1000)).toBeCloseTo(1 - poissonSum(1000, 0, 899), 9);
    expect(poissonSum(1000, 1100, 1400)).toBeGreaterThan(5e-4);
    // μ = 10,000, k = 10,100 (one σ above): 200 terms reach only 3σ, P(N ≥ 10,300) ≈ 1.4e-3 is beyond them.
    expect(poissonAtLeast(10_100, 10_000)).toBeCloseTo(1 - poissonSum(10_000, 0, 10_099), 9);
    // Past the switch (k ≥ μ + 40√μ + 40 = 2304.9 for μ = 1,000) the terms from k upwards, to their
    // own precision (1 − Σ below would leave only rounding).
    expect(poissonAtLeast(2305, 1000) / poissonSum(1000, 2305, 2700)).toBeCloseTo(1, 9);
  });

  test('ln n! across the switch from the product to Lanczos', () => {
    for (const n of [2, 3, 10, 18, 19, 20, 21, 40]) expect(logFactorial(n)).toBeCloseTo(lnFactorial(n), 9);
  });
});

describe('binomial tails and the incomplete beta function', () => {
  test('no errors needed: P(X ≥ 0) = 1, also where the continued fraction would be used; more than n: 0', () => {
    expect(binomialAtLeast(0, 5, 0.01)).toBe(1);
    expect(binomialAtLeast(-2, 5, 0.9)).toBe(1);
    expect(binomialAtLeast(7, 5, 0.3)).toBe(0);
  });

  test('I_x(a, b) is the Beta(a, b) distribution function: 0 at and below x = 0, 1 at and above x = 1', () => {
    expect(regularizedBeta(-0.5, 2, 3)).toBe(0);
    expect(regularizedBeta(1.5, 2, 3)).toBe(1);
  });

  test('a tiny upper tail keeps its digits (the continued fraction, not 1 minus its complement)', () => {
    // P(Bin(100, 0.01) ≥ 20) ≈ 2.6e-20: 1 − P(X < 20) would be 0 in floating point.
    const tail = binomSum(100, 0.01, 20, 100);
    expect(tail).toBeLessThan(1e-18);
    expect(binomialAtLeast(20, 100, 0.01) / tail).toBeCloseTo(1, 8);
  });

  test('large counts on both sides of the switch point (a + 1) / (a + b + 2)', () => {
    for (const [k, n, p] of [
      [500, 1000, 0.52], // x above the switch: 1 − I_{1−x}(b, a)
      [500, 1000, 0.48], // x below it: I_x(a, b) directly
      [60, 1000, 0.05],
      [30, 1000, 0.05],
      [1000, 1000, 0.999],
    ]) {
      expect(binomialAtLeast(k, n, p)).toBeCloseTo(binomSum(n, p, k, n), 10);
    }
  });

  test('I_x(a, b) for non-integer parameters: I_x(a, 1) = x^a and I_x(1, b) = 1 − (1 − x)^b', () => {
    expect(regularizedBeta(0.3, 2.5, 1)).toBeCloseTo(Math.pow(0.3, 2.5), 12);
    expect(regularizedBeta(0.95, 2.5, 1)).toBeCloseTo(Math.pow(0.95, 2.5), 12);
    expect(regularizedBeta(0.05, 1, 7.5)).toBeCloseTo(1 - Math.pow(0.95, 7.5), 12);
    expect(regularizedBeta(0.6, 1, 7.5)).toBeCloseTo(1 - Math.pow(0.4, 7.5), 12);
    // I_x(a, b) + I_{1−x}(b, a) = 1 (A&S 26.5.2), with many continued-fraction terms.
    expect(regularizedBeta(0.37, 150.5, 260.25) + regularizedBeta(0.63, 260.25, 150.5)).toBeCloseTo(1, 10);
  });
});

describe('at least k of independent events', () => {
  test('the count is capped at k: more events than k still sum into "k or more"', () => {
    // P(at least 1 of 4) = 1 − Π(1 − p).
    expect(atLeastOf(1, [0.1, 0.2, 0.3, 0.4])).toBeCloseTo(1 - 0.9 * 0.8 * 0.7 * 0.6, 14);
    // P(all 3 of 3) = Π p.
    expect(atLeastOf(3, [0.5, 0.6, 0.7])).toBeCloseTo(0.21, 14);
    // "At least −1" is certain.
    expect(atLeastOf(-1, [0.5, 0.6])).toBe(1);
  });
});

describe('the fewest errors that reach a threshold, corrected both ways', () => {
  test('a product rounded up is corrected down, one rounded down is corrected up', () => {
    // 0.07 · 100 = 7.000000000000001, ⌈⌉ = 8, but 7 / 100 = 0.07 reaches it.
    expect(0.07 * 100).toBe(7.000000000000001);
    expect(errorsToReach(0.07, 100)).toBe(7);
    // The double just above 3.28 (what 0.328 · 10 gives): 3.2800000000000002 · 1250 / 100 rounds to
    // 41 exactly, but 100 · 41 / 1250 = 3.28 is below it, so 42 errors are needed.
    expect(0.328 * 10).toBe(3.2800000000000002);
    expect((100 * 41) / 1250 < 3.2800000000000002).toBe(true);
    expect(errorsToReach(3.2800000000000002, 1250, 100)).toBe(42);
    // A percentage: 2.2 · 1500 / 100 = 33.00000000000001, ⌈⌉ = 34, but 100 · 33 / 1500 = 2.2 reaches it.
    expect((2.2 * 1500) / 100).toBe(33.00000000000001);
    expect(errorsToReach(2.2, 1500, 100)).toBe(33);
  });

  test('a zero threshold needs no error; a threshold above the scale is never reached by n errors', () => {
    expect(errorsToReach(0, 7, 100)).toBe(0);
    expect(errorsToReach(0.25, 4)).toBe(1);
    expect(errorsToReach(1, 4)).toBe(4);
  });
});

describe('Poisson tables', () => {
  test('a table built from a mode above zero matches the pmf on both sides, to the support edges', () => {
    const t = new PoissonTable(37.5);
    const [low, high] = [Math.max(0, Math.floor(37.5 - 8 * Math.sqrt(37.5) - 10)), Math.ceil(37.5 + 8 * Math.sqrt(37.5) + 10)];
    expect([t.low, t.high]).toEqual([low, high]);
    expect([low, high]).toEqual([0, 97]);
    for (const n of [0, 1, 20, 37, 38, 60, 97]) expect(t.pmf(n) / pmf(n, 37.5)).toBeCloseTo(1, 9);
    // Ranges reaching the support's ends, from either tail.
    // (ln Γ by Lanczos is good to about 1e-10 relative.)
    expect(t.between(0, 37)).toBeCloseTo(poissonSum(37.5, 0, 37), 9);
    expect(t.between(37, 97)).toBeCloseTo(poissonSum(37.5, 37, 97), 9);
    expect(t.between(38, 38)).toBeCloseTo(pmf(38, 37.5), 9);
    expect(t.between(1, 37)).toBeCloseTo(poissonSum(37.5, 1, 37), 9);
  });

  test('a table whose support starts above zero: the pmf by n, and tails far from the mode from their own end', () => {
    const t = new PoissonTable(100);
    expect(t.low).toBe(10);
    for (const n of [10, 11, 60, 100, 150, 190]) expect(t.pmf(n) / pmf(n, 100)).toBeCloseTo(1, 9);
    // P(10 ≤ N ≤ 30) ≈ 2e-22 and P(170 ≤ N ≤ 190) ≈ 2e-10: a difference of sums from the other end
    // would keep only their rounding (1e-16 absolute).
    expect(t.between(10, 30) / poissonSum(100, 10, 30)).toBeCloseTo(1, 9);
    expect(t.between(170, 190) / poissonSum(100, 170, 190)).toBeCloseTo(1, 9);
  });

  test('the shared tables are kept until more than 2,000 means were asked for, then rebuilt', () => {
    const first = poissonTable(0.123456);
    poissonTable(0.654321);
    expect(poissonTable(0.123456)).toBe(first);
    for (let i = 0; i < 2002; i++) poissonTable(1 + i / 4096);
    expect(poissonTable(0.123456)).not.toBe(first);
    expect(poissonTable(0.123456).pmf(0)).toBeCloseTo(Math.exp(-0.123456), 14);
  });
});

describe('a thinned series at its edges', () => {
  test('the most successes that still reach a threshold, corrected both ways', () => {
    // 7 / 0.07 − 7 = 92.99999999999999, ⌊⌋ = 92, but 7 / (7 + 93) = 0.07 still reaches 0.07.
    expect(7 / 0.07 - 7).toBeLessThan(93);
    expect(7 / (7 + 93) >= 0.07).toBe(true);
    expect(mostSuccessesReaching(7, 0.07, 1)).toBe(93);
    // The double just above 0.41 (0.041 · 10) as a percentage: 100 · 41 / t − 41 = 9959, but
    // 100 · 41 / 10,000 = 0.41 is below it, so 9958.
    const t = 0.041 * 10;
    expect(t).toBeGreaterThan(0.41);
    expect(Math.floor((100 * 41) / t - 41)).toBe(9959);
    expect(mostSuccessesReaching(41, t, 100)).toBe(9958);
  });

  test('a threshold of 1: only windows without a success breach', () => {
    // P(S = 0) · P(E ≥ gate) with E ~ Poisson(μp), S ~ Poisson(μ(1 − p)): every e ≥ 1 has s*(e) = 0.
    const [mu, p] = [6, 0.4];
    expect(mostSuccessesReaching(3, 1, 1)).toBe(0);
    expect(thinnedSeriesBreach(mu, p, 1, 1, 1)).toBeCloseTo(Math.exp(-mu * (1 - p)) * (1 - Math.exp(-mu * p)), 14);
    expect(thinnedSeriesBreach(mu, p, 1, 1, 3)).toBeCloseTo(Math.exp(-mu * (1 - p)) * (1 - sum(0, 2, (e) => pmf(e, mu * p))), 14);
  });

  test('a breach needs at least one request even with a gate of 0', () => {
    // Threshold 0 with every request judged: P(N ≥ 1) = 1 − e^−μ, not 1.
    expect(thinnedSeriesBreach(0.5, 0.2, 0, 1, 0)).toBeCloseTo(1 - Math.exp(-0.5), 14);
    expect(thinnedSeriesBreach(0.5, 1, 0.5, 1, 0)).toBeCloseTo(1 - Math.exp(-0.5), 14);
  });
});
