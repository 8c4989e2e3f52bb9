import { Duration as CdkDuration } from 'aws-cdk-lib/core';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { anchorOf } from '../../lib/runbook/anchors';
import { topicName } from './private/literal-names';
import { deadMansSwitchFact } from '../../lib/runbook/platforms/cloudwatch-alarms';
import { type IRunbookContributor, type RunbookCommand, type RunbookFacts } from '../../lib/runbook/facts';
import { awsCliOf } from './private/aws-cli';
import { AlarmPublishAction } from './private/alarm-publish';
import { cdkAlarmCondition } from './private/cloudwatch-metric';
import { deadMansSwitchSpec } from '../../lib/plan/cloudwatch/alarm-spec';
import { HEARTBEAT_STATISTIC } from '../../lib/plan/cloudwatch/signal-specs';

/** Props for `DeadMansSwitch`. */
export interface DeadMansSwitchProps {
  /** Physical alarm name, e.g. `checkout-prod-dead-mans-switch`. */
  readonly alarmName: string;
  /** A metric that arrives at least once a minute while the service is alive. */
  readonly heartbeat: cloudwatch.IMetric;
  /** What the heartbeat is, in words, e.g. "ECS CPU samples of checkout-prod". */
  readonly heartbeatDescription: string;
  /** Fire after this many minutes without a datapoint, 1 to 1440. @default 5 */
  readonly missingMinutes?: number;
  /** Topic that pages. */
  readonly topic: sns.ITopic;
  /** Turns the alarm's anchor into a runbook link. @default - the anchor alone */
  readonly runbookLink?: (anchor: string) => string;
  /** Commands that show why the heartbeat stopped. @default - none */
  readonly diagnosis?: readonly RunbookCommand[];
}

/**
 * Alerts when a service goes silent: no heartbeat datapoint for N minutes. Missing data is
 * breaching, so the alarm fires precisely when nothing arrives (a crashed service, a broken metrics
 * pipeline or a scaled-to-zero deployment), which ordinary threshold alarms cannot see.
 */
export class DeadMansSwitch extends Construct implements IRunbookContributor {
  /** The alarm. */
  public readonly alarm: cloudwatch.Alarm;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: DeadMansSwitchProps,
  ) {
    super(scope, id);
    const minutes = props.missingMinutes ?? 5;
    // CloudWatch evaluates at most one day of 1-minute periods (EvaluationPeriods × Period ≤ 86400 s).
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) {
      throw new Error(
        `DeadMansSwitch 'missingMinutes' (${minutes}) must be a whole number of minutes from 1 to 1440 (one day, the longest CloudWatch evaluates at 1-minute periods)`,
      );
    }
    // The switch counts samples per minute; a math expression has no samples and would silently
    // alarm on its value instead.
    if (!(props.heartbeat instanceof cloudwatch.Metric)) {
      throw new Error(
        `DeadMansSwitch 'heartbeat' must be a plain cloudwatch.Metric, not a math expression: the switch counts its samples each minute`,
      );
    }
    const spec = deadMansSwitchSpec(props.alarmName, props.heartbeat, props.heartbeatDescription, minutes);
    this.alarm = new cloudwatch.Alarm(this, 'Resource', {
      alarmName: props.alarmName,
      alarmDescription: `${spec.description}. Runbook: ${this.link()}`,
      metric: spec.signal.with({ period: CdkDuration.seconds(spec.period.toSeconds()), statistic: HEARTBEAT_STATISTIC }),
      ...cdkAlarmCondition(spec),
    });
    this.alarm.addAlarmAction(new AlarmPublishAction(props.topic));
    if (spec.notifiesOk) {
      this.alarm.addOkAction(new AlarmPublishAction(props.topic));
    }
    this.minutes = minutes;
  }

  private readonly minutes: number;

  private link(): string {
    const anchor = anchorOf(this.props.alarmName);
    return this.props.runbookLink ? this.props.runbookLink(anchor) : anchor;
  }

  public runbookFacts(): RunbookFacts {
    const name = this.props.alarmName;
    return {
      alarms: [
        deadMansSwitchFact({
          name,
          heartbeatDescription: this.props.heartbeatDescription,
          minutes: this.minutes,
          topic: topicName(this.props.topic),
          aws: awsCliOf(this),
          diagnosis: this.props.diagnosis,
        }),
      ],
      resources: [{ type: 'AWS::CloudWatch::Alarm', name }],
    };
  }
}
