import { isMathSpec, type MathSpec, type MetricSpec } from '../../../lib/plan/cloudwatch/metric-spec';
import { containerSignalSpecs, functionSignalSpecs, publishedHeartbeatSpec } from '../../../lib/plan/cloudwatch/signal-specs';

// Metric names and dimensions from the AWS documentation:
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
// https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/available-metrics.html
describe('containerSignalSpecs', () => {
  const specs = containerSignalSpecs({
    loadBalancer: 'app/lb/1',
    targetGroups: [
      { targetGroup: 'targetgroup/blue/1', loadBalancer: 'app/lb/1' },
      { targetGroup: 'targetgroup/green/2', loadBalancer: 'app/lb/1' },
    ],
    clusterName: 'checkout-prod',
    serviceName: 'checkout-prod',
    minimumRequests: 25,
  });

  test('the service error rate counts target and load balancer 5xx over all requests, 0 when idle', () => {
    const rate = specs.errorRatePercent as MathSpec;
    expect(rate.expression).toBe('IF(requests > 0, 100 * (FILL(errors, 0) + FILL(elbErrors, 0)) / requests, 0)');
    expect(Object.fromEntries(Object.entries(rate.usingMetrics).map(([id, m]) => [id, [m.namespace, m.metricName, m.statistic]]))).toEqual({
      errors: ['AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', 'Sum'],
      elbErrors: ['AWS/ApplicationELB', 'HTTPCode_ELB_5XX_Count', 'Sum'],
      requests: ['AWS/ApplicationELB', 'RequestCount', 'Sum'],
    });
  });

  test('the version error rate reads each target group on its own, from the minimum requests', () => {
    const rate = specs.versionErrorRatePercent as MathSpec;
    expect(rate.expression).toContain('IF(FILL(tg1Requests, 0) >= 25,');
    expect(rate.usingMetrics.tg1ConnectionErrors).toEqual({
      namespace: 'AWS/ApplicationELB',
      metricName: 'TargetConnectionErrorCount',
      dimensions: { LoadBalancer: 'app/lb/1', TargetGroup: 'targetgroup/green/2' },
      statistic: 'Sum',
    });
    expect(specs.minimumRequests).toBe(25);
  });

  test('latency is TargetResponseTime (seconds) in milliseconds; CPU samples are the heartbeat', () => {
    const p99 = specs.latencyP99Ms as MathSpec;
    expect(p99.expression).toBe('1000 * latencyp99');
    expect(p99.usingMetrics.latencyp99).toMatchObject({ metricName: 'TargetResponseTime', statistic: 'p99' });
    expect(specs.heartbeat).toEqual({
      namespace: 'AWS/ECS',
      metricName: 'CPUUtilization',
      dimensions: { ClusterName: 'checkout-prod', ServiceName: 'checkout-prod' },
      statistic: 'SampleCount',
    });
    expect(isMathSpec(specs.cpuPercent!)).toBe(false);
  });
});

describe('functionSignalSpecs', () => {
  const specs = functionSignalSpecs({ functionName: 'payments-api-prod', aliasName: 'live', version: '7' });

  test('the new version is judged on its own invocations (ExecutedVersion), the alias covers the previous one', () => {
    const rate = specs.versionErrorRatePercent as MathSpec;
    expect(rate.usingMetrics.newErrors.dimensions).toEqual({
      FunctionName: 'payments-api-prod',
      Resource: 'payments-api-prod:live',
      ExecutedVersion: '7',
    });
    expect(rate.usingMetrics.invocations.dimensions).toEqual({ FunctionName: 'payments-api-prod', Resource: 'payments-api-prod:live' });
    expect(rate.expression).toContain('>= 10,');
  });

  test('duration percentiles and no saturation signals', () => {
    expect((specs.latencyP95Ms as MetricSpec).statistic).toBe('p95');
    expect(specs.cpuPercent).toBeUndefined();
    expect(specs.source).toBe('Lambda alias payments-api-prod:live');
  });
});

test('publishedHeartbeatSpec: Glidepath/Heartbeat by Service, counted in samples', () => {
  expect(publishedHeartbeatSpec('checkout-prod')).toEqual({
    metric: { namespace: 'Glidepath', metricName: 'Heartbeat', dimensions: { Service: 'checkout-prod' }, statistic: 'SampleCount' },
    description: 'metric Glidepath/Heartbeat (Service=checkout-prod) published by the service',
  });
});
