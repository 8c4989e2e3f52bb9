import { normalCdf } from '../../../lib/plan/detection/canary-vs-stable';
import {
  bivariateNormalCdf,
  copulaPeriodPass,
  exactPeriodPass,
  exactTerms,
  semiExactPeriodPass,
  type PeriodSide,
} from '../../../lib/plan/detection/coupled-period';

/*
 * lib/plan/detection/coupled-period.ts at its edges, against closed forms:
 * - the bivariate normal distribution function: Φ2(a, b; 0) = Φ(a) Φ(b) (independence),
 *   Φ2(0, 0; ρ) = 1/4 + arcsin(ρ) / (2π) (Sheppard 1899; e.g. Genz 2004, §2), Φ2(a, b; 1) = Φ(min(a, b));
 * - a CloudWatch period whose answer is known without the model: with a threshold so low that one
 *   error reaches it and a gate of one request, the MAX of the ratios breaches exactly when the
 *   period holds an error: 1 − e^−(μ_new p_new + μ_old p_old) (errors of a Poisson stream are Poisson).
 */

const ANY_ERROR = { threshold: 1e-9, scale: 1, minimumRequests: 1 };

describe('the bivariate normal distribution function', () => {
  test('independent: the product of the margins', () => {
    expect(bivariateNormalCdf(0.5, -0.3, 0)).toBeCloseTo(normalCdf(0.5) * normalCdf(-0.3), 6);
    expect(bivariateNormalCdf(1.2, 2, 0)).toBeCloseTo(normalCdf(1.2) * normalCdf(2), 6);
  });

  test('at the origin: 1/4 + arcsin(ρ) / 2π (Sheppard)', () => {
    for (const rho of [-0.8, -0.3, 0.3, 0.6, 0.95]) {
      expect(bivariateNormalCdf(0, 0, rho)).toBeCloseTo(0.25 + Math.asin(rho) / (2 * Math.PI), 6);
    }
  });

  test('perfectly correlated: the smaller margin; far below −9: nothing', () => {
    expect(bivariateNormalCdf(0.4, 1.1, 1)).toBeCloseTo(normalCdf(0.4), 9);
    expect(bivariateNormalCdf(1.1, 0.4, 1)).toBeCloseTo(normalCdf(0.4), 9);
    expect(bivariateNormalCdf(-9.5, 0, 0.5)).toBe(0);
    // Above 9 the integral runs to 9 only: Φ(9) is 1 to 1e-18.
    expect(bivariateNormalCdf(12, 12, 0.5)).toBeCloseTo(1, 9);
  });
});

describe('a period summed by each form, where the answer is closed', () => {
  test('the exact sum: any error breaches, whichever side is outside', () => {
    const small: PeriodSide = { mean: 30, errorRatio: 0.05, judged: true };
    const large: PeriodSide = { mean: 80, errorRatio: 0.02, judged: true };
    // 1.5 + 1.6 errors expected.
    expect(1 - exactPeriodPass(small, large, ANY_ERROR)).toBeCloseTo(1 - Math.exp(-3.1), 9);
    expect(1 - exactPeriodPass(large, small, ANY_ERROR)).toBeCloseTo(1 - Math.exp(-3.1), 9);
    // The old version not judged on its own: its errors still count in the overall ratio.
    expect(1 - exactPeriodPass(small, { ...large, judged: false }, ANY_ERROR)).toBeCloseTo(1 - Math.exp(-3.1), 9);
    expect(1 - exactPeriodPass({ ...small, judged: false }, large, ANY_ERROR)).toBeCloseTo(1 - Math.exp(-3.1), 9);
  });

  test('the exact sum with a gate of 0 still needs a request', () => {
    const a: PeriodSide = { mean: 2, errorRatio: 0.5, judged: true };
    const b: PeriodSide = { mean: 3, errorRatio: 0, judged: true };
    expect(1 - exactPeriodPass(a, b, { ...ANY_ERROR, minimumRequests: 0 })).toBeCloseTo(1 - Math.exp(-1), 9);
  });

  test('the semi-exact form: a new version of 2,000 requests failing at 1 % breaches 1 % almost surely', () => {
    // 20 errors expected against a threshold reached by one: the inner side passes (no error) with
    // e^−20 ≈ 2e-9, which its normal approximation puts at Φ(−20 / √20) ≈ Φ(−4.47) ≈ 4e-6; the outer
    // side passes with e^−2. The period breaches with 1 − e^−2 · 4e-6 ≈ 1 − 5e-7.
    const outer: PeriodSide = { mean: 40, errorRatio: 0.05, judged: true };
    const inner: PeriodSide = { mean: 2000, errorRatio: 0.01, judged: true };
    expect(1 - semiExactPeriodPass(outer, inner, ANY_ERROR)).toBeCloseTo(1, 5);
    // Nothing fails anywhere: no breach.
    expect(semiExactPeriodPass({ ...outer, errorRatio: 0 }, { ...inner, errorRatio: 0 }, { ...ANY_ERROR, threshold: 0.5 })).toBeCloseTo(
      1,
      9,
    );
  });

  test('the copula without variance: the pass rates of the two ratios multiply', () => {
    // No errors anywhere and a threshold of 0 (θ = 0): both statistics have zero variance, every
    // judged period "reaches" 0 %, so both ratios breach whenever judged — with thousands of
    // requests, surely: P(pass) = (1 − 1)(1 − 1) = 0.
    const canary: PeriodSide = { mean: 5000, errorRatio: 0, judged: true };
    const old: PeriodSide = { mean: 5000, errorRatio: 0, judged: false };
    expect(copulaPeriodPass(canary, old, { threshold: 0, scale: 1, minimumRequests: 10 })).toBeCloseTo(0, 12);
  });

  test('the budget: terms of the exact sum as (2 (8√μ + 10)) per count, outer errors × outer successes × inner errors', () => {
    // Means 0, 25 and 3751.5625 (√ = 0, 5, 61.25): 20 · 100 · 1000.
    expect(exactTerms({ mean: 25, errorRatio: 0, judged: true }, { mean: 7503.125, errorRatio: 0.5, judged: true })).toBe(2_000_000);
  });
});
