import type { AlarmPolicy, Evaluation } from '../model/alarm-policy';
import type { DeadMansSwitchPolicy } from '../model/dead-mans-switch';
import { type Duration } from '../model/duration';
import { timeToDetect } from './timing';

/** How loud an alarm is. */
export enum AlarmSeverity {
  /** Pages the on-call. */
  CRITICAL = 'critical',
  /** Notifies the channel. */
  WARNING = 'warning',
  /** Rolls an in-flight deployment back by itself. */
  ROLLBACK = 'rollback',
  /** Always fires, routed to a dead-man's-switch receiver, never to people (e.g. Prometheus `Watchdog`). */
  HEARTBEAT = 'heartbeat',
}

/**
 * Every alarm glidepath defines, on every target. The value is the suffix of the physical alarm
 * name (`checkout-prod-critical-error-rate`) and, in PascalCase, the Prometheus alert name.
 */
export enum AlarmKind {
  ROLLBACK_ERROR_RATE = 'rollback-error-rate',
  CRITICAL_ERROR_RATE = 'critical-error-rate',
  CRITICAL_LATENCY_P99 = 'critical-latency-p99',
  WARNING_ERROR_RATE = 'warning-error-rate',
  WARNING_LATENCY_P95 = 'warning-latency-p95',
  WARNING_CPU = 'warning-cpu',
  WARNING_MEMORY = 'warning-memory',
  DEAD_MANS_SWITCH = 'dead-mans-switch',
  /** Always firing, so that a broken alerting pipeline is noticed (Prometheus targets only). */
  WATCHDOG = 'watchdog',
}

/** What an alarm measures; each target maps a signal to a metric or a query. */
export enum AlarmSignal {
  /** 5xx responses / all responses of the version under watch. */
  ERROR_RATIO = 'error-ratio',
  /** A latency quantile (`quantile` on the definition). */
  LATENCY = 'latency',
  /** CPU used / CPU available. */
  CPU = 'cpu',
  /** Memory used / memory available. */
  MEMORY = 'memory',
  /** Any sign of life: samples of a platform metric or a heartbeat the service publishes. */
  HEARTBEAT = 'heartbeat',
  /** A constant: the alert always fires. */
  CONSTANT = 'constant',
}

/** Unit of a threshold as the definition states it. */
export enum ThresholdUnit {
  PERCENT = '%',
  MILLISECONDS = 'ms',
}

/**
 * One alarm, defined once from the resolved policy. Targets render it (CloudWatch alarm,
 * Prometheus alert, Argo analysis) and add their own commands; the words are the same everywhere.
 */
export interface AlarmDefinition {
  readonly kind: AlarmKind;
  readonly severity: AlarmSeverity;
  readonly signal: AlarmSignal;
  /** The quantile a LATENCY signal reads, e.g. 0.99. */
  readonly quantile?: number;
  /** Fires at or above this value (`>=`), in `unit`. Absent for HEARTBEAT and CONSTANT. */
  readonly threshold?: number;
  readonly unit?: ThresholdUnit;
  /** The measured thing in words, e.g. "p99 latency". */
  readonly what: string;
  /** Period, datapoints considered and datapoints that must breach. Absent for CONSTANT. */
  readonly evaluation?: Evaluation;
  /**
   * For HEARTBEAT: how long without any data before it fires. Missing data is breaching.
   */
  readonly missingFor?: Duration;
  /**
   * For the rollback trigger: the normal error rate and the multiple of it at which it fires
   * (`threshold` is their product); rollout analyses compare the new version with the stable one by it.
   */
  readonly baseline?: { readonly errorRatePercent: number; readonly multiplier: number };
  /** Whether a deployment in progress watches this alarm to roll back (where the target wires it). */
  readonly triggersRollback: boolean;
  /** One sentence: what is true when it fires. */
  readonly meaning: string;
  /** One sentence: who is affected and how. */
  readonly impact: string;
  /** What to do, in order; the target adds its commands. */
  readonly mitigation: readonly string[];
}

/** Options of `alarmCatalogue`. */
export interface AlarmCatalogueOptions {
  /** The dead-man's switch policy; its alarm is left out when absent or disabled. @default - none */
  readonly deadMansSwitch?: DeadMansSwitchPolicy;
  /** Whether the workload has CPU and memory to watch (containers do, functions do not). @default true */
  readonly saturation?: boolean;
  /** Add the always-firing WATCHDOG (Prometheus targets). @default false */
  readonly watchdog?: boolean;
}

/** The condition of a threshold alarm in words: "error rate ≥ 5% for 3 of 3 periods of 1m". */
export function describeCondition(alarm: AlarmDefinition): string {
  if (alarm.signal === AlarmSignal.CONSTANT) {
    return 'always firing';
  }
  if (alarm.signal === AlarmSignal.HEARTBEAT) {
    return `no data for ${alarm.missingFor}`;
  }
  const e = alarm.evaluation as Evaluation;
  const value = alarm.unit === ThresholdUnit.PERCENT ? `${alarm.threshold}%` : `${alarm.threshold} ${alarm.unit}`;
  return `${alarm.what} ≥ ${value} for ${e.datapointsToAlarm} of ${e.evaluationPeriods} periods of ${e.period}`;
}

