import {
  binomialAtLeast,
  copulaPeriodPass,
  errorsToReach,
  EXACT_TERMS,
  exactPeriodPass,
  exactTerms,
  periodBreach,
  poissonPmf,
  poissonSupport,
  semiExactPeriodPass,
  thinnedSeriesBreach,
  type PeriodSide,
} from '../../../lib/plan/detection';

/*
 * The fast forms of the detection model against the textbook sums they replace.
 *
 * - A series' breach: Σ_{n ≥ g} P(N = n) · P(Bin(n, p) ≥ k(n)) (the binomial-in-Poisson form the
 *   model used before), here against the thinned form (errors and successes as independent Poisson
 *   variables, Kingman 1993 §5.1): the same number to rounding.
 * - A CloudWatch period with three judged ratios: every (new errors, new successes, old errors, old
 *   successes) enumerated at small rates, each ratio compared as the division CloudWatch evaluates.
 * - Beyond the exact sum's budget, the Gaussian copula and the semi-exact form (normal approximation
 *   of the larger version) against the exact sum on the cases where they were measured worst over a
 *   grid of 1,000–16,000 requests a period, weights 2–50 %, error ratios 0.5–5 % and gates of 10–1,000
 *   requests (worst seen: 1.4e-4 for the copula, 3.2e-3 for the semi-exact form; the bound is 5e-3).
 */

/** The binomial-in-Poisson sum, written out. */
function binomialSeriesBreach(mean: number, p: number, threshold: number, scale: number, gate: number): number {
  const [low, high] = poissonSupport(mean);
  let sum = 0;
  for (let n = Math.max(low, gate, 1); n <= high; n++)
    sum += poissonPmf(n, mean) * binomialAtLeast(errorsToReach(threshold, n, scale), n, p);
  return sum;
}

/** P(no ratio breaches) by enumerating all four counts (small means only). */
function bruteForcePass(canary: PeriodSide, old: PeriodSide, threshold: number, scale: number, gate: number): number {
  const range = (mean: number) => {
    const [lo, hi] = poissonSupport(mean);
    return Array.from({ length: hi - lo + 1 }, (_, i) => [lo + i, poissonPmf(lo + i, mean)] as const);
  };
  const breaches = (e: number, n: number) => n >= Math.max(1, gate) && (scale * e) / n >= threshold;
  const [ecs, scs, eos, sos] = [
    range(canary.mean * canary.errorRatio),
    range(canary.mean * (1 - canary.errorRatio)),
    range(old.mean * old.errorRatio),
    range(old.mean * (1 - old.errorRatio)),
  ];
  let pass = 0;
  for (const [ec, pec] of ecs)
    for (const [sc, psc] of scs)
      for (const [eo, peo] of eos)
        for (const [so, pso] of sos) {
          if (breaches(ec, ec + sc)) continue;
          if (old.judged && breaches(eo, eo + so)) continue;
          if (breaches(ec + eo, ec + sc + eo + so)) continue;
          pass += pec * psc * peo * pso;
        }
  return pass;
}

describe('a series breach summed as errors and successes', () => {
  test.each([
    [5, 0.02, 0.015, 1, 1],
    [61, 0.005, 0.015, 1, 10],
    [300, 0.01, 2, 100, 300],
    [3000, 0.02, 2, 100, 10],
    [12, 0.3, 0.5, 1, 5],
    [40, 1, 0.5, 1, 30],
  ])('mean %d, p %d, threshold %d × %d, gate %d: the binomial-in-Poisson sum', (mean, p, threshold, scale, gate) => {
    const expected = binomialSeriesBreach(mean, p, threshold, scale, gate);
    expect(Math.abs(thinnedSeriesBreach(mean, p, threshold, scale, gate) - expected)).toBeLessThan(1e-10);
  });

  test('one error in 61 requests breaches 1.5 %: a gate of one request, hand-worked at a small mean', () => {
    // Mean 1, any error breaches (threshold below 1/n for every n here): P = P(E ≥ 1) = 1 − e^(−μp).
    expect(thinnedSeriesBreach(1, 0.2, 1e-9, 1, 1)).toBeCloseTo(1 - Math.exp(-0.2), 12);
  });
});

