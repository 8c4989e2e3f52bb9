import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AlarmSet, type AlarmSetProps } from '../../constructs/aws/alarm-set';
import type { ServiceSignals } from '../../constructs/aws/service-signals';
import { resolveAlarmPolicy } from '../../lib/model/alarm-policy';
import { Duration } from '../../lib/model/duration';
import { AlarmSeverity } from '../../lib/runbook/facts';

const metric = (metricName: string, statistic = 'Average') =>
  new cloudwatch.Metric({ namespace: 'Test', metricName, dimensionsMap: { Service: 'checkout-prod' }, statistic });

function signals(withSaturation = true): ServiceSignals {
  return {
    errorRatePercent: new cloudwatch.MathExpression({
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: { errors: metric('Errors', 'Sum'), requests: metric('Requests', 'Sum') },
    }),
    latencyP99Ms: metric('Latency', 'p99'),
    latencyP95Ms: metric('Latency', 'p95'),
    requests: metric('Requests', 'Sum'),
    cpuPercent: withSaturation ? metric('CPUUtilization') : undefined,
    memoryPercent: withSaturation ? metric('MemoryUtilization') : undefined,
    heartbeat: metric('CPUUtilization', 'SampleCount'),
    source: 'test signals of checkout-prod',
  };
}

function build(overrides: Partial<AlarmSetProps> = {}) {
  const stack = new Stack(new App(), 'CheckoutProd');
  const criticalTopic = new sns.Topic(stack, 'Critical', { topicName: 'checkout-prod-critical' });
  const warningTopic = new sns.Topic(stack, 'Warning', { topicName: 'checkout-prod-warning' });
  const alarms = new AlarmSet(stack, 'Alarms', {
    namePrefix: 'checkout-prod',
    policy: resolveAlarmPolicy({
      critical: { p99LatencyMs: 3000 },
      warning: { p95LatencyMs: 1200, cpuPercent: 75 },
      rollbackTrigger: {
        baselineErrorRatePercent: 0.5,
        errorRateMultiplier: 3,
        evaluation: { period: Duration.seconds(30), evaluationPeriods: 4, datapointsToAlarm: 2 },
      },
      evaluation: { evaluationPeriods: 5, datapointsToAlarm: 3 },
    }),
    signals: signals(),
    criticalTopic,
    warningTopic,
    runbookLink: (anchor) => `https://runbooks.example.com/checkout-prod.md#${anchor}`,
    ...overrides,
  });
  return { stack, alarms, template: Template.fromStack(stack) };
}

const built = build();
const { template } = built;
const CRITICAL_TOPIC = { Ref: Match.stringLikeRegexp('^Critical') };
const WARNING_TOPIC = { Ref: Match.stringLikeRegexp('^Warning') };

