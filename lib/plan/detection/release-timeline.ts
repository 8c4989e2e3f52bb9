import type { SpanTraffic } from './judged-window';

/** One step of a release as the detection model sees it. */
export interface ReleaseStep {
  readonly name: string;
  /** Share of requests on the new version, 0–1. */
  readonly weight: number;
  readonly seconds: number;
}

/** What the versions' error ratios are over time (seconds from the first step's start). */
export interface ErrorScenario {
  /** Error ratio of a healthy version. */
  readonly baseline: number;
  /** The new version fails with `ratio` from `fromSeconds` on. @default - never */
  readonly regression?: { readonly fromSeconds: number; readonly ratio: number };
  /** Every request of both versions fails in [fromSeconds, fromSeconds + seconds). @default - none */
  readonly burst?: { readonly fromSeconds: number; readonly seconds: number };
}

/**
 * Seconds between the burst starts a model averages over for a burst at a uniformly random time: a
 * `startsPerBurst`th of the burst, or of the period (Argo: the measurement interval) when that is
 * shorter (6 by default: 5 s for a 30-second burst; CloudWatch's model takes 30, 1 s). A
 * burst falls across a period's end in burst / period of the starts (a 30-second burst in one-minute
 * periods: half of them), failing part of two consecutive datapoints or windows, which an alarm
 * needing two breaches counts twice. Starts only at period starts and midpoints never do (an
 * earlier estimate, which called a 2-of-3 alarm safe from a burst that rolls it back ≈ 40 % of the
 * time); steps this fine sample the phase of the burst against every grid.
 */
export function burstStartStep(burstSeconds: number, periodSeconds: number, startsPerBurst = 6): number {
  return Math.min(burstSeconds, periodSeconds) / startsPerBurst;
}

/**
 * Requests arrive at `ratePerSecond` (Poisson); step i sends `weight` of them to the new version.
 * Counts over disjoint spans are independent Poisson variables whose means integrate the rate, so
 * a span straddling a step boundary (or the start of a regression, or a burst) is cut at each
 * change and its pieces added.
 */
export class ReleaseTimeline {
  /** Start of each step, seconds. */
  public readonly starts: readonly number[];
  /** End of the last step, seconds. */
  public readonly end: number;

  constructor(
    public readonly steps: readonly ReleaseStep[],
    public readonly ratePerSecond: number,
  ) {
    const starts: number[] = [];
    let t = 0;
    for (const s of steps) {
      starts.push(t);
      t += s.seconds;
    }
    this.starts = starts;
    this.end = t;
  }

  /** The step running at time t (the last one after the end). */
  public stepAt(t: number): number {
    for (let i = this.steps.length - 1; i >= 0; i--) if (t >= this.starts[i]) return i;
    return 0;
  }

  /** Expected requests and error ratios of both versions over [from, to). */
  public span(from: number, to: number, scenario: ErrorScenario): SpanTraffic {
    const cuts = new Set<number>([from, to]);
    for (const s of this.starts) if (s > from && s < to) cuts.add(s);
    const r = scenario.regression;
    if (r && r.fromSeconds > from && r.fromSeconds < to) cuts.add(r.fromSeconds);
    const b = scenario.burst;
    if (b) {
      for (const c of [b.fromSeconds, b.fromSeconds + b.seconds]) if (c > from && c < to) cuts.add(c);
    }
    const points = [...cuts].sort((x, y) => x - y);
    let canary = 0;
    let canaryErrors = 0;
    let stable = 0;
    let stableErrors = 0;
    for (let i = 0; i + 1 < points.length; i++) {
      const [a, z] = [points[i], points[i + 1]];
      const mid = (a + z) / 2;
      const weight =
        mid < 0 || mid >= this.end ? (mid < 0 ? 0 : this.steps[this.steps.length - 1].weight) : this.steps[this.stepAt(mid)].weight;
      const n = this.ratePerSecond * (z - a);
      const inBurst = b !== undefined && mid >= b.fromSeconds && mid < b.fromSeconds + b.seconds;
      const canaryRatio = inBurst ? 1 : r && mid >= r.fromSeconds ? r.ratio : scenario.baseline;
      const stableRatio = inBurst ? 1 : scenario.baseline;
      canary += n * weight;
      canaryErrors += n * weight * canaryRatio;
      stable += n * (1 - weight);
      stableErrors += n * (1 - weight) * stableRatio;
    }
    return {
      canaryRequests: canary,
      canaryErrorRatio: canary > 0 ? canaryErrors / canary : scenario.baseline,
      stableRequests: stable,
      stableErrorRatio: stable > 0 ? stableErrors / stable : scenario.baseline,
    };
  }
}
