import { Duration as CdkDuration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { AlarmPolicy, Evaluation } from '../../lib/model/alarm-policy';
import { timeToDetect } from '../../lib/plan/timing';
import { anchorOf } from '../../lib/runbook/anchors';
import { AlarmSeverity, type AlarmFact, type IRunbookContributor, type RunbookCommand, type RunbookFacts } from '../../lib/runbook/facts';
import { topicName } from './private/literal-names';
import { versionErrorRateWording } from './private/version-error-rate';
import type { ServiceSignals } from './service-signals';

/** Props for `AlarmSet`. */
export interface AlarmSetProps {
  /** Alarm name prefix, e.g. `checkout-prod`. */
  readonly namePrefix: string;
  /** Thresholds and evaluation. */
  readonly policy: AlarmPolicy;
  /** What the alarms watch. */
  readonly signals: ServiceSignals;
  /** Where critical alarms go (pages). */
  readonly criticalTopic: sns.ITopic;
  /** Where warnings go (notifies). */
  readonly warningTopic: sns.ITopic;
  /** Turns an alarm anchor into a runbook link for the alarm description. @default - the anchor alone */
  readonly runbookLink?: (anchor: string) => string;
  /** Commands that help diagnose any alarm of this service (logs, deployments). @default - none */
  readonly diagnosis?: readonly RunbookCommand[];
}

interface AlarmSpec {
  readonly kind: string;
  readonly severity: AlarmSeverity;
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  readonly unit: string;
  readonly what: string;
  readonly evaluation: Evaluation;
  readonly meaning: string;
  readonly impact: string;
  readonly mitigation: string[];
  /** Where the metric comes from. @default - the signals' source */
  readonly source?: string;
}

/**
 * The alarms of one service from an alarm policy: critical alarms page (error rate, p99 latency),
 * warnings notify (error rate, p95, CPU, memory), and an aggressive rollback alarm (error rate above
 * a multiple of the baseline) that deployments watch to roll back by themselves.
 *
 * Missing data is not breaching here: a quiet service has no errors. Silence is the dead-man's
 * switch's job (`DeadMansSwitch`).
 */
export class AlarmSet extends Construct implements IRunbookContributor {
  /** Alarms that page. */
  public readonly critical: cloudwatch.IAlarm[] = [];
  /** Alarms that notify. */
  public readonly warning: cloudwatch.IAlarm[] = [];
  /** The aggressive alarm that rolls deployments back. */
  public readonly rollback: cloudwatch.IAlarm;
  private readonly facts: AlarmFact[] = [];

  constructor(scope: Construct, id: string, private readonly props: AlarmSetProps) {
    super(scope, id);
    const { policy, signals } = props;
    // Rollback and paging judge each version on its own traffic, so a canary's errors are not
    // diluted by the stable version's; warnings keep the service-wide rate.
    const versionRate = signals.versionErrorRatePercent ?? signals.errorRatePercent;
    const perVersion = signals.versionErrorRatePercent ? versionErrorRateWording(signals.minimumRequests) : '';
    const specs: AlarmSpec[] = [
      {
        kind: 'rollback-error-rate',
        severity: AlarmSeverity.ROLLBACK,
        metric: versionRate,
        threshold: policy.rollbackTrigger.errorRatePercent,
        unit: '%',
        what: `error rate${perVersion} (${policy.rollbackTrigger.errorRateMultiplier}× the ${policy.rollbackTrigger.baselineErrorRatePercent}% baseline)`,
        evaluation: policy.rollbackTrigger.evaluation,
        meaning: `Errors reached ${policy.rollbackTrigger.errorRateMultiplier}× their normal level; a deployment in progress rolls back automatically.`,
        impact: 'Some users see errors. During a deployment, traffic returns to the previous version.',
        mitigation: [
          'If a deployment is in progress, let the automatic rollback finish and confirm it (level 2 verify commands).',
          'If no deployment is in progress, treat it as an early warning and check dependencies.',
        ],
      },
      {
        kind: 'critical-error-rate',
        severity: AlarmSeverity.CRITICAL,
        metric: versionRate,
        threshold: policy.critical.errorRatePercent,
        unit: '%',
        what: `error rate${perVersion}`,
        evaluation: policy.evaluation,
        meaning: `${policy.critical.errorRatePercent}% or more of requests fail.`,
        impact: 'A significant share of users cannot complete requests.',
        mitigation: [
          'If a release is in progress or just finished, roll back (start at level 1 if a flag covers the change, else level 2).',
          'Otherwise check dependencies (database, downstream APIs) and recent configuration changes.',
        ],
      },
      {
        kind: 'critical-latency-p99',
        severity: AlarmSeverity.CRITICAL,
        metric: signals.latencyP99Ms,
        threshold: policy.critical.p99LatencyMs,
        unit: 'ms',
        what: 'p99 latency',
        evaluation: policy.evaluation,
        meaning: `The slowest 1% of requests take ${policy.critical.p99LatencyMs} ms or longer.`,
        impact: 'Users wait or time out; callers may retry and add load.',
        mitigation: ['Roll back if a release coincides.', 'Check saturation (CPU, memory, connection pools) and slow dependencies; scale out if saturated.'],
      },
      {
        kind: 'warning-error-rate',
        severity: AlarmSeverity.WARNING,
        metric: signals.errorRatePercent,
        threshold: policy.warning.errorRatePercent,
        unit: '%',
        what: 'error rate',
        evaluation: policy.evaluation,
        meaning: `${policy.warning.errorRatePercent}% or more of requests fail.`,
        impact: 'Some users see errors; the critical threshold may follow.',
        mitigation: ['Hold any rollout in progress and investigate before promoting further.'],
      },
      {
        kind: 'warning-latency-p95',
        severity: AlarmSeverity.WARNING,
        metric: signals.latencyP95Ms,
        threshold: policy.warning.p95LatencyMs,
        unit: 'ms',
        what: 'p95 latency',
        evaluation: policy.evaluation,
        meaning: `One request in twenty takes ${policy.warning.p95LatencyMs} ms or longer.`,
        impact: 'The service is slowing down for many users.',
        mitigation: ['Check saturation and dependencies; hold rollouts until latency recovers.'],
      },
    ];
    if (signals.cpuPercent) {
      specs.push({
        kind: 'warning-cpu',
        source: signals.saturationSource,
        severity: AlarmSeverity.WARNING,
        metric: signals.cpuPercent,
        threshold: policy.warning.cpuPercent,
        unit: '%',
        what: 'CPU utilization',
        evaluation: policy.evaluation,
        meaning: `CPU utilization is at or above ${policy.warning.cpuPercent}%.`,
        impact: 'Little headroom: latency rises and a traffic spike may cause errors.',
        mitigation: ['Scale out (raise desired count or the autoscaling maximum), then find the cause.'],
      });
    }
    if (signals.memoryPercent) {
      specs.push({
        kind: 'warning-memory',
        source: signals.saturationSource,
        severity: AlarmSeverity.WARNING,
        metric: signals.memoryPercent,
        threshold: policy.warning.memoryPercent,
        unit: '%',
        what: 'memory utilization',
        evaluation: policy.evaluation,
        meaning: `Memory utilization is at or above ${policy.warning.memoryPercent}%.`,
        impact: 'Tasks may be killed for running out of memory, dropping in-flight requests.',
        mitigation: ['Look for a leak introduced by a recent release (roll back if so); otherwise raise the memory size.'],
      });
    }

    let rollback: cloudwatch.IAlarm | undefined;
    for (const spec of specs) {
      const alarm = this.alarmFor(spec);
      if (spec.severity === AlarmSeverity.ROLLBACK) {
        rollback = alarm;
      } else if (spec.severity === AlarmSeverity.CRITICAL) {
        this.critical.push(alarm);
      } else {
        this.warning.push(alarm);
      }
    }
    this.rollback = rollback as cloudwatch.IAlarm;
  }

  /** Alarms a deployment should watch to roll back: the rollback trigger and every critical alarm. */
  public get deploymentAlarms(): cloudwatch.IAlarm[] {
    return [this.rollback, ...this.critical];
  }

  private alarmFor(spec: AlarmSpec): cloudwatch.IAlarm {
    const name = `${this.props.namePrefix}-${spec.kind}`;
    const anchor = anchorOf(name);
    const { period, evaluationPeriods, datapointsToAlarm } = spec.evaluation;
    const metric = spec.metric instanceof cloudwatch.MathExpression
      ? spec.metric.with({ period: CdkDuration.seconds(period.toSeconds()) })
      : (spec.metric as cloudwatch.Metric).with({ period: CdkDuration.seconds(period.toSeconds()) });
    const condition = `${spec.what} ≥ ${spec.threshold}${spec.unit === '%' ? '%' : ` ${spec.unit}`} for ${datapointsToAlarm} of ${evaluationPeriods} periods of ${period}`;
    const link = this.props.runbookLink ? this.props.runbookLink(anchor) : anchor;
    const alarm = new cloudwatch.Alarm(this, spec.kind, {
      alarmName: name,
      alarmDescription: `${spec.severity.toUpperCase()}: ${condition} (${spec.source ?? this.props.signals.source}). Runbook: ${link}`,
      metric,
      threshold: spec.threshold,
      // Fires at the threshold, like the Prometheus alerts and Argo analysis of the same policy (>=).
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods,
      datapointsToAlarm,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const topic = spec.severity === AlarmSeverity.WARNING ? this.props.warningTopic : this.props.criticalTopic;
    alarm.addAlarmAction(new actions.SnsAction(topic));
    if (spec.severity !== AlarmSeverity.ROLLBACK) {
      alarm.addOkAction(new actions.SnsAction(topic));
    }
    this.facts.push({
      anchor,
      name,
      severity: spec.severity,
      condition: `${condition}; fires about ${timeToDetect(spec.evaluation)} after the condition starts`,
      missingData: 'not breaching (silence is watched by the dead-man\'s switch)',
      notifies: topicName(topic),
      meaning: spec.meaning,
      impact: spec.impact,
      diagnosis: [
        {
          description: 'See the alarm state and its recent history',
          command: `aws cloudwatch describe-alarm-history --alarm-name ${name} --history-item-type StateUpdate --max-records 5`,
          expected: 'The transitions to ALARM with the datapoints that breached',
        },
        ...(this.props.diagnosis ?? []),
      ],
      mitigation: spec.mitigation,
    });
    return alarm;
  }

  public runbookFacts(): RunbookFacts {
    return {
      alarms: this.facts,
      resources: this.facts.map((f) => ({ type: 'AWS::CloudWatch::Alarm', name: f.name })),
    };
  }
}
