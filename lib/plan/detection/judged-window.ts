import { binomialAtLeast, errorsToReach, poissonAtLeast, poissonPmf, poissonSupport } from './counts';

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
/** Cache keys round the means and ratios to 10 significant digits (sums of pieces differ in the last bits). */
const r = (x: number) => (x === 0 ? '0' : x.toPrecision(10));
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
 * Σ_{n ≥ g} P(N = n) · P(Binomial(n, p) ≥ k(n)), k(n) the fewest errors reaching the threshold.
 */
export function seriesBreach(mean: number, errorRatio: number, judge: SpanJudge): number {
  const scale = judge.scale ?? 1;
  return cached(`s|${r(mean)}|${r(errorRatio)}|${judge.threshold}|${scale}|${judge.minimumRequests}`, () => {
    const [low, high] = poissonSupport(mean);
    let p = 0;
    for (let n = Math.max(low, judge.minimumRequests, 1); n <= high; n++) {
      const w = poissonPmf(n, mean);
      if (w < 1e-16) continue;
      p += w * binomialAtLeast(errorsToReach(judge.threshold, n, scale), n, errorRatio);
    }
    return Math.min(1, p);
  });
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
 * period breaches with 1 − (1 − b_new)(1 − b_old). Otherwise the counts are summed exactly: the
 * overall term couples the versions only through their errors. Above 5,000 expected requests on
 * the side summed inside, the overall term is left out (its ratio is then within a few tenths of a
 * standard error of that side's); where the old version has no ratio of its own (Lambda: only the
 * alias's overall one), the overall ratio is then taken as one series with the mixed error ratio.
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
    // The smaller side outside, the larger one summed inside.
    const newOutside = span.canaryRequests <= span.stableRequests;
    const outer = newOutside
      ? { mean: span.canaryRequests, p: span.canaryErrorRatio, judged: true }
      : { mean: span.stableRequests, p: span.stableErrorRatio, judged: oldVersionJudged };
    const inner = newOutside
      ? { mean: span.stableRequests, p: span.stableErrorRatio, judged: oldVersionJudged }
      : { mean: span.canaryRequests, p: span.canaryErrorRatio, judged: true };
    if (inner.mean > 5000) {
      if (oldVersionJudged) return 1 - (1 - bNew) * (1 - bOld);
      // Lambda: the old version is judged only through the overall ratio, dominated by its own requests.
      const total = span.canaryRequests + span.stableRequests;
      const mixed = (span.canaryRequests * span.canaryErrorRatio + span.stableRequests * span.stableErrorRatio) / total;
      return 1 - (1 - bNew) * (1 - seriesBreach(total, mixed, judge));
    }
    const [il, ih] = poissonSupport(inner.mean);
    // For each inner n: P(N = n) and the cumulative distribution of its errors.
    const innerRows: { n: number; w: number; cdf: number[] }[] = [];
    for (let n = il; n <= ih; n++) {
      const w = poissonPmf(n, inner.mean);
      if (w < 1e-15) continue;
      const kmax = Math.min(n, errorsToReach(judge.threshold, Math.max(n, 1), scale) + 60);
      const cdf: number[] = [];
      let pmf = Math.pow(1 - inner.p, n);
      let acc = 0;
      for (let k = 0; k <= kmax; k++) {
        acc += pmf;
        cdf.push(Math.min(1, acc));
        pmf = inner.p >= 1 ? (k + 1 === n ? 1 : 0) : (pmf * (n - k) * inner.p) / ((k + 1) * (1 - inner.p));
      }
      innerRows.push({ n, w, cdf });
    }
    const innerCdf = (row: { n: number; cdf: number[] }, k: number) => (k < 0 ? 0 : k >= row.cdf.length ? 1 : row.cdf[k]);
    const [ol, oh] = poissonSupport(outer.mean);
    let ok = 0;
    for (let n = ol; n <= oh; n++) {
      const w = poissonPmf(n, outer.mean);
      if (w < 1e-15) continue;
      const outerLimit = outer.judged && n >= g && n > 0 ? errorsToReach(judge.threshold, n, scale) - 1 : n;
      let pe = Math.pow(1 - outer.p, n);
      for (let e = 0; e <= Math.min(n, outerLimit); e++) {
        if (pe > 1e-16) {
          let inside = 0;
          for (const row of innerRows) {
            const total = n + row.n;
            const innerLimit = inner.judged && row.n >= g && row.n > 0 ? errorsToReach(judge.threshold, row.n, scale) - 1 : row.n;
            const overallLimit = total >= g && total > 0 ? errorsToReach(judge.threshold, total, scale) - 1 - e : row.n;
            inside += row.w * innerCdf(row, Math.min(innerLimit, overallLimit));
          }
          ok += w * pe * inside;
        }
        pe = outer.p >= 1 ? 0 : (pe * (n - e) * outer.p) / ((e + 1) * (1 - outer.p));
      }
    }
    return Math.min(1, Math.max(0, 1 - ok));
  });
}
