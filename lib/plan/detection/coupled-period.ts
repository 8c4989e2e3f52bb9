import { normalCdf } from './canary-vs-stable';
import { mostSuccessesReaching, poissonTable, thinnedSeriesBreach, type PoissonTable } from './poisson-table';

/** One version's traffic in a period, and whether its own ratio is judged. */
export interface PeriodSide {
  readonly mean: number;
  readonly errorRatio: number;
  readonly judged: boolean;
}

/** The period's judge: `scale · errors / requests ≥ threshold` from `minimumRequests` requests. */
export interface PeriodJudge {
  readonly threshold: number;
  readonly scale: number;
  readonly minimumRequests: number;
}

/**
 * Terms of the exact sum (outer errors × outer successes × inner errors) above which the Gaussian
 * copula is used instead: about 20 ms of arithmetic.
 */
export const EXACT_TERMS = 2_000_000;

/** Successes s with which e errors breach a judged series: [max(0, g − e), s*(e)] (empty when low > high). */
function breachInterval(e: number, judge: PeriodJudge): [number, number] {
  return [Math.max(0, judge.minimumRequests - e), mostSuccessesReaching(e, judge.threshold, judge.scale)];
}

/**
 * P(X ∈ [a1, b1] ∪ [a2, b2]) for intervals that may be empty: `between` gives 0 for an empty one,
 * and the intersection of an empty interval with any other is empty too.
 */
function union(t: PoissonTable, a1: number, b1: number, a2: number, b2: number): number {
  return t.between(a1, b1) + t.between(a2, b2) - t.between(Math.max(a1, a2), Math.min(b1, b2));
}

/** The terms the exact sum would take (0 when the period factorises). */
export function exactTerms(outer: PeriodSide, inner: PeriodSide): number {
  const size = (mean: number) => 2 * (8 * Math.sqrt(mean) + 10);
  return size(outer.mean * outer.errorRatio) * size(outer.mean * (1 - outer.errorRatio)) * size(inner.mean * inner.errorRatio);
}

/**
 * P(no ratio breaches) — the new version's, the old version's when it is judged, and the overall one
 * — summed exactly over both versions' errors and successes (independent Poisson variables by
 * thinning). For each outer (errors, successes), the inner successes that breach are the union of
 * two intervals (its own ratio, the overall ratio). Where the outer version is judged and passes and
 * the inner one is surely judged (its support lies above the gate), the overall ratio, a weighted
 * mean of two ratios below the threshold, cannot breach, so the inner factor is its own pass rate.
 */
export function exactPeriodPass(outer: PeriodSide, inner: PeriodSide, judge: PeriodJudge): number {
  const g = Math.max(1, judge.minimumRequests);
  const [eo, so] = [poissonTable(outer.mean * outer.errorRatio), poissonTable(outer.mean * (1 - outer.errorRatio))];
  const [ei, si] = [poissonTable(inner.mean * inner.errorRatio), poissonTable(inner.mean * (1 - inner.errorRatio))];
  const innerSurelyJudged = inner.judged && ei.low + si.low >= g;
  const innerPass = inner.judged ? 1 - thinnedSeriesBreach(inner.mean, inner.errorRatio, judge.threshold, judge.scale, g) : 1;
  const gated = { ...judge, minimumRequests: g };
  // Per inner error count: its weight and its own breach interval; per total error count, the most
  // successes that still reach the threshold (both independent of the outer counts).
  const xs: number[] = [];
  for (let x = ei.low; x <= ei.high; x++) if (ei.pmf(x) > 1e-17) xs.push(x);
  const own = xs.map((x) => (inner.judged ? breachInterval(x, gated) : ([1, 0] as [number, number])));
  const mostFor = new Map<number, number>();
  const mostOf = (t: number) => {
    let m = mostFor.get(t);
    if (m === undefined) mostFor.set(t, (m = mostSuccessesReaching(t, judge.threshold, judge.scale)));
    return m;
  };
  let pass = 0;
  for (let e = eo.low; e <= eo.high; e++) {
    const we = eo.pmf(e);
    if (we < 1e-17) continue;
    const [ob, oe] = breachInterval(e, gated);
    for (let s = so.low; s <= so.high; s++) {
      const w = we * so.pmf(s);
      if (w < 1e-17) continue;
      const n = e + s;
      if (outer.judged && s >= ob && s <= oe) continue;
      if (outer.judged && n >= g && innerSurelyJudged) {
        pass += w * innerPass;
        continue;
      }
      let inside = 0;
      for (let k = 0; k < xs.length; k++) {
        const x = xs[k];
        // Overall: e + x errors among n + x + s' requests; s' ≤ (most total successes) − (outer successes).
        const most = mostOf(e + x);
        inside += ei.pmf(x) * (1 - union(si, own[k][0], own[k][1], Math.max(0, g - n - x), most < 0 ? -1 : most - s));
      }
      pass += w * inside;
    }
  }
  return Math.min(1, Math.max(0, pass));
}

