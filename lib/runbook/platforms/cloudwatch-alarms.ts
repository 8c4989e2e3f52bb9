import { Duration } from '../../model/duration';
import type { Evaluation } from '../../model/alarm-policy';
import { deadMansSwitchAlarm, describeCondition, type AlarmDefinition } from '../../plan/alarm-catalogue';
import { timeToDetect } from '../../plan/timing';
import { anchorOf } from '../anchors';
import type { AwsCli } from '../aws-cli';
import { AlarmSeverity, type AlarmFact, type RunbookCommand } from '../facts';

/** What a CloudWatch threshold alarm's runbook section needs besides its catalogue entry. */
export interface ThresholdAlarmFactInput {
  /** Physical alarm name, e.g. `checkout-prod-critical-error-rate`. */
  readonly name: string;
  readonly alarm: AlarmDefinition;
  /** Name of the topic it notifies, when known. */
  readonly topic?: string;
  readonly aws: AwsCli;
  /** Diagnosis steps of the service, after the alarm's own history. @default - none */
  readonly diagnosis?: readonly RunbookCommand[];
}

/** The runbook section of one CloudWatch threshold alarm of the catalogue (`AlarmSet`, the Pulumi alarms). */
export function thresholdAlarmFact(input: ThresholdAlarmFactInput): AlarmFact {
  const { name, alarm } = input;
  return {
    anchor: anchorOf(name),
    name,
    severity: alarm.severity,
    condition: `${describeCondition(alarm)}; fires about ${timeToDetect(alarm.evaluation as Evaluation)} after the condition starts`,
    missingData: "not breaching (silence is watched by the dead-man's switch)",
    notifies: input.topic,
    meaning: alarm.meaning,
    impact: alarm.impact,
    diagnosis: [
      {
        description: 'See the alarm state and its recent history',
        command: input.aws`cloudwatch describe-alarm-history --alarm-name ${name} --history-item-type StateUpdate --max-records 5`,
        expected: 'JSON, newest first: the transitions to ALARM, with the datapoints that breached in HistoryData',
      },
      ...(input.diagnosis ?? []),
    ],
    mitigation: [...alarm.mitigation],
  };
}

/** What a dead-man's switch's runbook section needs. */
export interface DeadMansSwitchFactInput {
  readonly name: string;
  /** What the heartbeat is, in words, e.g. `ECS CPUUtilization samples of checkout-prod`. */
  readonly heartbeatDescription: string;
  /** Minutes without a datapoint before it fires. */
  readonly minutes: number;
  readonly topic?: string;
  readonly aws: AwsCli;
  /** Diagnosis steps after the alarm's own state. @default - none */
  readonly diagnosis?: readonly RunbookCommand[];
}

/** The runbook section of a CloudWatch dead-man's switch (`DeadMansSwitch`). */
export function deadMansSwitchFact(input: DeadMansSwitchFactInput): AlarmFact {
  const { name } = input;
  const definition = deadMansSwitchAlarm(Duration.minutes(input.minutes));
  return {
    anchor: anchorOf(name),
    name,
    severity: AlarmSeverity.CRITICAL,
    condition: `no datapoint of ${input.heartbeatDescription} for ${input.minutes} consecutive minutes`,
    missingData: 'breaching (this alarm exists to catch silence)',
    notifies: input.topic,
    meaning: definition.meaning,
    impact: definition.impact,
    diagnosis: [
      {
        description: 'Confirm the heartbeat metric really stopped',
        command: input.aws`cloudwatch describe-alarms --alarm-names ${name} --query 'MetricAlarms[0].StateReason' --output text`,
        expected: 'The reason names the missing datapoints',
      },
      ...(input.diagnosis ?? []),
    ],
    mitigation: [...definition.mitigation],
  };
}
