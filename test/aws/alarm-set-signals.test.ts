import { App, Duration as CdkDuration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AlarmSet } from '../../constructs/aws/alarm-set';
import type { ServiceSignals } from '../../constructs/aws/service-signals';
import { resolveAlarmPolicy } from '../../lib/model/alarm-policy';
import { Duration } from '../../lib/model/duration';

// Which metric each alarm of an AlarmSet watches, and what its description says about it. Every
// test builds its own stack, so a change to the construct is judged by the tests that see it.

const metric = (metricName: string, statistic: string, period?: CdkDuration) =>
  new cloudwatch.Metric({ namespace: 'Test', metricName, dimensionsMap: { Service: 'checkout-prod' }, statistic, period });

const SERVICE_RATE = 'IF(requests > 0, 100 * errors / requests, 0)';
const VERSION_RATE = 'IF(newRequests >= 20, 100 * newErrors / newRequests, 0)';

function signals(overrides: Partial<ServiceSignals> = {}): ServiceSignals {
  return {
    errorRatePercent: new cloudwatch.MathExpression({
      expression: SERVICE_RATE,
      usingMetrics: { errors: metric('Errors', 'Sum'), requests: metric('Requests', 'Sum') },
    }),
    latencyP99Ms: metric('Latency', 'p99'),
    latencyP95Ms: metric('Latency', 'p95'),
    requests: metric('Requests', 'Sum'),
    cpuPercent: metric('CPUUtilization', 'Average'),
    memoryPercent: metric('MemoryUtilization', 'Average'),
    heartbeat: metric('CPUUtilization', 'SampleCount'),
    source: 'test signals of checkout-prod',
    ...overrides,
  };
}

function synth(serviceSignals: ServiceSignals) {
  const stack = new Stack(new App(), 'CheckoutProd');
  new AlarmSet(stack, 'Alarms', {
    namePrefix: 'checkout-prod',
    policy: resolveAlarmPolicy({
      rollbackTrigger: {
        baselineErrorRatePercent: 0.5,
        errorRateMultiplier: 3,
        evaluation: { period: Duration.seconds(30), evaluationPeriods: 4, datapointsToAlarm: 2 },
      },
    }),
    signals: serviceSignals,
    criticalTopic: new sns.Topic(stack, 'Critical', { topicName: 'checkout-prod-critical' }),
    warningTopic: new sns.Topic(stack, 'Warning', { topicName: 'checkout-prod-warning' }),
  });
  return { stack, template: Template.fromStack(stack) };
}

/** The alarm named `name`'s CloudFormation properties. */
function alarm(template: Template, name: string): Record<string, unknown> {
  const found = Object.values(template.findResources('AWS::CloudWatch::Alarm', { Properties: { AlarmName: name } }));
  expect(found).toHaveLength(1);
  return found[0].Properties as Record<string, unknown>;
}

/** The math expression an alarm returns (ReturnData true), or undefined for a single-metric alarm. */
const expressionOf = (props: Record<string, unknown>) =>
  (props.Metrics as { Expression?: string; ReturnData?: boolean }[] | undefined)?.find((m) => m.ReturnData)?.Expression;

describe('AlarmSet signals', () => {
  test('without a per-version rate, rollback and paging watch the service-wide rate and name its source alone', () => {
    const { template } = synth(signals());
    for (const name of ['checkout-prod-rollback-error-rate', 'checkout-prod-critical-error-rate', 'checkout-prod-warning-error-rate']) {
      const props = alarm(template, name);
      expect(expressionOf(props)).toBe(SERVICE_RATE);
      expect(props.AlarmDescription).toMatch(/ \(test signals of checkout-prod\)\. Runbook: /);
    }
  });

  test('with a per-version rate, rollback and the critical error-rate alarm watch it and say so; the warning keeps the service-wide rate', () => {
    const versionErrorRatePercent = new cloudwatch.MathExpression({
      expression: VERSION_RATE,
      usingMetrics: { newErrors: metric('NewErrors', 'Sum'), newRequests: metric('NewRequests', 'Sum') },
    });
    const { template } = synth(signals({ versionErrorRatePercent, minimumRequests: 20 }));
    for (const name of ['checkout-prod-rollback-error-rate', 'checkout-prod-critical-error-rate']) {
      const props = alarm(template, name);
      expect(expressionOf(props)).toBe(VERSION_RATE);
      expect(props.AlarmDescription).toContain(
        ' (test signals of checkout-prod; error rate of each version on its own requests (from 20 a period)). Runbook: ',
      );
    }
    const warning = alarm(template, 'checkout-prod-warning-error-rate');
    expect(expressionOf(warning)).toBe(SERVICE_RATE);
    expect(warning.AlarmDescription).toMatch(/ \(test signals of checkout-prod\)\. Runbook: /);
  });

  test('each latency alarm watches its own quantile, and CPU and memory their own metrics', () => {
    const { template } = synth(signals());
    expect(alarm(template, 'checkout-prod-critical-latency-p99')).toMatchObject({ MetricName: 'Latency', ExtendedStatistic: 'p99' });
    expect(alarm(template, 'checkout-prod-warning-latency-p95')).toMatchObject({ MetricName: 'Latency', ExtendedStatistic: 'p95' });
    expect(alarm(template, 'checkout-prod-warning-cpu')).toMatchObject({ MetricName: 'CPUUtilization', Statistic: 'Average' });
    expect(alarm(template, 'checkout-prod-warning-memory')).toMatchObject({ MetricName: 'MemoryUtilization', Statistic: 'Average' });
  });

  // Saturation alarms come as a pair: with only one of the two signals there are neither (an
  // AlarmSet never renders an alarm on a metric it was not given).
  test.each([
    ['CPU only', { memoryPercent: undefined }],
    ['memory only', { cpuPercent: undefined }],
  ])('%s: no saturation alarms', (_, overrides) => {
    const { template } = synth(signals(overrides));
    template.resourceCountIs('AWS::CloudWatch::Alarm', 5);
    template.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmName: Match.stringLikeRegexp('warning-(cpu|memory)') }, 0);
  });

  // A math expression's own metrics are re-periodised with it. aws-cdk-lib would otherwise override
  // metrics that carry an explicit period with a "CloudWatch:Math:MetricsPeriodsOverridden" warning
  // (MathExpression in aws-cdk-lib/aws-cloudwatch/lib/metric.ts) on every alarm whose period differs.
  test('metrics with their own 1-minute period inside a rate are evaluated at the 30 s rollback period, without synth warnings', () => {
    const minute = CdkDuration.minutes(1);
    const { stack, template } = synth(
      signals({
        errorRatePercent: new cloudwatch.MathExpression({
          expression: SERVICE_RATE,
          usingMetrics: { errors: metric('Errors', 'Sum', minute), requests: metric('Requests', 'Sum', minute) },
          period: minute,
        }),
      }),
    );
    const rollback = alarm(template, 'checkout-prod-rollback-error-rate');
    const periods = (rollback.Metrics as { Id: string; MetricStat?: { Period: number } }[])
      .filter((m) => m.MetricStat)
      .map((m) => [m.Id, m.MetricStat?.Period]);
    expect(periods).toEqual([
      ['errors', 30],
      ['requests', 30],
    ]);
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });
});