/**
 * P(no ratio breaches) with the outer (smaller) version summed exactly, as in `exactPeriodPass`,
 * and the inner one, surely past the gate, by the normal approximation of its breach statistic
 * D = (1 − θ)E − θS (θ = threshold / scale; mean μ(p − θ), variance μ((1 − θ)²p + θ²(1 − p)),
 * a sum of independent Poisson terms, so normal with a Berry–Esseen error of order 1/√(expected
 * errors)). Given the outer errors e and successes s, the inner passes its own judge when D < 0 and
 * the overall one when D < −((1 − θ)e − θs). For periods whose outer version may fall below the gate
 * (the gate decides there, and is summed exactly) while the inner one is too large to sum.
 */
export function semiExactPeriodPass(outer: PeriodSide, inner: PeriodSide, judge: PeriodJudge): number {
  const g = Math.max(1, judge.minimumRequests);
  const theta = judge.threshold / judge.scale;
  const [eo, so] = [poissonTable(outer.mean * outer.errorRatio), poissonTable(outer.mean * (1 - outer.errorRatio))];
  const mean = inner.mean * (inner.errorRatio - theta);
  const sd = Math.sqrt(inner.mean * ((1 - theta) ** 2 * inner.errorRatio + theta ** 2 * (1 - inner.errorRatio)));
  const below = (c: number) => (sd > 0 ? normalCdf((c - mean) / sd) : c > mean ? 1 : 0);
  const gated = { ...judge, minimumRequests: g };
  let pass = 0;
  for (let e = eo.low; e <= eo.high; e++) {
    const we = eo.pmf(e);
    if (we < 1e-300) continue;
    const [ob, oe] = breachInterval(e, gated);
    for (let s = so.low; s <= so.high; s++) {
      const w = we * so.pmf(s);
      if (w < 1e-18) continue;
      if (outer.judged && s >= ob && s <= oe) continue;
      const overall = -((1 - theta) * e - theta * s);
      pass += w * below(inner.judged ? Math.min(0, overall) : overall);
    }
  }
  return Math.min(1, Math.max(0, pass));
}

/** Φ2(a, b; ρ) = ∫_{−∞}^{a} φ(x) Φ((b − ρx) / √(1 − ρ²)) dx by Simpson's rule (Genz 2004, eq. 3, the same integral). */
export function bivariateNormalCdf(a: number, b: number, rho: number): number {
  if (rho >= 1 - 1e-12) return normalCdf(Math.min(a, b));
  const from = -9;
  // a ≤ −9 gives an empty range: h = 0 and the sum below is 0.
  const to = Math.max(from, Math.min(a, 9));
  const steps = 400;
  const h = (to - from) / steps;
  const root = Math.sqrt(1 - rho * rho);
  const f = (x: number) => (Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI)) * normalCdf((b - rho * x) / root);
  let sum = f(from) + f(to);
  for (let i = 1; i < steps; i++) sum += (i % 2 === 1 ? 4 : 2) * f(from + i * h);
  return Math.min(1, Math.max(0, (sum * h) / 3));
}

/** x with Φ(x) = p, by bisection (|error| < 1e-12 in x; Φ is accurate to 1.2e-7). */
function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  let [lo, hi] = [-40, 40];
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (normalCdf(mid) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * P(no ratio breaches) when the new version's ratio and the overall ratio are both judged and the
 * old version's is not (Lambda: the alias's overall ratio only), for periods too large for the exact
 * sum: each ratio's own breach probability exactly (`thinnedSeriesBreach`), and their dependence by
 * a Gaussian copula. The breach statistic of a series is D = (1 − θ)E − θS (θ = threshold / scale),
 * a sum of independent Poisson terms, normal by the central limit theorem with a Berry–Esseen error
 * of order 1 / √(expected errors); the overall statistic is D_new + D_old, so the two are normal
 * with correlation ρ = √(Var D_new / (Var D_new + Var D_old)), Var D = μ((1 − θ)²p + θ²(1 − p)).
 * Then P(pass) = Φ2(Φ⁻¹(1 − b_new), Φ⁻¹(1 − b_all); ρ). The error against the exact sum is measured
 * in test/plan/detection/fast-model.test.ts.
 */
export function copulaPeriodPass(canary: PeriodSide, old: PeriodSide, judge: PeriodJudge): number {
  const total = canary.mean + old.mean;
  const mixed = total > 0 ? (canary.mean * canary.errorRatio + old.mean * old.errorRatio) / total : 0;
  const bNew = thinnedSeriesBreach(canary.mean, canary.errorRatio, judge.threshold, judge.scale, judge.minimumRequests);
  const bAll = thinnedSeriesBreach(total, mixed, judge.threshold, judge.scale, judge.minimumRequests);
  const theta = judge.threshold / judge.scale;
  const variance = (s: PeriodSide) => s.mean * ((1 - theta) ** 2 * s.errorRatio + theta ** 2 * (1 - s.errorRatio));
  const [vNew, vOld] = [variance(canary), variance(old)];
  if (vNew + vOld <= 0) return (1 - bNew) * (1 - bAll);
  const rho = Math.sqrt(vNew / (vNew + vOld));
  return bivariateNormalCdf(normalQuantile(1 - bNew), normalQuantile(1 - bAll), rho);
}
