import { argoBurstRollback, argoFalseRollback, argoStepDetection, type ArgoGate } from './argo-detection';
import { ReleaseTimeline } from './release-timeline';

/** Detection every traffic step must reach at the quietest declared traffic. */
export const DETECTION_TARGET = 0.9;
/** Largest acceptable probability that a healthy release is rolled back. */
export const FALSE_ROLLBACK_LIMIT = 0.01;
/** Largest acceptable probability that one lost-traffic check fails a healthy canary. */
export const LOST_TRAFFIC_FALSE_ALARM = 1e-4;

/** Windows tried, seconds (each at least two scrapes, at most the longest step). */
const WINDOWS = [60, 120, 300];
/** Thresholds tried, as shares of the way from the baseline to the regression. */
const THRESHOLD_SHARES = [0.5, 0.75, 1];
const FAILURE_LIMITS = [1, 2, 3];
const MINIMUM_REQUESTS = [10, 30, 100, 300];

/** How one gate does at one traffic rate. */
export interface GateScore {
  /** Detection per step (undefined for steps without traffic or without a bake). */
  readonly detection: readonly (number | undefined)[];
  readonly falseRollback: number;
  readonly burstRollback: number;
}

/** Whether a step must catch a regression: it sends traffic and waits. */
export function judgedStep(step: { readonly weight: number; readonly seconds: number }): boolean {
  return step.weight > 0 && step.seconds > 0;
}

/**
 * Requests the old version must serve in a window with none reaching the new one before the window
 * counts as lost traffic: with the smallest canary weight w, a healthy canary gets none of T
 * requests with probability (1 − w)^T, so T = ⌈ln ε / ln(1 − w)⌉ keeps that below ε.
 */
export function lostTrafficRequests(smallestWeight: number, epsilon = LOST_TRAFFIC_FALSE_ALARM): number | undefined {
  if (smallestWeight <= 0 || smallestWeight >= 1) return undefined;
  return Math.ceil(Math.log(epsilon) / Math.log(1 - smallestWeight));
}

/** Scores a gate on a release at one rate. */
export function scoreArgoGate(timeline: ReleaseTimeline, gate: ArgoGate, baseline: number, regression: number): GateScore {
  return {
    detection: timeline.steps.map((s, i) => (judgedStep(s) ? argoStepDetection(timeline, gate, i, baseline, regression) : undefined)),
    falseRollback: argoFalseRollback(timeline, gate, baseline),
    burstRollback: argoBurstRollback(timeline, gate, baseline),
  };
}

/** Whether a score meets both targets. */
export function passes(score: GateScore): boolean {
  return (
    score.detection.every((d) => d === undefined || d >= DETECTION_TARGET) &&
    score.falseRollback <= FALSE_ROLLBACK_LIMIT &&
    score.burstRollback <= FALSE_ROLLBACK_LIMIT
  );
}

/** The chosen gate and how it does at the quietest traffic. */
export interface ArgoGateChoice {
  readonly gate: ArgoGate;
  readonly quiet: GateScore;
  /** Whether it meets both targets at the quietest traffic. */
  readonly meetsTargets: boolean;
}

/**
 * Chooses the analysis settings for a release at its quietest traffic. Windows tile time (interval
 * = window: every request is counted once, measurements are independent, and no request goes
 * unmeasured). The threshold is placed between the baseline and the regression to catch (at the
 * regression itself a window is a coin toss: half of them fall below their own mean). Among the
 * settings that meet 90 % detection in every traffic step and at most 1 % false rollback (stray
 * errors at the quietest and the peak rate, and a 30-second burst), the fastest to detect (window × failures needed), then the
 * highest threshold, then the largest minimum-requests gate. When none meets both, the one with
 * the best mean step detection (each capped at the target) among those within the stray-error
 * false-rollback limit, preferring the first of the five best that also survives the burst (a
 * burst costs a model run per burst start, so no more are tried; when none of them does, the best);
 * when none is within the limit, the one with the fewest false rollbacks. The findings name what is missing.
 */
