import { Duration } from '../../model/duration';
import type { EnvironmentDefinition } from '../../model/environment';
import { Backend, type CompiledSchedule } from '../rollout/schedule';
import type { PlanFinding } from '../strictness';
import { MINIMUM_REQUESTS } from '../version-error-rate';
import { argoBurstRollback, argoFalseRollback, argoFalseRollbackDuring, argoStepDetection, type ArgoGate } from './argo-detection';
import { chooseArgoGate, DETECTION_TARGET, FALSE_ROLLBACK_LIMIT, judgedStep } from './choose-argo-gate';
import {
  cloudWatchBurstRollback,
  cloudWatchFalseRollback,
  cloudWatchFalseRollbackDuring,
  cloudWatchStepDetection,
  type CloudWatchGate,
} from './cloudwatch-detection';
import { chooseCloudWatchMinimum, suggestEvaluation } from './choose-cloudwatch-gate';
import { ReleaseTimeline, type ReleaseStep } from './release-timeline';
import { argoStepDetector, cloudWatchStepDetector, smallestPassing, stepFixes, type StepDetector } from './step-fixes';

/** Detection of one rollout step at peak and at the quietest traffic. */
export interface StepDetection {
  readonly name: string;
  readonly trafficPercent: number;
  readonly bake: Duration;
  /** P(a regression starting with the step is caught before it ends); undefined when the step is not judged. */
  readonly peak?: number;
  readonly quiet?: number;
  /** P(a healthy release is rolled back during this step, stray errors only) at the quietest traffic. */
  readonly falseRollbackQuiet?: number;
  /**
   * The lowest overall rate (requests a second, on a grid of 5 % steps) at which this step still
   * catches the regression with the target probability with the gate as chosen; undefined when
   * no rate up to 1,000× the quietest does.
   */
  readonly lowestRate?: number;
}

/** The detection power of one environment's release on one backend. */
export interface DetectionReport {
  readonly label: string;
  readonly backend: Backend;
  readonly peakRequestsPerSecond: number;
  readonly quietRequestsPerSecond: number;
  /** Whether the traffic was declared (or the environment kind's default). */
  readonly trafficDeclared: boolean;
  readonly baselineErrorRatio: number;
  /** Error ratio of the regression to catch (the rollback trigger). */
  readonly regressionErrorRatio: number;
  readonly steps: readonly StepDetection[];
  /** P(a healthy release is rolled back), stray errors only. */
  readonly falseRollback: { readonly peak: number; readonly quiet: number };
  /** The same with one 30-second burst in which every request fails. */
  readonly burstRollback: { readonly peak: number; readonly quiet: number };
  /** Argo: the analysis settings chosen. */
  readonly argoGate?: ArgoGate;
  /** AWS: the rollback alarm as configured. */
  readonly cloudWatchGate?: CloudWatchGate;
  /** Steps or risks that miss the targets, with the fix; warnings, or errors in strict mode. */
  readonly findings: readonly PlanFinding[];
  /** Said once, never an error: the traffic is a default. */
  readonly notes: readonly string[];
}

/** What `detectionReport` needs besides the environment. */
export interface DetectionOptions {
  /** `<service>-<environment>`, starts every message. */
  readonly label: string;
  /** Index of the environment in the definition, for field paths. */
  readonly environmentIndex: number;
  readonly schedule: CompiledSchedule;
  /** The scrape interval (Argo). */
  readonly scrapeInterval?: Duration;
  /**
   * Requests a window needs before it is judged, as the definition declared it (Argo): the gate
   * keeps it and the report judges it. @default - chosen with the other gate settings
   */
  readonly minimumRequests?: number;
}

/** A probability in whole percents; one decimal where rounding would print a certainty, and `>99.9%` above that. */
const percent = (p: number) => (p > 0.999 && p < 1 ? '>99.9%' : `${(100 * p).toFixed(p >= 0.995 && p < 1 ? 1 : 0)}%`);

