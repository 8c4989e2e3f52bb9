import { Duration } from '../../model/duration';
import { argoFalseRollback, argoStepDetection, type ArgoGate } from './argo-detection';
import { cloudWatchFalseRollback, cloudWatchStepDetection, type CloudWatchGate } from './cloudwatch-detection';
import { DETECTION_TARGET, FALSE_ROLLBACK_LIMIT, lostTrafficRequests } from './choose-argo-gate';
import { ReleaseTimeline, type ReleaseStep } from './release-timeline';

/** Detection of step `index` of a (changed) release at a rate, with the best settings the target allows. */
export type StepDetector = (steps: readonly ReleaseStep[], ratePerSecond: number, index: number) => number;

/** The smallest whole x in [low, high] with pass(x), for a pass that only turns true as x grows; undefined if none. */
export function smallestPassing(low: number, high: number, pass: (x: number) => boolean): number | undefined {
  if (!pass(high)) return undefined;
  let [lo, hi] = [low, high];
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (pass(mid)) hi = mid;
    else lo = mid;
  }
  return pass(lo) ? lo : hi;
}

/**
 * The fixes that make step `index` reach the detection target at the quietest rate, each changed
 * alone: the shortest bake (in whole `unitSeconds`, up to 4 hours), the smallest whole-percent
 * weight, and the lowest rate (to 3 significant digits, up to 1,000× the declared one).
 */
export function stepFixes(
  steps: readonly ReleaseStep[],
  index: number,
  quietRate: number,
  unitSeconds: number,
  detect: StepDetector,
  trafficField: string,
): string[] {
  const passes = (changed: readonly ReleaseStep[], rate = quietRate) => detect(changed, rate, index) >= DETECTION_TARGET;
  const withStep = (patch: Partial<ReleaseStep>) => steps.map((s, k) => (k === index ? { ...s, ...patch } : s));
  const fixes: string[] = [];
  // The first whole unit strictly longer than the step's bake (a bake of 90 s with 60-s units: 2).
  const units = Math.floor(steps[index].seconds / unitSeconds);
  const bake = smallestPassing(units + 1, Math.floor((4 * 3600) / unitSeconds), (u) => passes(withStep({ seconds: u * unitSeconds })));
  if (bake !== undefined) fixes.push(`bake it at least ${Duration.seconds(bake * unitSeconds)}`);
  const current = Math.floor(100 * steps[index].weight);
  if (current < 100) {
    const weight = smallestPassing(current + 1, 100, (w) => passes(withStep({ weight: w / 100 })));
    if (weight !== undefined) fixes.push(`send it at least ${weight}% of traffic`);
  }
  // Rates on a grid of 1.05× steps from the declared one.
  const grid = (i: number) => quietRate * Math.pow(1.05, i);
  const rate = smallestPassing(1, Math.ceil(Math.log(1000) / Math.log(1.05)), (i) => passes(steps, grid(i)));
  if (rate !== undefined) fixes.push(`release only at ${Number(grid(rate).toPrecision(3))} rps or more (${trafficField})`);
  return fixes;
}

/** Settings tried when looking for a fix on Argo Rollouts (a small subset of the ones the choice tries). */
const LIGHT = { windows: [60, 120, 300], failureLimits: [1, 2], minimumRequests: [30, 100, 300], shares: [0.5, 0.75] };

/**
 * A detector for Argo Rollouts that re-chooses the analysis for the changed release: the best
 * detection of the step among light settings that keep stray-error rollbacks within the limit, or
 * the first that reaches the target (a fix search only asks whether one does).
 */
export function argoStepDetector(scrapeSeconds: number, baseline: number, regression: number): StepDetector {
  return memoized((steps, rate, index) => {
    const timeline = new ReleaseTimeline(steps, rate);
    const lost = lostTrafficRequests(Math.min(...steps.map((s) => s.weight).filter((w) => w > 0)));
    let best = 0;
    for (const windowSeconds of LIGHT.windows.filter((w) => w >= 2 * scrapeSeconds)) {
      for (const failureLimit of LIGHT.failureLimits) {
        for (const minimumRequests of LIGHT.minimumRequests) {
          for (const share of LIGHT.shares) {
            const gate: ArgoGate = {
              windowSeconds,
              intervalSeconds: windowSeconds,
              failureLimit,
              minimumRequests,
              lostTrafficRequests: lost,
              threshold: baseline + share * (regression - baseline),
            };
            const d = argoStepDetection(timeline, gate, index, baseline, regression);
            if (d > best && argoFalseRollback(timeline, gate, baseline) <= FALSE_ROLLBACK_LIMIT) best = d;
            if (best >= DETECTION_TARGET) return best;
          }
        }
      }
    }
    return best;
  });
}

/** A detector that computes each (steps, rate, step) once: fix searches ask for the same one many times. */
function memoized(detect: StepDetector): StepDetector {
  const memo = new Map<string, number>();
  return (steps, rate, index) => {
    const key = JSON.stringify([steps, rate, index]);
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    const detection = detect(steps, rate, index);
    memo.set(key, detection);
    return detection;
  };
}

/** Per-period gates tried when looking for a fix on AWS. */
const CLOUDWATCH_MINIMUMS = [10, 30, 100, 300, 1000];

/**
 * A detector for the AWS rollback alarm with the definition's evaluation: the best detection of the
 * step among per-period minimum-request gates that keep stray-error rollbacks within the limit.
 */
export function cloudWatchStepDetector(gate: CloudWatchGate, baseline: number, regression: number): StepDetector {
  return memoized((steps, rate, index) => {
    const timeline = new ReleaseTimeline(steps, rate);
    let best = 0;
    for (const minimumRequests of CLOUDWATCH_MINIMUMS) {
      const g = { ...gate, minimumRequests };
      const d = cloudWatchStepDetection(timeline, g, index, baseline, regression);
      if (d > best && cloudWatchFalseRollback(timeline, g, baseline) <= FALSE_ROLLBACK_LIMIT) best = d;
      if (best >= DETECTION_TARGET) break;
    }
    return best;
  });
}