export function chooseArgoGate(
  steps: ReleaseTimeline['steps'],
  quietRatePerSecond: number,
  scrapeSeconds: number,
  baseline: number,
  regression: number,
  peakRatePerSecond = quietRatePerSecond,
  fixedMinimumRequests?: number,
): ArgoGateChoice {
  const timeline = new ReleaseTimeline(steps, quietRatePerSecond);
  const peak = new ReleaseTimeline(steps, peakRatePerSecond);
  const weights = steps.map((s) => s.weight).filter((w) => w > 0);
  const lost = lostTrafficRequests(Math.min(...weights));
  const longest = Math.max(...steps.filter(judgedStep).map((s) => s.seconds), 0);
  const tried = WINDOWS.filter((w) => w >= 2 * scrapeSeconds && w % scrapeSeconds === 0 && w <= Math.max(longest, WINDOWS[0]));
  // A scrape interval that divides none of them (45 s, 90 s) gets the shortest whole number of
  // scrapes, at least two, covering the shortest window: without it nothing was scored.
  const windows = tried.length > 0 ? tried : [Math.max(2, Math.ceil(WINDOWS[0] / scrapeSeconds)) * scrapeSeconds];
  const thresholds = THRESHOLD_SHARES.map((share) => Number((baseline + share * (regression - baseline)).toPrecision(6)));
  type Scored = { gate: ArgoGate; detection: (number | undefined)[]; falseRollback: number; burst?: number };
  const scored: Scored[] = [];
  for (const windowSeconds of windows) {
    for (const failureLimit of FAILURE_LIMITS) {
      for (const minimumRequests of fixedMinimumRequests !== undefined ? [fixedMinimumRequests] : MINIMUM_REQUESTS) {
        for (const threshold of thresholds) {
          const gate: ArgoGate = {
            windowSeconds,
            intervalSeconds: windowSeconds,
            failureLimit,
            minimumRequests,
            lostTrafficRequests: lost,
            threshold,
          };
          scored.push({
            gate,
            detection: timeline.steps.map((s, i) =>
              judgedStep(s) ? argoStepDetection(timeline, gate, i, baseline, regression) : undefined,
            ),
            falseRollback: Math.max(argoFalseRollback(timeline, gate, baseline), argoFalseRollback(peak, gate, baseline)),
          });
        }
      }
    }
  }
  const speed = (g: ArgoGate) => g.windowSeconds * (g.failureLimit + 1);
  const prefer = (a: Scored, b: Scored) =>
    speed(a.gate) - speed(b.gate) || b.gate.threshold - a.gate.threshold || b.gate.minimumRequests - a.gate.minimumRequests;
  // Every setting judges the same steps, so the sum of their detections orders settings as the mean does.
  const detectionSum = (s: Scored) => s.detection.reduce((a: number, d) => a + Math.min(d ?? 0, DETECTION_TARGET), 0);
  const burstOf = (s: Scored) => (s.burst ??= argoBurstRollback(timeline, s.gate, baseline));
  const score = (s: Scored): GateScore => ({ detection: s.detection, falseRollback: s.falseRollback, burstRollback: burstOf(s) });
  // The burst is the costly part: only for settings that pass the rest, best first.
  const hopeful = scored
    .filter((s) => s.falseRollback <= FALSE_ROLLBACK_LIMIT && s.detection.every((d) => d === undefined || d >= DETECTION_TARGET))
    .sort(prefer);
  const winner = hopeful.find((s) => burstOf(s) <= FALSE_ROLLBACK_LIMIT);
  if (winner) return { gate: winner.gate, quiet: score(winner), meetsTargets: true };
  const safe = scored
    .filter((s) => s.falseRollback <= FALSE_ROLLBACK_LIMIT)
    .sort((a, b) => detectionSum(b) - detectionSum(a) || prefer(a, b));
  const pick =
    safe.slice(0, 5).find((s) => burstOf(s) <= FALSE_ROLLBACK_LIMIT) ??
    safe[0] ??
    scored.sort((a, b) => a.falseRollback - b.falseRollback)[0];
  return { gate: pick.gate, quiet: score(pick), meetsTargets: false };
}