/** The steps a detection model runs over: from the first traffic step on (the analysis starts there). */
function releaseSteps(schedule: CompiledSchedule): { steps: ReleaseStep[]; offset: number } {
  const first = Math.max(
    0,
    schedule.steps.findIndex((s) => s.trafficPercent > 0),
  );
  const from = schedule.backend === Backend.ARGO_ROLLOUTS ? first : 0;
  return {
    offset: from,
    steps: schedule.steps.slice(from).map((s) => ({ name: s.name, weight: s.trafficPercent / 100, seconds: s.bake.toSeconds() })),
  };
}

/** The lowest rate on the grid quiet · 1.05^i (−1,000× to 1,000×) at which `passes` holds (a judged step's detection, which grows with the rate). */
function lowestRate(quietRate: number, passes: (rate: number) => boolean): number | undefined {
  const span = Math.ceil(Math.log(1000) / Math.log(1.05));
  const grid = (i: number) => quietRate * Math.pow(1.05, i - span);
  const i = smallestPassing(0, 2 * span, (k) => passes(grid(k)));
  return i === undefined ? undefined : Number(grid(i).toPrecision(3));
}

const choices = new Map<string, ReturnType<typeof chooseArgoGate>>();
const cloudWatchChoices = new Map<string, { gate: CloudWatchGate; suggestion?: ReturnType<typeof suggestEvaluation> }>();
const detectionNumbers = new Map<
  string,
  Pick<DetectionReport, 'falseRollback' | 'burstRollback'> & { readonly rows: readonly StepDetection[] }
>();

/**
 * The detection power of an environment's release: per step, the probability that a regression of
 * the rollback trigger's size is caught before the step ends, and the probability that a healthy
 * release is rolled back, at peak and at the quietest declared traffic. On Argo Rollouts it also
 * chooses the analysis settings; on AWS it judges the rollback alarm as configured. Steps that miss
 * 90 % detection, or a false-rollback risk above 1 %, become findings naming the fix.
 */
