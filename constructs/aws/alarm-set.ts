import { Duration as CdkDuration } from 'aws-cdk-lib/core';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { AlarmPolicy } from '../../lib/model/alarm-policy';
import { anchorOf } from '../../lib/runbook/anchors';
import { alarmCatalogue, type AlarmDefinition } from '../../lib/plan/alarm-catalogue';
import { cloudWatchAlarmSpecs, type CloudWatchAlarmSpec } from '../../lib/plan/cloudwatch/alarm-spec';
import { AlarmSeverity, type AlarmFact, type IRunbookContributor, type RunbookCommand, type RunbookFacts } from '../../lib/runbook/facts';
import { thresholdAlarmFact } from '../../lib/runbook/platforms/cloudwatch-alarms';
import { topicName } from './private/literal-names';
import type { ServiceSignals } from './service-signals';
import { awsCliOf } from './private/aws-cli';
import { AlarmPublishAction } from './private/alarm-publish';
import { cdkAlarmCondition } from './private/cloudwatch-metric';

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

  constructor(
    scope: Construct,
    id: string,
    private readonly props: AlarmSetProps,
  ) {
    super(scope, id);
    const { policy, signals } = props;
    const catalogue = alarmCatalogue(policy, { saturation: signals.cpuPercent !== undefined && signals.memoryPercent !== undefined });
    const specs = cloudWatchAlarmSpecs(catalogue, signals);

    let rollback: cloudwatch.IAlarm | undefined;
    specs.forEach((spec, i) => {
      const alarm = this.alarmFor(catalogue[i], spec);
      if (spec.severity === AlarmSeverity.ROLLBACK) {
        rollback = alarm;
      } else if (spec.severity === AlarmSeverity.CRITICAL) {
        this.critical.push(alarm);
      } else {
        this.warning.push(alarm);
      }
    });
    this.rollback = rollback as cloudwatch.IAlarm;
  }

  /** Alarms a deployment should watch to roll back: the rollback trigger and every critical alarm. */
  public get deploymentAlarms(): cloudwatch.IAlarm[] {
    return [this.rollback, ...this.critical];
  }

  private alarmFor(definition: AlarmDefinition, spec: CloudWatchAlarmSpec<cloudwatch.IMetric>): cloudwatch.IAlarm {
    const name = `${this.props.namePrefix}-${spec.kind}`;
    const anchor = anchorOf(name);
    const link = this.props.runbookLink ? this.props.runbookLink(anchor) : anchor;
    const alarm = new cloudwatch.Alarm(this, spec.kind, {
      alarmName: name,
      alarmDescription: `${spec.description}. Runbook: ${link}`,
      metric: withPeriod(spec.signal, CdkDuration.seconds(spec.period.toSeconds())),
      // Fires at the threshold, like the Prometheus alerts and Argo analysis of the same policy (>=).
      ...cdkAlarmCondition(spec),
    });
    const topic = spec.severity === AlarmSeverity.WARNING ? this.props.warningTopic : this.props.criticalTopic;
    alarm.addAlarmAction(new AlarmPublishAction(topic));
    if (spec.notifiesOk) {
      alarm.addOkAction(new AlarmPublishAction(topic));
    }
    this.facts.push(
      thresholdAlarmFact({ name, alarm: definition, topic: topicName(topic), aws: awsCliOf(this), diagnosis: this.props.diagnosis }),
    );
    return alarm;
  }

  public runbookFacts(): RunbookFacts {
    return {
      alarms: this.facts,
      resources: this.facts.map((f) => ({ type: 'AWS::CloudWatch::Alarm', name: f.name })),
    };
  }
}

/**
 * `metric` measured over `period`. A math expression's own metrics take the period too: aws-cdk-lib's
 * `MathExpression.with({ period })` would override them anyway, with a synth warning per alarm
 * whenever the alarm's period is not the metrics' (e.g. a 2-minute rollback trigger).
 */
function withPeriod(metric: cloudwatch.IMetric, period: CdkDuration): cloudwatch.IMetric {
  if (metric instanceof cloudwatch.MathExpression) {
    return new cloudwatch.MathExpression({
      expression: metric.expression,
      usingMetrics: Object.fromEntries(Object.entries(metric.usingMetrics).map(([id, m]) => [id, withPeriod(m, period)])),
      label: metric.label,
      period,
      searchAccount: metric.searchAccount,
      searchRegion: metric.searchRegion,
    });
  }
  return (metric as cloudwatch.Metric).with({ period });
}