describe('AlarmSet', () => {
  test.each([
    ['checkout-prod-critical-error-rate', 5, CRITICAL_TOPIC],
    ['checkout-prod-critical-latency-p99', 3000, CRITICAL_TOPIC],
    ['checkout-prod-warning-error-rate', 2, WARNING_TOPIC],
    ['checkout-prod-warning-latency-p95', 1200, WARNING_TOPIC],
    ['checkout-prod-warning-cpu', 75, WARNING_TOPIC],
    ['checkout-prod-warning-memory', 80, WARNING_TOPIC],
  ])('%s: threshold %d, 3 of 5 one-minute periods, missing data not breaching, alarm and OK to its topic', (name, threshold, topic) => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: name,
      Threshold: threshold,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
      AlarmActions: [topic],
      OKActions: [topic],
      AlarmDescription: Match.stringLikeRegexp(`Runbook: https://runbooks\\.example\\.com/checkout-prod\\.md#${name}$`),
    });
  });

  test('plain metrics are evaluated on the policy period', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'checkout-prod-warning-cpu', Period: 60, Statistic: 'Average' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'checkout-prod-critical-latency-p99',
      Period: 60,
      ExtendedStatistic: 'p99',
    });
  });

  test('math expressions are evaluated on the policy period too', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'checkout-prod-critical-error-rate',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(requests > 0, 100 * errors / requests, 0)', ReturnData: true }),
        Match.objectLike({ Id: 'errors', MetricStat: Match.objectLike({ Period: 60, Stat: 'Sum' }) }),
      ]),
    });
  });

  test('the rollback alarm fires at baseline × multiplier on its own short evaluation, and pages without an OK action', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'checkout-prod-rollback-error-rate',
      Threshold: 1.5,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 4,
      DatapointsToAlarm: 2,
      TreatMissingData: 'notBreaching',
      AlarmActions: [CRITICAL_TOPIC],
      OKActions: Match.absent(),
      Metrics: Match.arrayWith([Match.objectLike({ Id: 'errors', MetricStat: Match.objectLike({ Period: 30 }) })]),
      AlarmDescription: Match.stringLikeRegexp('^ROLLBACK: .*3× the 0.5% baseline.*≥ 1.5% for 2 of 4 periods of 30s'),
    });
  });

  test('descriptions state severity, condition and source', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'checkout-prod-critical-latency-p99',
      AlarmDescription: Match.stringLikeRegexp(
        '^CRITICAL: p99 latency ≥ 3000 ms for 3 of 5 periods of 1m \\(test signals of checkout-prod\\)\\. Runbook: ',
      ),
    });
  });

  test('CPU and memory alarms name where saturation is measured, when the signals say so', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'checkout-prod-warning-cpu',
      AlarmDescription: Match.stringLikeRegexp(
        '^WARNING: CPU utilization ≥ 75% for 3 of 5 periods of 1m \\(test signals of checkout-prod\\)',
      ),
    });
    const t = build({ signals: { ...signals(), saturationSource: 'ECS service checkout-prod' } }).template;
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'checkout-prod-warning-memory',
      AlarmDescription: Match.stringLikeRegexp(
        '^WARNING: memory utilization ≥ 80% for 3 of 5 periods of 1m \\(ECS service checkout-prod\\)',
      ),
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'checkout-prod-warning-error-rate',
      AlarmDescription: Match.stringLikeRegexp('\\(test signals of checkout-prod\\)'),
    });
  });

  test('every alarm states how to treat missing data', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(7);
    for (const alarm of alarms) {
      expect(alarm.Properties.TreatMissingData).toBe('notBreaching');
    }
  });

  test('groups alarms by severity; deployments watch the rollback and critical alarms', () => {
    const name = (a: cloudwatch.IAlarm) => (a.node.defaultChild as cloudwatch.CfnAlarm).alarmName;
    expect(built.alarms.critical.map(name)).toEqual(['checkout-prod-critical-error-rate', 'checkout-prod-critical-latency-p99']);
    expect(built.alarms.warning.map(name)).toEqual([
      'checkout-prod-warning-error-rate',
      'checkout-prod-warning-latency-p95',
      'checkout-prod-warning-cpu',
      'checkout-prod-warning-memory',
    ]);
    expect(built.alarms.deploymentAlarms.map(name)).toEqual([
      'checkout-prod-rollback-error-rate',
      'checkout-prod-critical-error-rate',
      'checkout-prod-critical-latency-p99',
    ]);
  });

  test('no CPU or memory alarms when the workload has no such signals', () => {
    const t = build({ signals: signals(false) }).template;
    t.resourceCountIs('AWS::CloudWatch::Alarm', 5);
    t.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmName: Match.stringLikeRegexp('warning-(cpu|memory)') }, 0);
  });

  test('without a runbook link function the description carries the anchor', () => {
    build({ runbookLink: undefined }).template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'checkout-prod-warning-cpu',
      AlarmDescription: Match.stringLikeRegexp('Runbook: checkout-prod-warning-cpu$'),
    });
  });

  describe('runbook facts', () => {
    const facts = built.alarms.runbookFacts();

    test('name exactly the alarms in the template', () => {
      const names = Object.values(template.findResources('AWS::CloudWatch::Alarm'))
        .map((a) => a.Properties.AlarmName)
        .sort();
      expect(facts.alarms?.map((a) => a.name).sort()).toEqual(names);
      expect(facts.resources?.map((r) => r.name).sort()).toEqual(names);
      expect(new Set(facts.resources?.map((r) => r.type))).toEqual(new Set(['AWS::CloudWatch::Alarm']));
    });

    test('carry severity, the topic notified and the missing-data rule', () => {
      const byName = new Map(facts.alarms?.map((a) => [a.name, a]));
      expect(byName.get('checkout-prod-rollback-error-rate')).toMatchObject({
        severity: AlarmSeverity.ROLLBACK,
        notifies: 'checkout-prod-critical',
      });
      expect(byName.get('checkout-prod-critical-error-rate')).toMatchObject({
        severity: AlarmSeverity.CRITICAL,
        notifies: 'checkout-prod-critical',
      });
      expect(byName.get('checkout-prod-warning-cpu')).toMatchObject({ severity: AlarmSeverity.WARNING, notifies: 'checkout-prod-warning' });
      for (const alarm of facts.alarms ?? []) {
        expect(alarm.anchor).toBe(alarm.name);
        expect(alarm.missingData).toMatch(/^not breaching/);
        // A stack without a region names the region through AWS_REGION, which the runbook's prerequisites set.
        expect(alarm.diagnosis[0].command).toBe(
          `aws cloudwatch describe-alarm-history --alarm-name ${alarm.name} --history-item-type StateUpdate --max-records 5 --region "$AWS_REGION"`,
        );
      }
    });

    test('the rollback meaning uses the configured multiplier', () => {
      const rollback = facts.alarms?.find((a) => a.severity === AlarmSeverity.ROLLBACK);
      expect(rollback?.meaning).toMatch(/^Errors of the new version reached 3× their normal level \(1.5%\)/);
    });
  });
});