/**
 * Time from the start of a condition until the alarm can fire, on a metric system that evaluates
 * whole periods (CloudWatch; Prometheus `for` + window is computed by the Prometheus target from
 * the same evaluation).
 */
export function alarmTimeToDetect(alarm: AlarmDefinition): Duration | undefined {
  if (alarm.signal === AlarmSignal.HEARTBEAT) {
    return alarm.missingFor;
  }
  return alarm.evaluation ? timeToDetect(alarm.evaluation) : undefined;
}

/**
 * The alarm catalogue of one environment: the rollback trigger, critical alarms that page (error
 * rate, p99 latency), warnings that notify (error rate, p95, CPU, memory), the dead-man's switch
 * (missing data is breaching) and, for Prometheus, the Watchdog. Disabled alarms or switches are
 * left out. Every target builds its alarms from this list and nothing else.
 */
export function alarmCatalogue(policy: AlarmPolicy, options: AlarmCatalogueOptions = {}): AlarmDefinition[] {
  const alarms: AlarmDefinition[] = [];
  const deadMansSwitch = options.deadMansSwitch;
  if (policy.enabled) {
    const { rollbackTrigger: trigger, critical, warning, evaluation } = policy;
    alarms.push(
      rollbackTriggerAlarm(trigger),
      {
        kind: AlarmKind.CRITICAL_ERROR_RATE,
        severity: AlarmSeverity.CRITICAL,
        signal: AlarmSignal.ERROR_RATIO,
        threshold: critical.errorRatePercent,
        unit: ThresholdUnit.PERCENT,
        what: 'error rate',
        evaluation,
        triggersRollback: true,
        meaning: `${critical.errorRatePercent}% or more of requests fail.`,
        impact: 'A significant share of users cannot complete requests.',
        mitigation: [
          'If a release is in progress or just finished, roll back (start at level 1 if a flag covers the change, else level 2).',
          'Otherwise check dependencies (database, downstream APIs) and recent configuration changes.',
        ],
      },
      criticalLatencyAlarm(policy),
      {
        kind: AlarmKind.WARNING_ERROR_RATE,
        severity: AlarmSeverity.WARNING,
        signal: AlarmSignal.ERROR_RATIO,
        threshold: warning.errorRatePercent,
        unit: ThresholdUnit.PERCENT,
        what: 'error rate',
        evaluation,
        triggersRollback: false,
        meaning: `${warning.errorRatePercent}% or more of requests fail; the critical alarm fires at ${critical.errorRatePercent}%.`,
        impact: 'Some users see errors; the critical threshold may follow.',
        mitigation: ['Hold any rollout in progress and investigate before promoting further.'],
      },
      {
        kind: AlarmKind.WARNING_LATENCY_P95,
        severity: AlarmSeverity.WARNING,
        signal: AlarmSignal.LATENCY,
        quantile: 0.95,
        threshold: warning.p95LatencyMs,
        unit: ThresholdUnit.MILLISECONDS,
        what: 'p95 latency',
        evaluation,
        triggersRollback: false,
        meaning: `One request in twenty takes ${warning.p95LatencyMs} ms or longer.`,
        impact: 'The service is slowing down for many users.',
        mitigation: ['Check saturation and dependencies; hold rollouts until latency recovers.'],
      },
    );
    if (options.saturation ?? true) {
      alarms.push(
        {
          kind: AlarmKind.WARNING_CPU,
          severity: AlarmSeverity.WARNING,
          signal: AlarmSignal.CPU,
          threshold: warning.cpuPercent,
          unit: ThresholdUnit.PERCENT,
          what: 'CPU utilization',
          evaluation,
          triggersRollback: false,
          meaning: `CPU utilization is at or above ${warning.cpuPercent}% of what the workload may use.`,
          impact: 'Little headroom: latency rises (containers are throttled at their limit) and a traffic spike may cause errors.',
          mitigation: ['Scale out (raise the desired count or the autoscaling maximum), then find the cause.'],
        },
        {
          kind: AlarmKind.WARNING_MEMORY,
          severity: AlarmSeverity.WARNING,
          signal: AlarmSignal.MEMORY,
          threshold: warning.memoryPercent,
          unit: ThresholdUnit.PERCENT,
          what: 'memory utilization',
          evaluation,
          triggersRollback: false,
          meaning: `Memory utilization is at or above ${warning.memoryPercent}% of what the workload may use.`,
          impact: 'At 100% tasks or pods are killed for running out of memory, dropping in-flight requests.',
          mitigation: ['Look for a leak introduced by a recent release (roll back if so); otherwise raise the memory size.'],
        },
      );
    }
  }
  if (deadMansSwitch?.enabled) {
    alarms.push(deadMansSwitchAlarm(deadMansSwitch.missingFor));
  }
  if (options.watchdog) {
    alarms.push({
      kind: AlarmKind.WATCHDOG,
      severity: AlarmSeverity.HEARTBEAT,
      signal: AlarmSignal.CONSTANT,
      what: 'alerting pipeline heartbeat',
      triggersRollback: false,
      meaning: 'This alert always fires. If it stops arriving, Prometheus or Alertmanager is broken and no other alert will reach you.',
      impact: 'None while it fires. When it stops, no alert of any service in this Prometheus reaches you.',
      mitigation: [
        'Nothing while it fires.',
        'When it stops: restore Prometheus and Alertmanager first; until then, watch the service by hand.',
      ],
    });
  }
  return alarms;
}

