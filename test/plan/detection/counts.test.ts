import {
  atLeastOf,
  binomialAtLeast,
  criticalZ,
  errorsToReach,
  lostTrafficRequests,
  normalCdf,
  poissonAtLeast,
  poissonPmf,
  upperQuantile,
} from '../../../lib/plan/detection';

// Expected values are worked by hand from the textbook formulas (shown next to each).
describe('counting distributions', () => {
  test('Poisson pmf and tail', () => {
    expect(poissonPmf(3, 2)).toBeCloseTo(0.180447044, 8); // e^-2 · 2³ / 3!
    expect(poissonAtLeast(2, 1.5)).toBeCloseTo(0.4421746, 7); // 1 − e^-1.5 (1 + 1.5)
    expect(poissonAtLeast(0, 3)).toBe(1);
  });

  test('binomial upper tail through the incomplete beta function', () => {
    expect(binomialAtLeast(2, 10, 0.1)).toBeCloseTo(0.2639010709, 9); // 1 − 0.9¹⁰ − 10 · 0.1 · 0.9⁹
    expect(binomialAtLeast(1, 61, 0.005)).toBeCloseTo(1 - Math.pow(0.995, 61), 10);
    expect(binomialAtLeast(0, 5, 0.3)).toBe(1);
    expect(binomialAtLeast(6, 5, 0.3)).toBe(0);
  });

  test('at least k of independent events', () => {
    expect(atLeastOf(2, [0.5, 0.5, 0.5, 0.5, 0.5])).toBeCloseTo(26 / 32, 12); // 1 − (1 + 5) / 2⁵
    expect(atLeastOf(1, [0.1, 0.2])).toBeCloseTo(1 - 0.9 * 0.8, 12);
    expect(atLeastOf(3, [0.9, 0.9])).toBe(0);
  });

  test('the fewest errors that reach a threshold, as floating-point division compares them', () => {
    expect(errorsToReach(0.015, 200)).toBe(3); // 3 / 200 = 0.015 exactly
    expect(errorsToReach(0.015, 61)).toBe(1); // 1 / 61 = 0.0164 (issue 24: one 5xx at ~61 requests)
    expect(errorsToReach(0.015, 67)).toBe(2); // 1 / 67 = 0.0149
    expect(errorsToReach(2, 100, 100)).toBe(2); // 100 · 2 / 100 = 2 %
  });

  test('normal quantiles for the comparison with the stable version', () => {
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(upperQuantile(0.05)).toBeCloseTo(1.6449, 3);
    expect(criticalZ(10)).toBeCloseTo(2.5758, 3); // α = 0.05 / 10
  });

  test('lost traffic: (1 − w)^T below 1e-4', () => {
    expect(lostTrafficRequests(0.02)).toBe(456); // ⌈ln 1e-4 / ln 0.98⌉ = ⌈455.9⌉
    expect(lostTrafficRequests(0.25)).toBe(33); // ⌈9.2103 / 0.28768⌉
    expect(lostTrafficRequests(1)).toBeUndefined();
  });
});
