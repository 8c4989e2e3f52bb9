import { atLeastOf } from './counts';
import { measurementFailure } from './judged-window';
import { burstStartStep, type ErrorScenario, type ReleaseTimeline } from './release-timeline';

/** The analysis settings that decide detection on Argo Rollouts (what `RollbackAnalysis` writes). */
export interface ArgoGate {
  /** Query window, seconds: the analysis counts requests over (t − window, t]. */
  readonly windowSeconds: number;
  /** Time between measurements, seconds; the first one is taken `windowSeconds` after the start. */
  readonly intervalSeconds: number;
  /** Failed measurements tolerated: the analysis fails at `failureLimit + 1` (over the whole run). */
  readonly failureLimit: number;
  /** Requests the new version must serve in a window before it is judged. */
  readonly minimumRequests: number;
  /** A window fails as lost traffic when the new version served nothing while the old one served this many. */
  readonly lostTrafficRequests?: number;
  /** Error ratio (0–1) at or above which a judged window fails. */
  readonly threshold: number;
}

/**
 * Times (seconds from the analysis start) Argo Rollouts takes the background analysis's
 * measurements: `initialDelay` (the window) after the start, then one every interval
 * (argo-rollouts `analysis/analysis.go` `generateMetricTasks`), until the rollout completes.
 */
export function measurementTimes(gate: ArgoGate, end: number): number[] {
  const times: number[] = [];
  for (let t = gate.windowSeconds; t <= end + 1e-9; t += gate.intervalSeconds) times.push(t);
  return times;
}

/** P(each measurement fails) in a scenario. */
export function measurementFailures(
  timeline: ReleaseTimeline,
  gate: ArgoGate,
  scenario: ErrorScenario,
  times: readonly number[],
): number[] {
  return times.map((t) => measurementFailure(timeline.span(t - gate.windowSeconds, t, scenario), gate));
}

/**
 * P(the analysis fails during step `index`, the new version failing with `ratio` from the step's
 * start): at least `failureLimit + 1` failed measurements among those taken in the step. Windows
 * that do not overlap (interval ≥ window) see disjoint requests, so measurements are independent
 * and the count of failures is Poisson–binomial. With overlapping windows (interval < window) the
 * same request is counted by several measurements and they are not independent; the model then
 * returns the independent approximation, which overstates both detection and false rollbacks.
 */
export function argoStepDetection(timeline: ReleaseTimeline, gate: ArgoGate, index: number, baseline: number, ratio: number): number {
  const start = timeline.starts[index];
  const stop = start + timeline.steps[index].seconds;
  const times = measurementTimes(gate, timeline.end).filter((t) => t > start && t <= stop);
  const p = measurementFailures(timeline, gate, { baseline, regression: { fromSeconds: start, ratio } }, times);
  return atLeastOf(gate.failureLimit + 1, p);
}

/** P(a healthy new version fails the analysis during the whole release), errors at the baseline only. */
export function argoFalseRollback(timeline: ReleaseTimeline, gate: ArgoGate, baseline: number): number {
  const times = measurementTimes(gate, timeline.end);
  return atLeastOf(gate.failureLimit + 1, measurementFailures(timeline, gate, { baseline }, times));
}

/**
 * P(a healthy new version fails the analysis during step `index`): the failures counted over the
 * whole run reach `failureLimit + 1` by the step's end but not before its start.
 */
export function argoFalseRollbackDuring(timeline: ReleaseTimeline, gate: ArgoGate, baseline: number, index: number): number {
  const start = timeline.starts[index];
  const stop = start + timeline.steps[index].seconds;
  const times = measurementTimes(gate, timeline.end);
  const p = measurementFailures(timeline, gate, { baseline }, times);
  const by = (t: number) =>
    atLeastOf(
      gate.failureLimit + 1,
      p.filter((_, i) => times[i] <= t + 1e-9),
    );
  return Math.max(0, by(stop) - by(start));
}

/**
 * P(a healthy new version fails the analysis when, once during the release at a uniformly random
 * time, every request of both versions fails for `burstSeconds` (a dependency's blip)): the
 * average over burst starts every `stepSeconds` (by default `burstStartStep`: 5 s, so that starts
 * fall across the windows' ends as often as a random burst does).
 */
export function argoBurstRollback(
  timeline: ReleaseTimeline,
  gate: ArgoGate,
  baseline: number,
  burstSeconds = 30,
  stepSeconds = burstStartStep(burstSeconds, gate.intervalSeconds),
): number {
  const times = measurementTimes(gate, timeline.end);
  if (times.length === 0) return 0;
  const healthy = measurementFailures(timeline, gate, { baseline }, times);
  let total = 0;
  let count = 0;
  for (let k = 0; k * stepSeconds + burstSeconds <= timeline.end + 1e-9; k++) {
    const from = k * stepSeconds;
    const p = healthy.slice();
    times.forEach((t, i) => {
      if (t - gate.windowSeconds < from + burstSeconds && t > from) {
        p[i] = measurementFailure(
          timeline.span(t - gate.windowSeconds, t, { baseline, burst: { fromSeconds: from, seconds: burstSeconds } }),
          gate,
        );
      }
    });
    total += atLeastOf(gate.failureLimit + 1, p);
    count++;
  }
  return count === 0 ? 0 : total / count;
}
