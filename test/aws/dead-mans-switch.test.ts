import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import { DeadMansSwitch, type DeadMansSwitchProps } from '../../constructs/aws/dead-mans-switch';
import { AlarmSeverity } from '../../lib/runbook/facts';

function build(overrides: Partial<DeadMansSwitchProps> = {}) {
  const stack = new Stack(new App(), 'CheckoutProd');
  const topic = new sns.Topic(stack, 'Critical', { topicName: 'checkout-prod-critical' });
  const sw = new DeadMansSwitch(stack, 'DeadMansSwitch', {
    alarmName: 'checkout-prod-dead-mans-switch',
    heartbeat: new cloudwatch.Metric({
      namespace: 'AWS/ECS',
      metricName: 'CPUUtilization',
      dimensionsMap: { ClusterName: 'checkout-prod', ServiceName: 'checkout-prod' },
      statistic: 'Average',
    }),
    heartbeatDescription: 'ECS CPUUtilization samples of checkout-prod',
    topic,
    runbookLink: (anchor) => `runbooks/checkout-prod.md#${anchor}`,
    ...overrides,
  });
  return { sw, template: () => Template.fromStack(stack) };
}

const built = build();
const template = built.template();

describe('DeadMansSwitch', () => {
  test('fires when fewer than 1 sample arrives per minute for 5 minutes, missing data breaching', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'checkout-prod-dead-mans-switch',
      Namespace: 'AWS/ECS',
      MetricName: 'CPUUtilization',
      Statistic: 'SampleCount',
      Period: 60,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 5,
      TreatMissingData: 'breaching',
    });
  });

  test('pages and clears through the topic; the description links the runbook', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Critical') }],
      OKActions: [{ Ref: Match.stringLikeRegexp('^Critical') }],
      AlarmDescription:
        'CRITICAL: no heartbeat (ECS CPUUtilization samples of checkout-prod) for 5 minutes. Runbook: runbooks/checkout-prod.md#checkout-prod-dead-mans-switch',
    });
  });

  test('evaluation periods follow missingMinutes', () => {
    build({ missingMinutes: 10 }).template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      EvaluationPeriods: 10,
      DatapointsToAlarm: 10,
      TreatMissingData: 'breaching',
    });
  });

  test.each([0, 2.5, -1, 1441])('fails when missingMinutes is %d', (missingMinutes) => {
    expect(() => build({ missingMinutes })).toThrow(
      `DeadMansSwitch 'missingMinutes' (${missingMinutes}) must be a whole number of minutes from 1 to 1440 (one day, the longest CloudWatch evaluates at 1-minute periods)`,
    );
  });

  test('fails when the heartbeat is a math expression, which has no samples to count', () => {
    const heartbeat = new cloudwatch.MathExpression({
      expression: 'm1 * 1',
      usingMetrics: { m1: new cloudwatch.Metric({ namespace: 'N', metricName: 'M' }) },
    });
    expect(() => build({ heartbeat })).toThrow(
      `DeadMansSwitch 'heartbeat' must be a plain cloudwatch.Metric, not a math expression: the switch counts its samples each minute`,
    );
  });

  test('runbook facts describe the alarm as it is in the template', () => {
    const facts = built.sw.runbookFacts();
    expect(facts.resources).toEqual([{ type: 'AWS::CloudWatch::Alarm', name: 'checkout-prod-dead-mans-switch' }]);
    expect(facts.alarms).toHaveLength(1);
    expect(facts.alarms?.[0]).toMatchObject({
      name: 'checkout-prod-dead-mans-switch',
      anchor: 'checkout-prod-dead-mans-switch',
      severity: AlarmSeverity.CRITICAL,
      notifies: 'checkout-prod-critical',
      condition: 'no datapoint of ECS CPUUtilization samples of checkout-prod for 5 consecutive minutes',
    });
    expect(facts.alarms?.[0].missingData).toMatch(/^breaching/);
  });

  // CloudWatch evaluates at most one day: 1440 one-minute periods (PutMetricAlarm, EvaluationPeriods × Period ≤ 86,400 s).
  test.each([1, 1440])('accepts missingMinutes %d, the bounds CloudWatch evaluates', (missingMinutes) => {
    build({ missingMinutes }).template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      EvaluationPeriods: missingMinutes,
      DatapointsToAlarm: missingMinutes,
    });
  });

  test('without a runbook link the description names the anchor alone; the facts count the default 5 minutes', () => {
    const plain = build({ runbookLink: undefined, missingMinutes: undefined });
    plain.template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription:
        'CRITICAL: no heartbeat (ECS CPUUtilization samples of checkout-prod) for 5 minutes. Runbook: checkout-prod-dead-mans-switch',
    });
    expect(plain.sw.runbookFacts().alarms?.[0].condition).toBe(
      'no datapoint of ECS CPUUtilization samples of checkout-prod for 5 consecutive minutes',
    );
  });
});
