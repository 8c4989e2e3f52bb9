import { poissonPmf, poissonSupport } from './counts';

/**
 * Poisson(mean) probabilities over the support that holds all but < 1e-12 of the mass, with running
 * sums from both ends, so P(a ≤ N ≤ b) costs two look-ups. The pmf is built from the mode by
 * p(n + 1) = p(n) · μ / (n + 1) and p(n − 1) = p(n) · n / μ (one `exp` per table). A probability in
 * a tail is read from the sums that start in that tail, so small ones keep their precision.
 */
export class PoissonTable {
  public readonly low: number;
  public readonly high: number;
  private readonly below: Float64Array;
  private readonly above: Float64Array;
  private readonly mode: number;

  constructor(public readonly mean: number) {
    const [low, high] = poissonSupport(mean);
    this.low = low;
    this.high = high;
    const size = high - low + 1;
    const pmf = new Float64Array(size);
    this.mode = Math.min(high, Math.max(low, Math.floor(mean)));
    pmf[this.mode - low] = poissonPmf(this.mode, mean);
    for (let n = this.mode; n < high; n++) pmf[n + 1 - low] = (pmf[n - low] * mean) / (n + 1);
    for (let n = this.mode; n > low; n--) pmf[n - 1 - low] = mean > 0 ? (pmf[n - low] * n) / mean : 0;
    // below[i] = P(low ≤ N ≤ low + i); above[i] = P(N ≥ low + i).
    this.below = new Float64Array(size);
    this.above = new Float64Array(size + 1);
    let acc = 0;
    for (let i = 0; i < size; i++) this.below[i] = acc += pmf[i];
    acc = 0;
    for (let i = size - 1; i >= 0; i--) this.above[i] = acc += pmf[i];
    this.pmfs = pmf;
  }

  private readonly pmfs: Float64Array;

  /** P(N = n). */
  public pmf(n: number): number {
    return n < this.low || n > this.high ? 0 : this.pmfs[n - this.low];
  }

  /** P(a ≤ N ≤ b) (0 when b < a). */
  public between(a: number, b: number): number {
    const lo = Math.max(a, this.low);
    const hi = Math.min(b, this.high);
    if (hi < lo) return 0;
    // From the tail the range sits in: the lower sums below the mode, the upper ones above it.
    if (hi <= this.mode) return this.below[hi - this.low] - (lo > this.low ? this.below[lo - 1 - this.low] : 0);
    return this.above[lo - this.low] - this.above[hi + 1 - this.low];
  }
}

const tables = new Map<string, PoissonTable>();

/** A shared table per mean (means rounded to 12 significant digits). */
export function poissonTable(mean: number): PoissonTable {
  const key = mean.toPrecision(12);
  let t = tables.get(key);
  if (!t) {
    if (tables.size > 2000) tables.clear();
    t = new PoissonTable(mean);
    tables.set(key, t);
  }
  return t;
}

/**
 * The most successes s ≥ 0 with which e errors still reach the threshold, `scale · e / (e + s) ≥
 * threshold` as floating-point division compares it (what PromQL and CloudWatch metric math do);
 * −1 when even s = 0 does not (e = 0, or scale below the threshold).
 */
export function mostSuccessesReaching(e: number, threshold: number, scale: number): number {
  if (e <= 0 || (scale * e) / e < threshold) return -1;
  let s = Math.max(0, Math.floor((scale * e) / threshold - e));
  while (s > 0 && !((scale * e) / (e + s) >= threshold)) s--;
  while ((scale * e) / (e + s + 1) >= threshold) s++;
  return s;
}

/**
 * P(a span of Poisson(mean) requests, each failing with `errorRatio`, is judged (at least
 * `minimumRequests` requests, and one) and `scale · errors / requests ≥ threshold`).
 *
 * Thinning (Kingman, "Poisson Processes", 1993, §5.1; any text on Poisson processes): the errors E
 * and the successes S of a Poisson stream are independent Poisson variables of means μp and
 * μ(1 − p). So P = Σ_e P(E = e) · P(max(0, g − e) ≤ S ≤ s*(e)), s*(e) the most successes with which
 * e errors still reach the threshold. This is the same sum as Σ_n P(N = n) · P(Bin(n, p) ≥ k(n)),
 * regrouped, and costs O(√μ) multiplications instead of an incomplete beta function per n.
 */
export function thinnedSeriesBreach(mean: number, errorRatio: number, threshold: number, scale: number, minimumRequests: number): number {
  if (mean <= 0) return 0;
  const gate = Math.max(1, minimumRequests);
  if (threshold <= 0) return poissonTable(mean).between(gate, Infinity);
  if (errorRatio <= 0) return 0;
  if (errorRatio >= 1) return scale >= threshold ? poissonTable(mean).between(gate, Infinity) : 0;
  const errors = poissonTable(mean * errorRatio);
  const successes = poissonTable(mean * (1 - errorRatio));
  let p = 0;
  for (let e = Math.max(1, errors.low); e <= errors.high; e++) {
    const w = errors.pmf(e);
    if (w === 0) continue;
    const most = mostSuccessesReaching(e, threshold, scale);
    if (most < 0) continue;
    p += w * successes.between(Math.max(0, gate - e), most);
  }
  return Math.min(1, Math.max(0, p));
}
