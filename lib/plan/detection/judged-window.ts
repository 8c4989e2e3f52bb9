import { poissonAtLeast, poissonPmf } from './counts';
import { copulaPeriodPass, EXACT_TERMS, exactPeriodPass, exactTerms, semiExactPeriodPass, type PeriodSide } from './coupled-period';
import { thinnedSeriesBreach } from './poisson-table';

/**
 * One judged span of traffic (an Argo measurement window, a CloudWatch period): the expected
 * requests of the new version and the share of them that fail, and of the old version.
 */
export interface SpanTraffic {
  /** Expected requests to the new version in the span (λ · w · T). */
  readonly canaryRequests: number;
  /** Share of the new version's requests that fail (averaged over the span). */
  readonly canaryErrorRatio: number;
  /** Expected requests to the old version in the span (λ · (1 − w) · T). */
  readonly stableRequests: number;
  /** Share of the old version's requests that fail. */
  readonly stableErrorRatio: number;
}

/** How a span is judged: `scale · errors / requests ≥ threshold`, from `minimumRequests` requests. */
export interface SpanJudge {
  readonly threshold: number;
  /** 100 when the expression is a percentage. @default 1 */
  readonly scale?: number;
  readonly minimumRequests: number;
}

const cache = new Map<string, number>();
/**
 * Cache keys round the means and ratios to 10 significant digits (sums of pieces differ in the last
 * bits). Zero needs no case of its own: `(0).toPrecision(10)` is `0.000000000`, which no other number gives.
 */
const r = (x: number) => x.toPrecision(10);
function cached(key: string, compute: () => number): number {
  let v = cache.get(key);
  if (v === undefined) {
    v = compute();
    if (cache.size > 50_000) cache.clear();
    cache.set(key, v);
  }
  return v;
}

/**
 * P(a series of Poisson(mean) requests, each failing with `errorRatio`, is judged and breaches):
 * Σ_{n ≥ g} P(N = n) · P(Binomial(n, p) ≥ k(n)), k(n) the fewest errors reaching the threshold,
 * summed as errors and successes (independent Poisson streams, `thinnedSeriesBreach`).
 */
export function seriesBreach(mean: number, errorRatio: number, judge: SpanJudge): number {
  const scale = judge.scale ?? 1;
  return cached(`s|${r(mean)}|${r(errorRatio)}|${judge.threshold}|${scale}|${judge.minimumRequests}`, () =>
    thinnedSeriesBreach(mean, errorRatio, judge.threshold, scale, judge.minimumRequests),
  );
}

/**
 * An Argo measurement of the new version (see `ArgoDetection`): it fails when the new version's
 * error ratio over the window reaches the threshold with at least `minimumRequests` requests, or
 * when the new version served nothing while the old one served `lostTrafficRequests` or more
 * (lost traffic). Errors and successes of a Poisson stream are independent Poisson streams, so the
 * two cases are disjoint and the stable count is independent of the canary's.
 */
export function measurementFailure(span: SpanTraffic, judge: SpanJudge & { readonly lostTrafficRequests?: number }): number {
  const breach = seriesBreach(span.canaryRequests, span.canaryErrorRatio, judge);
  const r0 = judge.lostTrafficRequests;
  const lost =
    r0 !== undefined && judge.minimumRequests > 0
      ? poissonPmf(0, span.canaryRequests) * cached(`l|${r0}|${r(span.stableRequests)}`, () => poissonAtLeast(r0, span.stableRequests))
      : 0;
  return Math.min(1, breach + lost);
}

/**
 * P(a CloudWatch period breaches) for the rollback alarm `MAX([new version's ratio, old version's
 * ratio (ECS: its target group), overall ratio])`, each judged from `minimumRequests` requests.
 *
 * When both versions are sure to be judged (P(n < g) < 1e-9 each), the overall ratio cannot breach
 * unless one of them does (a weighted mean of two ratios below the threshold is below it), so the
 * period breaches with 1 − (1 − b_new)(1 − b_old), exactly. Otherwise the counts are summed exactly
 * (`exactPeriodPass`) while that takes at most `EXACT_TERMS` terms or while the larger version may
 * fall below the gate (both are then small). Beyond that: on Lambda (the old version has no ratio of
 * its own) with the new version past the gate, its ratio and the overall one joined by a Gaussian
 * copula (`copulaPeriodPass`); else the smaller version, near the gate, summed exactly and the
 * larger one by a normal approximation (`semiExactPeriodPass`). Their largest error against the
 * exact sum beyond the budget is measured in test/plan/detection/fast-model.test.ts.
 */
export function periodBreach(span: SpanTraffic, judge: SpanJudge, oldVersionJudged: boolean): number {
  const scale = judge.scale ?? 1;
  const g = judge.minimumRequests;
  const key = `p|${r(span.canaryRequests)}|${r(span.canaryErrorRatio)}|${r(span.stableRequests)}|${r(span.stableErrorRatio)}|${judge.threshold}|${scale}|${g}|${oldVersionJudged}`;
  return cached(key, () => {
    const surelyJudged = (mean: number) => 1 - poissonAtLeast(g, mean) < 1e-9;
    const bNew = seriesBreach(span.canaryRequests, span.canaryErrorRatio, judge);
    const bOld = oldVersionJudged ? seriesBreach(span.stableRequests, span.stableErrorRatio, judge) : 0;
    if (oldVersionJudged && surelyJudged(span.canaryRequests) && surelyJudged(span.stableRequests)) {
      return 1 - (1 - bNew) * (1 - bOld);
    }
    const canary: PeriodSide = { mean: span.canaryRequests, errorRatio: span.canaryErrorRatio, judged: true };
    const old: PeriodSide = { mean: span.stableRequests, errorRatio: span.stableErrorRatio, judged: oldVersionJudged };
    // The smaller side outside, the larger one summed inside.
    const [outer, inner] = canary.mean <= old.mean ? [canary, old] : [old, canary];
    const periodJudge = { threshold: judge.threshold, scale, minimumRequests: g };
    if (exactTerms(outer, inner) <= EXACT_TERMS || !surelyJudged(inner.mean)) return 1 - exactPeriodPass(outer, inner, periodJudge);
    // Lambda with the new version past the gate: its ratio and the overall one, joined by a copula.
    if (!oldVersionJudged && surelyJudged(canary.mean)) return 1 - copulaPeriodPass(canary, old, periodJudge);
    // The smaller version near the gate: summed exactly, the larger one by its normal approximation.
    return 1 - semiExactPeriodPass(outer, inner, periodJudge);
  });
}
