import { EXACT_TERMS, exactTerms } from '../../../lib/plan/detection/coupled-period';
import { periodBreach } from '../../../lib/plan/detection/judged-window';
import { poisson, between, ownBreach } from './support/poisson-sums';

/*
 * Which way a CloudWatch period's breach is computed (lib/plan/detection/judged-window.ts
 * `periodBreach`: factorised, exact sum, Gaussian copula, semi-exact), checked on periods whose
 * answer is known without the model:
 * - With a threshold so low that one error reaches it, the MAX of the new version's, the old
 *   version's and the overall ratio breaches exactly when the overall count is judged (at least the
 *   gate) and holds an error: the overall count includes both versions', so it is judged whenever
 *   either is. Errors E and successes S of the whole period are independent Poisson variables
 *   (thinning, Kingman 1993 §5.1): P = Σ_{e ≥ 1} P(E = e) · P(S ≥ g − e).
 * - A version judged on its own ratio breaches with Σ_e P(E = e) · P(max(0, g − e) ≤ S ≤ s*(e)),
 *   s*(e) the most successes with which e errors still reach the threshold, found here by counting.
 */

const ANY_ERROR = 1e-9;

/** P(the whole period is judged and holds an error), errors and successes of mean `errors` and `successes`. */
function anyErrorJudged(errors: number, successes: number, gate: number): number {
  const [pe, ps] = [poisson(errors), poisson(successes)];
  let p = 0;
  for (let e = 1; e < pe.length; e++) p += pe[e] * (1 - between(ps, 0, gate - e - 1));
  return p;
}

describe('a CloudWatch period, by the way it is computed', () => {
  test('neither version reaches the gate alone, together they do: summed exactly, not factorised', () => {
    // 6 + 6 requests against a gate of 10: the overall ratio is judged far more often than either.
    const span = { canaryRequests: 6, canaryErrorRatio: 0.1, stableRequests: 6, stableErrorRatio: 0.05 };
    const judge = { threshold: ANY_ERROR, minimumRequests: 10 };
    const expected = anyErrorJudged(0.9, 11.1, 10);
    expect(expected).toBeGreaterThan(0.25);
    expect(periodBreach(span, judge, true)).toBeCloseTo(expected, 9);
    expect(periodBreach(span, judge, false)).toBeCloseTo(expected, 9);
  });

  test('a small new version beside a large old one: the exact sum, 1 − e^−(μ_new p_new + μ_old p_old)', () => {
    // The old version's 200 requests are surely judged (gate 1), the new version's 5 are not.
    const span = { canaryRequests: 5, canaryErrorRatio: 0.1, stableRequests: 200, stableErrorRatio: 0.01 };
    const judge = { threshold: ANY_ERROR, minimumRequests: 1 };
    expect(periodBreach(span, judge, true)).toBeCloseTo(1 - Math.exp(-2.5), 9);
    expect(periodBreach(span, judge, false)).toBeCloseTo(1 - Math.exp(-2.5), 9);
  });

  test('beyond the exact budget, a larger version that may miss the gate is still summed exactly', () => {
    // 6,000 and 8,000 requests, a gate of 8,000: the larger version is judged about half the time,
    // the overall count (14,000) always; one error in 6,000 and five in 8,000.
    const canary = { mean: 6000, errorRatio: 1 / 6000, judged: true };
    const old = { mean: 8000, errorRatio: 5 / 8000, judged: true };
    expect(exactTerms(canary, old)).toBeGreaterThan(EXACT_TERMS);
    const span = { canaryRequests: 6000, canaryErrorRatio: 1 / 6000, stableRequests: 8000, stableErrorRatio: 5 / 8000 };
    const judge = { threshold: ANY_ERROR, minimumRequests: 8000 };
    expect(periodBreach(span, judge, true)).toBeCloseTo(1 - Math.exp(-6), 9);
  });

  test('the smaller version is summed outside, whichever it is: exact, not the copula', () => {
    // Lambda (the old version has no ratio of its own): 25 requests at 4 % errors beside 20,000 at
    // 0.01 %. Summed with the small version outside the budget holds; the overall ratio is always
    // judged, and any error reaches the threshold: 1 − e^−(1 + 2). With the large one outside it
    // would not, and the copula joining the two ratios is far from this when errors are this few.
    const judge = { threshold: ANY_ERROR, minimumRequests: 1 };
    const smallNew = { canaryRequests: 25, canaryErrorRatio: 0.04, stableRequests: 20_000, stableErrorRatio: 1e-4 };
    expect(periodBreach(smallNew, judge, false)).toBeCloseTo(1 - Math.exp(-3), 9);
    const smallOld = { canaryRequests: 20_000, canaryErrorRatio: 1e-4, stableRequests: 25, stableErrorRatio: 0.04 };
    expect(periodBreach(smallOld, judge, false)).toBeCloseTo(1 - Math.exp(-3), 9);
    expect(exactTerms({ mean: 20_000, errorRatio: 1e-4, judged: false }, { mean: 25, errorRatio: 0.04, judged: true })).toBeGreaterThan(
      EXACT_TERMS,
    );
  });

  test('an old version judged on its own ratio, near its gate, beside a large new version: its breaches count', () => {
    // 300 old requests at 20 % errors against a 10 % threshold and a gate of 300: they breach whenever
    // judged; 20,000 new requests at 0.1 %, and the overall ratio (0.4 %), never come near 10 %.
    const span = { canaryRequests: 20_000, canaryErrorRatio: 0.001, stableRequests: 300, stableErrorRatio: 0.2 };
    const judge = { threshold: 0.1, minimumRequests: 300 };
    expect(exactTerms({ mean: 300, errorRatio: 0.2, judged: true }, { mean: 20_000, errorRatio: 0.001, judged: true })).toBeGreaterThan(
      EXACT_TERMS,
    );
    const old = ownBreach(300, 0.2, 0.1, 300);
    expect(old).toBeGreaterThan(0.4);
    expect(old).toBeLessThan(0.6);
    // The larger version is approximated (its own ratio and the overall one are out of reach anyway).
    expect(periodBreach(span, judge, true)).toBeCloseTo(old, 6);
    // Not judged on its own (Lambda), the old version's errors only count in the overall ratio.
    expect(periodBreach(span, judge, false)).toBeLessThan(1e-6);
  });
});