/**
 * The rollback trigger: the new version's error rate at or above `baseline × multiplier`, on short
 * periods. Exported for the constructs that render it alone (Argo analysis, deployment alarms).
 */
export function rollbackTriggerAlarm(trigger: AlarmPolicy['rollbackTrigger']): AlarmDefinition {
  return {
    kind: AlarmKind.ROLLBACK_ERROR_RATE,
    severity: AlarmSeverity.ROLLBACK,
    signal: AlarmSignal.ERROR_RATIO,
    threshold: trigger.errorRatePercent,
    unit: ThresholdUnit.PERCENT,
    what: `error rate (${trigger.errorRateMultiplier}× the ${trigger.baselineErrorRatePercent}% baseline)`,
    evaluation: trigger.evaluation,
    baseline: { errorRatePercent: trigger.baselineErrorRatePercent, multiplier: trigger.errorRateMultiplier },
    triggersRollback: true,
    meaning: `Errors of the new version reached ${trigger.errorRateMultiplier}× their normal level (${trigger.errorRatePercent}%); a deployment in progress rolls back.`,
    impact: 'Users routed to the new version see errors. During a deployment, traffic returns to the previous version.',
    mitigation: [
      'If a deployment is in progress, let the automatic rollback finish and confirm it (level 2 verify commands).',
      'If no deployment is in progress, treat it as an early warning and check dependencies.',
    ],
  };
}

/**
 * The critical p99 latency alarm. Exported for the rollout analyses that judge a new version by it
 * (Argo Rollouts fails a measurement at this latency).
 */
export function criticalLatencyAlarm(policy: AlarmPolicy): AlarmDefinition {
  return {
    kind: AlarmKind.CRITICAL_LATENCY_P99,
    severity: AlarmSeverity.CRITICAL,
    signal: AlarmSignal.LATENCY,
    quantile: 0.99,
    threshold: policy.critical.p99LatencyMs,
    unit: ThresholdUnit.MILLISECONDS,
    what: 'p99 latency',
    evaluation: policy.evaluation,
    triggersRollback: true,
    meaning: `The slowest 1% of requests take ${policy.critical.p99LatencyMs} ms or longer.`,
    impact: 'Users wait or time out; callers may retry and add load.',
    mitigation: [
      'Roll back if a release coincides.',
      'Check saturation (CPU, memory, connection pools) and slow dependencies; scale out if saturated.',
    ],
  };
}

/**
 * The alarms a rollout analysis judges a new version by, whether or not the alarms themselves are
 * deployed (`alarms.enabled`): the rollback trigger (threshold, evaluation, baseline) and the
 * critical p99 latency. Every analysis reads its thresholds from these, as every alarm does.
 */
export function rolloutAnalysisAlarms(policy: AlarmPolicy): { readonly rollback: AlarmDefinition; readonly latency: AlarmDefinition } {
  return { rollback: rollbackTriggerAlarm(policy.rollbackTrigger), latency: criticalLatencyAlarm(policy) };
}

/**
 * The dead-man's switch: fires when no data at all arrived for `missingFor` (missing data is
 * breaching). Exported for constructs that make the switch alone (`DeadMansSwitch`).
 */
export function deadMansSwitchAlarm(missingFor: Duration): AlarmDefinition {
  return {
    kind: AlarmKind.DEAD_MANS_SWITCH,
    severity: AlarmSeverity.CRITICAL,
    signal: AlarmSignal.HEARTBEAT,
    what: 'heartbeat',
    missingFor,
    triggersRollback: false,
    meaning: `The service stopped reporting for ${missingFor}: it is down, scaled to zero, or its metrics no longer arrive.`,
    impact:
      'Every other alarm of this service is blind while this one fires; users may be fully affected. Treat it as an outage until proven otherwise.',
    mitigation: [
      'If nothing of the service runs, restore capacity first, then roll back the last change (level 2).',
      'If the service runs and serves traffic, the metrics pipeline is broken: fix it; until then the other alarms cannot be trusted.',
    ],
  };
}

/** The catalogue entry of one kind, or an error naming the kinds there are. */
export function alarmOf(catalogue: readonly AlarmDefinition[], kind: AlarmKind): AlarmDefinition {
  const found = catalogue.find((a) => a.kind === kind);
  if (!found) {
    throw new Error(`no alarm of kind "${kind}" in this catalogue; it has ${catalogue.map((a) => `"${a.kind}"`).join(', ')}`);
  }
  return found;
}

/** Prometheus alert names are metric-name-like: `critical-error-rate` → `CriticalErrorRate`. */
export function alertNameOf(kind: AlarmKind): string {
  return kind
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