export function detectionReport(env: EnvironmentDefinition, options: DetectionOptions): DetectionReport | undefined {
  const { schedule, label } = options;
  // An empty schedule has no judged step either (below).
  if (schedule.backend === Backend.KUBERNETES_DEPLOYMENT || !env.alarms.enabled) return undefined;
  const trigger = env.alarms.rollbackTrigger;
  const baseline = trigger.baselineErrorRatePercent / 100;
  const regression = trigger.errorRatePercent / 100;
  const { steps, offset } = releaseSteps(schedule);
  if (!steps.some(judgedStep)) return undefined;
  const { peakRequestsPerSecond: peakRate, quietRequestsPerSecond: quietRate } = env.traffic;
  const peak = new ReleaseTimeline(steps, peakRate);
  const quiet = new ReleaseTimeline(steps, quietRate);

  let detect: (t: ReleaseTimeline, i: number) => number;
  let falseOf: (t: ReleaseTimeline) => number;
  let burstOf: (t: ReleaseTimeline) => number;
  let falseDuring: (t: ReleaseTimeline, i: number) => number;
  let argoGate: ArgoGate | undefined;
  let cloudWatchGate: CloudWatchGate | undefined;
  let evaluationSuggestion: ReturnType<typeof suggestEvaluation>;
  if (schedule.backend === Backend.ARGO_ROLLOUTS) {
    const scrape = (options.scrapeInterval ?? Duration.seconds(30)).toSeconds();
    const fixed = options.minimumRequests;
    const key = JSON.stringify([steps, quietRate, peakRate, scrape, baseline, regression, fixed]);
    if (!choices.has(key)) choices.set(key, chooseArgoGate(steps, quietRate, scrape, baseline, regression, peakRate, fixed));
    const gate = choices.get(key)!.gate;
    argoGate = gate;
    detect = (t, i) => argoStepDetection(t, gate, i, baseline, regression);
    falseOf = (t) => argoFalseRollback(t, gate, baseline);
    burstOf = (t) => argoBurstRollback(t, gate, baseline);
    falseDuring = (t, i) => argoFalseRollbackDuring(t, gate, baseline, i);
  } else {
    const e = trigger.evaluation;
    const configured: CloudWatchGate = {
      periodSeconds: e.period.toSeconds(),
      evaluationPeriods: e.evaluationPeriods,
      datapointsToAlarm: e.datapointsToAlarm,
      minimumRequests: MINIMUM_REQUESTS,
      thresholdPercent: trigger.errorRatePercent,
      oldVersionJudged: schedule.backend === Backend.ECS,
    };
    const key = JSON.stringify([steps, quietRate, peakRate, configured, baseline, regression]);
    if (!cloudWatchChoices.has(key)) {
      const chosen = chooseCloudWatchMinimum(steps, quietRate, peakRate, configured, baseline, regression);
      cloudWatchChoices.set(key, {
        gate: chosen.gate,
        suggestion: chosen.meetsTargets ? undefined : suggestEvaluation(steps, quietRate, peakRate, configured, baseline, regression),
      });
    }
    const { gate, suggestion } = cloudWatchChoices.get(key)!;
    evaluationSuggestion = suggestion;
    cloudWatchGate = gate;
    detect = (t, i) => cloudWatchStepDetection(t, gate, i, baseline, regression);
    falseOf = (t) => cloudWatchFalseRollback(t, gate, baseline);
    burstOf = (t) => cloudWatchBurstRollback(t, gate, baseline);
    falseDuring = (t, i) => cloudWatchFalseRollbackDuring(t, gate, baseline, i);
  }
  // The probabilities depend only on the schedule, the traffic and the gate, not on the service:
  // an app with many services of the same shape computes them once.
  const numbersKey = JSON.stringify([
    schedule.backend,
    schedule.steps,
    offset,
    peakRate,
    quietRate,
    baseline,
    regression,
    argoGate,
    cloudWatchGate,
    options.scrapeInterval?.toSeconds(),
  ]);
  let numbers = detectionNumbers.get(numbersKey);
  if (!numbers) {
    numbers = {
      rows: schedule.steps.map((s, i) => {
        const j = i - offset;
        const judged = j >= 0 && judgedStep(steps[j]);
        return {
          name: s.name,
          trafficPercent: s.trafficPercent,
          bake: s.bake,
          peak: judged ? detect(peak, j) : undefined,
          quiet: judged ? detect(quiet, j) : undefined,
          falseRollbackQuiet: j >= 0 ? falseDuring(quiet, j) : undefined,
          lowestRate: judged ? lowestRate(quietRate, (rate) => detect(new ReleaseTimeline(steps, rate), j) >= DETECTION_TARGET) : undefined,
        };
      }),
      falseRollback: { peak: falseOf(peak), quiet: falseOf(quiet) },
      burstRollback: { peak: burstOf(peak), quiet: burstOf(quiet) },
    };
    detectionNumbers.set(numbersKey, numbers);
  }
  const report = {
    label,
    backend: schedule.backend,
    peakRequestsPerSecond: peakRate,
    quietRequestsPerSecond: quietRate,
    trafficDeclared: env.traffic.declared,
    baselineErrorRatio: baseline,
    regressionErrorRatio: regression,
    steps: numbers.rows,
    falseRollback: numbers.falseRollback,
    burstRollback: numbers.burstRollback,
    argoGate,
    cloudWatchGate,
  };
  const detector: StepDetector = argoGate
    ? argoStepDetector((options.scrapeInterval ?? Duration.seconds(30)).toSeconds(), baseline, regression)
    : cloudWatchStepDetector(cloudWatchGate!, baseline, regression);
  const findings = detectionFindings(report, env, options, steps, offset, detector, evaluationSuggestion);
  const notes = env.traffic.declared
    ? []
    : [
        `${label}: traffic is not declared; the detection check assumes ${peakRate} requests a second at peak and ${quietRate} at the quietest (the ${env.production ? 'production' : 'non-production'} default); declare environments[${options.environmentIndex}].traffic`,
      ];
  return { ...report, findings, notes };
}

