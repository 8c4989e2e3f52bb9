import { DETECTION_TARGET, FALSE_ROLLBACK_LIMIT, judgedStep } from './choose-argo-gate';
import { cloudWatchBurstRollback, cloudWatchFalseRollback, cloudWatchStepDetection, type CloudWatchGate } from './cloudwatch-detection';
import { ReleaseTimeline, type ReleaseStep } from './release-timeline';

/** Per-period minimum-request gates tried for the rollback alarm. */
const MINIMUM_REQUESTS = [10, 30, 100, 300, 1000];
/** Evaluations suggested when the definition's cannot meet the targets: [datapointsToAlarm, evaluationPeriods]. */
const EVALUATIONS: readonly (readonly [number, number])[] = [
  [1, 1],
  [2, 2],
  [2, 3],
  [3, 3],
  [3, 5],
  [4, 5],
];

/** How a CloudWatch gate does at the quietest and the peak rate. */
interface Scored {
  readonly gate: CloudWatchGate;
  readonly worstDetection: number;
  readonly falseRollback: number;
}

function score(
  steps: readonly ReleaseStep[],
  quiet: number,
  peak: number,
  gate: CloudWatchGate,
  baseline: number,
  regression: number,
): Scored {
  const q = new ReleaseTimeline(steps, quiet);
  const p = new ReleaseTimeline(steps, peak);
  const detections = steps.map((s, i) => (judgedStep(s) ? cloudWatchStepDetection(q, gate, i, baseline, regression) : 1));
  return {
    gate,
    worstDetection: Math.min(...detections),
    falseRollback: Math.max(cloudWatchFalseRollback(q, gate, baseline), cloudWatchFalseRollback(p, gate, baseline)),
  };
}

const meets = (s: Scored) => s.worstDetection >= DETECTION_TARGET && s.falseRollback <= FALSE_ROLLBACK_LIMIT;

/**
 * The per-period minimum-request gate of the rollback alarm for the definition's evaluation: the
 * smallest that keeps stray-error rollbacks within 1 % at the quietest and the peak rate, and with
 * one 30-second burst at the quietest, while every traffic step catches the regression (a smaller
 * gate judges more periods, so it detects more, and also breaches more on stray errors and
 * bursts). When none meets both, the smallest whose false rollbacks stay within the limit (of
 * those, the one that detects best), or else the largest.
 */
export function chooseCloudWatchMinimum(
  steps: readonly ReleaseStep[],
  quiet: number,
  peak: number,
  gate: CloudWatchGate,
  baseline: number,
  regression: number,
): { readonly gate: CloudWatchGate; readonly meetsTargets: boolean } {
  const scored = MINIMUM_REQUESTS.map((minimumRequests) => score(steps, quiet, peak, { ...gate, minimumRequests }, baseline, regression));
  // A gate that fails only the burst is passed over for the next: a larger one leaves more of the
  // quietest rate's small periods unjudged, the burst's among them, and may still detect enough.
  const q = new ReleaseTimeline(steps, quiet);
  const passing = scored.find((s) => meets(s) && cloudWatchBurstRollback(q, s.gate, baseline) <= FALSE_ROLLBACK_LIMIT);
  if (passing) return { gate: passing.gate, meetsTargets: true };
  // Detection and false rollbacks both fall as the gate rises (a series is judged only from the
  // gate's count of requests on, so a larger gate removes breaching outcomes and adds none): the
  // smallest gate within the false-rollback limit is also the one of them that detects best.
  const safe = scored.find((s) => s.falseRollback <= FALSE_ROLLBACK_LIMIT);
  return { gate: (safe ?? scored[scored.length - 1]).gate, meetsTargets: false };
}

/**
 * An evaluation (`datapointsToAlarm` of `evaluationPeriods`) with which some minimum-request gate
 * meets both targets (a 30-second burst included), fewest breaching periods first (fastest);
 * undefined when none does.
 */
export function suggestEvaluation(
  steps: readonly ReleaseStep[],
  quiet: number,
  peak: number,
  gate: CloudWatchGate,
  baseline: number,
  regression: number,
): { readonly datapointsToAlarm: number; readonly evaluationPeriods: number; readonly minimumRequests: number } | undefined {
  for (const [datapointsToAlarm, evaluationPeriods] of EVALUATIONS) {
    for (const minimumRequests of MINIMUM_REQUESTS) {
      const s = score(steps, quiet, peak, { ...gate, datapointsToAlarm, evaluationPeriods, minimumRequests }, baseline, regression);
      if (meets(s) && cloudWatchBurstRollback(new ReleaseTimeline(steps, quiet), s.gate, baseline) <= FALSE_ROLLBACK_LIMIT) {
        return { datapointsToAlarm, evaluationPeriods, minimumRequests };
      }
    }
  }
  return undefined;
}
