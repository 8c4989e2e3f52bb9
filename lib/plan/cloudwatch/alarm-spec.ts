import type { Evaluation } from '../../model/alarm-policy';
import { Duration } from '../../model/duration';
import { AlarmSeverity, AlarmSignal, describeCondition, type AlarmDefinition } from '../alarm-catalogue';
import { versionErrorRateWording } from '../version-error-rate';
import { ComparisonOperator, TreatMissingData } from './metric-spec';
import type { SignalSet } from './signal-specs';

/**
 * One CloudWatch alarm, decided once for every AWS target: what it reads (`signal`, of the target's
 * representation `S`), its threshold, comparison, periods and missing-data rule, its description
 * (without the runbook link each target appends) and where it publishes.
 */
export interface CloudWatchAlarmSpec<S> {
  /** Suffix of the alarm name: `checkout-prod-<kind>`. */
  readonly kind: string;
  readonly severity: AlarmSeverity;
  readonly signal: S;
  readonly threshold: number;
  readonly comparison: ComparisonOperator;
  /** Period of the alarm and of every metric it reads. */
  readonly period: Duration;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: TreatMissingData;
  /** "WARNING: error rate ≥ 1% for 3 of 3 periods of 1m (load balancer of ...)". */
  readonly description: string;
  /** Whether the alarm also publishes when it returns to OK (not the rollback trigger: it is for deployments). */
  readonly notifiesOk: boolean;
}

/**
 * The threshold alarms of a catalogue over a workload's signals: rollback and critical error-rate
 * alarms judge each version on its own traffic (so a canary's errors are not diluted by the stable
 * version's), warnings keep the service-wide rate; latency from the quantile; CPU and memory from
 * the saturation source. Every alarm fires at the threshold (`>=`, like the Prometheus alerts and
 * the Argo analysis of the same policy) and treats missing data as not breaching: a quiet service
 * has no errors; silence is the dead-man's switch's job.
 */
export function cloudWatchAlarmSpecs<S>(catalogue: readonly AlarmDefinition[], signals: SignalSet<S>): CloudWatchAlarmSpec<S>[] {
  const perVersion = signals.versionErrorRatePercent ? `; error rate${versionErrorRateWording(signals.minimumRequests)}` : '';
  const saturation = signals.saturationSource ?? signals.source;
  const read = (alarm: AlarmDefinition): { signal: S; source: string } => {
    switch (alarm.signal) {
      case AlarmSignal.ERROR_RATIO:
        return alarm.triggersRollback
          ? { signal: signals.versionErrorRatePercent ?? signals.errorRatePercent, source: `${signals.source}${perVersion}` }
          : { signal: signals.errorRatePercent, source: signals.source };
      case AlarmSignal.LATENCY:
        return { signal: latencyOf(signals, alarm), source: signals.source };
      case AlarmSignal.CPU:
        return { signal: required(signals.cpuPercent, alarm), source: saturation };
      case AlarmSignal.MEMORY:
        return { signal: required(signals.memoryPercent, alarm), source: saturation };
      default:
        throw new Error(`"${alarm.kind}" is not a threshold alarm; the dead-man's switch is rendered by deadMansSwitchSpec`);
    }
  };
  return catalogue.map((alarm) => {
    const { signal, source } = read(alarm);
    const { period, evaluationPeriods, datapointsToAlarm } = alarm.evaluation as Evaluation;
    return {
      kind: alarm.kind,
      severity: alarm.severity,
      signal,
      threshold: alarm.threshold as number,
      comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      period,
      evaluationPeriods,
      datapointsToAlarm,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      description: `${alarm.severity.toUpperCase()}: ${describeCondition(alarm)} (${source})`,
      notifiesOk: alarm.severity !== AlarmSeverity.ROLLBACK,
    };
  });
}

/** The latency quantiles CloudWatch signals carry: p99 and p95; another quantile needs its signal first. */
function latencyOf<S>(signals: SignalSet<S>, alarm: AlarmDefinition): S {
  if (alarm.quantile === 0.99) return signals.latencyP99Ms;
  if (alarm.quantile === 0.95) return signals.latencyP95Ms;
  throw new Error(
    `alarm "${alarm.kind}" reads latency quantile ${alarm.quantile}; CloudWatch signals carry p99 and p95: add the quantile to lib/plan/cloudwatch/signal-specs.ts`,
  );
}

function required<S>(signal: S | undefined, alarm: AlarmDefinition): S {
  if (signal === undefined) {
    throw new Error(
      `alarm "${alarm.kind}" reads ${alarm.signal}, which these signals do not provide; leave saturation alarms out of the catalogue`,
    );
  }
  return signal;
}

/**
 * The dead-man's switch: fewer than one sample of the heartbeat a minute for `missingMinutes`
 * minutes in a row, missing data breaching (silence is the failure it exists to catch), paging
 * and reporting recovery.
 */
export function deadMansSwitchSpec<S>(
  kind: string,
  heartbeat: S,
  heartbeatDescription: string,
  missingMinutes: number,
): CloudWatchAlarmSpec<S> {
  return {
    kind,
    severity: AlarmSeverity.CRITICAL,
    signal: heartbeat,
    threshold: 1,
    comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
    period: Duration.minutes(1),
    evaluationPeriods: missingMinutes,
    datapointsToAlarm: missingMinutes,
    treatMissingData: TreatMissingData.BREACHING,
    description: `CRITICAL: no heartbeat (${heartbeatDescription}) for ${missingMinutes} minutes`,
    notifiesOk: true,
  };
}