describe('a CloudWatch period with three ratios, summed exactly', () => {
  test.each([
    ['ECS', true, 4, 12, 5],
    ['ECS at a gate above both versions', true, 6, 8, 10],
    ['Lambda', false, 4, 12, 5],
    ['Lambda, the new version larger', false, 14, 3, 5],
  ])('%s: the enumeration of all four counts', (_, judged, canaryMean, oldMean, gate) => {
    const canary = { mean: canaryMean, errorRatio: 0.2, judged: true };
    const old = { mean: oldMean, errorRatio: 0.1, judged };
    const [outer, inner] = canary.mean <= old.mean ? [canary, old] : [old, canary];
    const expected = bruteForcePass(canary, old, 20, 100, gate);
    expect(Math.abs(exactPeriodPass(outer, inner, { threshold: 20, scale: 100, minimumRequests: gate }) - expected)).toBeLessThan(1e-9);
  });
});

describe('beyond the exact budget', () => {
  const judge = (gate: number) => ({ threshold: 2, scale: 100, minimumRequests: gate });
  const sides = (total: number, weight: number, canaryRatio: number, oldJudged: boolean): [PeriodSide, PeriodSide] => [
    { mean: total * weight, errorRatio: canaryRatio, judged: true },
    { mean: total * (1 - weight), errorRatio: 0.01, judged: oldJudged },
  ];

  test.each([
    [2000, 0.5, 0.02, 10],
    [4000, 0.25, 0.02, 100],
    [8000, 0.1, 0.03, 300],
  ])('Lambda, %d requests, %d new, %d errors, gate %d: the copula within 5e-3 of the exact sum', (total, weight, ratio, gate) => {
    const [canary, old] = sides(total, weight, ratio, false);
    const [outer, inner] = canary.mean <= old.mean ? [canary, old] : [old, canary];
    expect(exactTerms(outer, inner)).toBeGreaterThan(EXACT_TERMS);
    expect(Math.abs(copulaPeriodPass(canary, old, judge(gate)) - exactPeriodPass(outer, inner, judge(gate)))).toBeLessThan(5e-3);
  });

  test.each([
    [2000, 0.25, 0.05, 1000, false],
    [2000, 0.25, 0.05, 1000, true],
  ])(
    '%d requests, %d new, %d errors, gate %d (old judged: %s): the semi-exact form within 5e-3',
    (total, weight, ratio, gate, oldJudged) => {
      const [canary, old] = sides(total, weight, ratio, oldJudged);
      const [outer, inner] = canary.mean <= old.mean ? [canary, old] : [old, canary];
      expect(exactTerms(outer, inner)).toBeGreaterThan(EXACT_TERMS);
      expect(Math.abs(semiExactPeriodPass(outer, inner, judge(gate)) - exactPeriodPass(outer, inner, judge(gate)))).toBeLessThan(5e-3);
    },
  );

  test('a period of 3 million requests (50,000 rps for a minute) is judged in milliseconds', () => {
    const started = process.hrtime.bigint();
    const q = periodBreach(
      { canaryRequests: 300_000, canaryErrorRatio: 0.02, stableRequests: 2_700_000, stableErrorRatio: 0.01 },
      { threshold: 2, scale: 100, minimumRequests: 300 },
      false,
    );
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    // At exactly the threshold the new version's ratio breaches about half the time.
    expect(q).toBeGreaterThan(0.45);
    expect(q).toBeLessThan(0.55);
    // Generous for a loaded machine: the exact binomial sum took minutes here.
    expect(ms).toBeLessThan(5000);
  });
});