function detectionFindings(
  report: Omit<DetectionReport, 'findings' | 'notes'>,
  env: EnvironmentDefinition,
  options: DetectionOptions,
  steps: readonly ReleaseStep[],
  offset: number,
  detector: StepDetector,
  suggestion?: ReturnType<typeof suggestEvaluation>,
): PlanFinding[] {
  const at = `environments[${options.environmentIndex}]`;
  const findings: PlanFinding[] = [];
  const quietRate = report.quietRequestsPerSecond;
  const rps = (x: number) => `${Number(x.toPrecision(3))} rps`;
  const regression = `a ${Number((report.regressionErrorRatio / report.baselineErrorRatio).toFixed(2))}× regression (${Number((100 * report.regressionErrorRatio).toFixed(3))}% errors)`;
  report.steps.forEach((row, i) => {
    if (row.quiet === undefined || row.quiet >= DETECTION_TARGET) return;
    const stageIndex = env.rollout.stages.findIndex((s) => s.name === row.name);
    const unit = report.argoGate?.windowSeconds ?? report.cloudWatchGate?.periodSeconds ?? 60;
    const fixes = stepFixes(steps, i - offset, quietRate, unit, detector, `${at}.traffic.quietRequestsPerSecond`);
    if (suggestion)
      fixes.push(
        `set ${at}.alarms.rollbackTrigger.evaluation to ${suggestion.datapointsToAlarm} of ${suggestion.evaluationPeriods} periods`,
      );
    findings.push({
      path: stageIndex >= 0 ? `${at}.rollout.stages[${stageIndex}].bake` : `${at}.rollout.stages`,
      value: String(row.bake),
      message: `${report.label}: step "${row.name}" (${row.trafficPercent}% for ${row.bake}) catches ${regression} before it ends with ${percent(row.quiet)} probability at the quietest declared traffic of ${rps(quietRate)} (the target is ${percent(DETECTION_TARGET)})`,
      fix:
        fixes.length > 0
          ? fixes.join(', or ')
          : 'no bake, weight or traffic within reach makes it pass: raise the baseline error rate or the multiplier',
    });
  });
  const worstFalse = Math.max(report.falseRollback.quiet, report.falseRollback.peak, report.burstRollback.quiet, report.burstRollback.peak);
  if (worstFalse > FALSE_ROLLBACK_LIMIT) {
    const burst =
      Math.max(report.burstRollback.quiet, report.burstRollback.peak) > Math.max(report.falseRollback.quiet, report.falseRollback.peak);
    findings.push({
      path: `${at}.alarms.rollbackTrigger.evaluation`,
      value: report.cloudWatchGate
        ? `${report.cloudWatchGate.datapointsToAlarm} of ${report.cloudWatchGate.evaluationPeriods} periods of ${Duration.seconds(report.cloudWatchGate.periodSeconds)}`
        : 'the chosen analysis',
      message: `${report.label}: a healthy release is rolled back with ${percent(worstFalse)} probability${burst ? ' when every request fails for 30 seconds once during the release' : ' from stray errors alone'} (the limit is ${percent(FALSE_ROLLBACK_LIMIT)})`,
      fix: report.cloudWatchGate
        ? suggestion
          ? `set ${at}.alarms.rollbackTrigger.evaluation to ${suggestion.datapointsToAlarm} of ${suggestion.evaluationPeriods} periods`
          : 'require more breaching periods (datapointsToAlarm) or longer periods, or release at higher traffic'
        : 'no analysis setting meets both targets at this traffic; release at higher traffic or with larger canary steps',
    });
  }
  return findings;
}

/**
 * The per-period request gate of an AWS rollback alarm as the detection model chooses it for the
 * environment's declared traffic (what DeploymentStack writes into the alarm, and the Pulumi target
 * too); the fixed `MINIMUM_REQUESTS` when the environment has no rollback alarm or no traffic step.
 */
export function rollbackAlarmMinimumRequests(service: string, env: EnvironmentDefinition, schedule: CompiledSchedule): number {
  const report = detectionReport(env, { label: `${service}-${env.name}`, environmentIndex: env.order, schedule });
  return report?.cloudWatchGate?.minimumRequests ?? MINIMUM_REQUESTS;
}
