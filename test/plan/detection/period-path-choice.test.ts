import { EXACT_TERMS, exactTerms } from '../../../lib/plan/detection/coupled-period';
import { ownBreach } from './support/poisson-sums';

/*
 * Which computation answers a CloudWatch period (lib/plan/detection/judged-window.ts `periodBreach`):
 * the factorised form when both versions are surely judged, the exact sum while it takes at most
 * `EXACT_TERMS` terms, beyond that the Gaussian copula (Lambda) or the semi-exact form. The choice is
 * the model's cost: the exact sum over a period of a million requests a version would take hours,
 * which is why the other forms exist (their accuracy against the exact sum is measured in
 * fast-model.test.ts). Each case checks the answer against a closed form or a direct sum, and which
 * of the exported forms of lib/plan/detection/coupled-period.ts was evaluated (spies, on modules loaded
 * afresh so that the cache holds nothing from another test).
 */

type CoupledPeriodModule = typeof import('../../../lib/plan/detection/coupled-period');
type JudgedWindowModule = typeof import('../../../lib/plan/detection/judged-window');

interface Paths {
  readonly exact: jest.SpyInstance;
  readonly copula: jest.SpyInstance;
  readonly semiExact: jest.SpyInstance;
}

/** Fresh modules (an empty cache), with spies on the three forms a period can be summed by. */
function fresh(): { periodBreach: JudgedWindowModule['periodBreach']; paths: Paths } {
  let cp: CoupledPeriodModule | undefined;
  let jw: JudgedWindowModule | undefined;
  jest.isolateModules(() => {
    cp = require('../../../lib/plan/detection/coupled-period') as CoupledPeriodModule;
    jw = require('../../../lib/plan/detection/judged-window') as JudgedWindowModule;
  });
  const paths = {
    exact: jest.spyOn(cp!, 'exactPeriodPass'),
    copula: jest.spyOn(cp!, 'copulaPeriodPass'),
    semiExact: jest.spyOn(cp!, 'semiExactPeriodPass'),
  };
  return { periodBreach: jw!.periodBreach, paths };
}

/** One error reaches the threshold. */
const ANY_ERROR = 1e-9;

afterEach(() => jest.restoreAllMocks());

describe('the computation a CloudWatch period is answered by', () => {
  test('a million requests a version, both surely judged: the factorised form, 1 − e^−(μ_new p_new + μ_old p_old)', () => {
    const { periodBreach, paths } = fresh();
    // One error expected from the new version, two from the old one; any error breaches.
    const span = { canaryRequests: 1e6, canaryErrorRatio: 1e-6, stableRequests: 1e6, stableErrorRatio: 2e-6 };
    expect(periodBreach(span, { threshold: ANY_ERROR, minimumRequests: 1 }, true)).toBeCloseTo(1 - Math.exp(-3), 9);
    expect(paths.exact).not.toHaveBeenCalled();
    expect(paths.copula).not.toHaveBeenCalled();
    expect(paths.semiExact).not.toHaveBeenCalled();
  });

  test('Lambda beyond the budget, the new version surely judged: the copula, not the exact sum', () => {
    const { periodBreach, paths } = fresh();
    // 20,000 new requests at 1 % errors against a 1.1 % threshold (gate 100); 30,000 old ones
    // without errors. The overall ratio would need 550 errors of 50,000 (mean 200): out of reach,
    // so the period breaches as the new version's own ratio does. Roughly: D = 0.989 E − 0.011 S has
    // mean 20,000 · (0.01 − 0.011) = −20 and variance 20,000 · (0.989² · 0.01 + 0.011² · 0.99) ≈ 198,
    // so P(D ≥ 0) ≈ P(Z ≥ 1.42) ≈ 0.08.
    const judge = { threshold: 0.011, minimumRequests: 100 };
    expect(exactTerms({ mean: 20_000, errorRatio: 0.01, judged: true }, { mean: 30_000, errorRatio: 0, judged: false })).toBeGreaterThan(
      EXACT_TERMS,
    );
    const expected = ownBreach(20_000, 0.01, 0.011, 100);
    expect(expected).toBeGreaterThan(0.06);
    expect(expected).toBeLessThan(0.1);
    const span = { canaryRequests: 20_000, canaryErrorRatio: 0.01, stableRequests: 30_000, stableErrorRatio: 0 };
    expect(periodBreach(span, judge, false)).toBeCloseTo(expected, 6);
    expect(paths.copula).toHaveBeenCalledTimes(1);
    expect(paths.exact).not.toHaveBeenCalled();
    expect(paths.semiExact).not.toHaveBeenCalled();
  });

  test('exactly at the budget the exact sum is still taken', () => {
    const { periodBreach, paths } = fresh();
    // The old version, 50 requests at 50 % errors against a 60 % threshold with a gate of 40
    // (judged with P ≈ 0.93, so not surely), beside 12,656.25 new ones at 1 % errors. Terms:
    // (2 (8√25 + 10))² · 2 (8√126.5625 + 10) = 100 · 100 · 200 = 2,000,000.
    const old = { mean: 50, errorRatio: 0.5, judged: true };
    const canary = { mean: 12_656.25, errorRatio: 0.01, judged: true };
    expect(exactTerms(old, canary)).toBe(EXACT_TERMS);
    // Neither the new version (1 %) nor the overall ratio (about 151 errors of 12,706) comes near
    // 60 %: the period breaches as the old version's own ratio does.
    const expected = ownBreach(50, 0.5, 0.6, 40);
    expect(expected).toBeGreaterThan(0.05);
    expect(expected).toBeLessThan(0.15);
    const span = { canaryRequests: 12_656.25, canaryErrorRatio: 0.01, stableRequests: 50, stableErrorRatio: 0.5 };
    expect(periodBreach(span, { threshold: 0.6, minimumRequests: 40 }, true)).toBeCloseTo(expected, 9);
    expect(paths.exact).toHaveBeenCalledTimes(1);
    expect(paths.semiExact).not.toHaveBeenCalled();
    expect(paths.copula).not.toHaveBeenCalled();
  });
});
