import { Duration } from '../../../lib/model/duration';
import { AlarmKind, AlarmSeverity, AlarmSignal, ThresholdUnit, type AlarmDefinition } from '../../../lib/plan/alarm-catalogue';
import { cloudWatchAlarmSpecs, deadMansSwitchSpec } from '../../../lib/plan/cloudwatch/alarm-spec';
import {
  ComparisonOperator,
  TreatMissingData,
  isExtendedStatistic,
  isMathSpec,
  type MathSpec,
  type MetricSpec,
  type SignalSpec,
} from '../../../lib/plan/cloudwatch/metric-spec';
import { HEARTBEAT_STATISTIC, containerSignalSpecs, functionSignalSpecs, type SignalSet } from '../../../lib/plan/cloudwatch/signal-specs';
import { alarmSeries, type Datapoint } from '../../aws/support/cloudwatch-alarm-simulator';

/**
 * The CloudWatch signal and alarm specs judged by what they read and compute, every fixture built
 * inside its test (so mutation testing runs only the tests that reach a mutant). Metric names,
 * namespaces, dimensions and statistics are the AWS documentation's:
 * - ALB: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
 *   (`AWS/ApplicationELB`; `RequestCount`, `HTTPCode_Target_5XX_Count`, `HTTPCode_ELB_5XX_Count`,
 *   `TargetConnectionErrorCount` by `LoadBalancer` and `TargetGroup`, statistic Sum; `TargetResponseTime`
 *   in seconds, percentiles allowed)
 * - ECS: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/available-metrics.html
 *   (`AWS/ECS` `CPUUtilization`, `MemoryUtilization` by `ClusterName` and `ServiceName`)
 * - Lambda: https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
 *   (`AWS/Lambda` `Invocations`, `Errors`, `Duration` in milliseconds; `FunctionName`, `Resource` =
 *   `function:alias`, `ExecutedVersion`)
 * - Alarms: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
 *   (`ComparisonOperator`, `TreatMissingData` values; extended statistics are `p0.0`–`p100`)
 * Metric math is evaluated by the CloudWatch model of test/aws/support/cloudwatch-alarm-simulator.ts.
 */

/** A datapoint per metric, keyed `namespace metricName statistic dim=value,...` (dimensions sorted). */
type Feed = Record<string, Datapoint>;
const key = (namespace: string, metricName: string, statistic: string, dimensions: Record<string, string>) =>
  `${namespace} ${metricName} ${statistic} ${Object.entries(dimensions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',')}`;

/** The value CloudWatch computes for a signal from one datapoint of each metric in `feed` (missing: no data). */
function valueOf(signal: SignalSpec<string>, feed: Feed): Datapoint {
  const math: MathSpec<string> = isMathSpec(signal) ? signal : { expression: 'm', label: 'm', usingMetrics: { m: signal } };
  const series = alarmSeries(
    {
      name: 'signal',
      periodSeconds: 60,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      threshold: 0,
      comparison: 'GreaterThanThreshold',
      treatMissingData: 'breaching',
      queries: [
        ...Object.entries(math.usingMetrics).map(([id, m]) => ({
          id,
          metric: { namespace: m.namespace, metricName: m.metricName, dimensions: m.dimensions, stat: m.statistic },
          returnData: false,
        })),
        { id: 'value', expression: math.expression, returnData: true },
      ],
    },
    (metric) => feed[key(metric.namespace, metric.metricName, metric.stat, metric.dimensions)],
    1,
  );
  return series[0];
}

const ELB = 'AWS/ApplicationELB';
const LB = { LoadBalancer: 'app/shop/1' };
const BLUE = { LoadBalancer: 'app/shop/1', TargetGroup: 'targetgroup/blue/1' };
const GREEN = { LoadBalancer: 'app/shop/1', TargetGroup: 'targetgroup/green/2' };
const ECS_SERVICE = { ClusterName: 'shop-prod', ServiceName: 'checkout-prod' };

const containerSpecs = (minimumRequests?: number) =>
  containerSignalSpecs({
    loadBalancer: 'app/shop/1',
    targetGroups: [
      { targetGroup: 'targetgroup/blue/1', loadBalancer: 'app/shop/1' },
      { targetGroup: 'targetgroup/green/2', loadBalancer: 'app/shop/1' },
    ],
    clusterName: 'shop-prod',
    serviceName: 'checkout-prod',
    minimumRequests,
  });

describe('containerSignalSpecs, evaluated', () => {
  test('the service error rate is target plus load-balancer 5xx over RequestCount, in percent', () => {
    const rate = containerSpecs().errorRatePercent;
    // (3 + 1) / 200 = 2 %.
    expect(
      valueOf(rate, {
        [key(ELB, 'RequestCount', 'Sum', LB)]: 200,
        [key(ELB, 'HTTPCode_Target_5XX_Count', 'Sum', LB)]: 3,
        [key(ELB, 'HTTPCode_ELB_5XX_Count', 'Sum', LB)]: 1,
      }),
    ).toBeCloseTo(2, 10);
    // No 5xx datapoints at all (CloudWatch sends none when nothing failed): 0 %, not missing.
    expect(valueOf(rate, { [key(ELB, 'RequestCount', 'Sum', LB)]: 200 })).toBe(0);
    // An idle minute: 0 %, no division by zero.
    expect(valueOf(rate, { [key(ELB, 'RequestCount', 'Sum', LB)]: 0, [key(ELB, 'HTTPCode_ELB_5XX_Count', 'Sum', LB)]: 2 })).toBe(0);
    expect(rate).toMatchObject({ label: 'Error rate (%)' });
  });

  test("the version error rate is the worst target group's own 5xx and failed connections, from the minimum requests", () => {
    const rate = containerSpecs(25).versionErrorRatePercent!;
    const feed = {
      [key(ELB, 'RequestCount', 'Sum', LB)]: 1000,
      [key(ELB, 'HTTPCode_Target_5XX_Count', 'Sum', LB)]: 6,
      [key(ELB, 'HTTPCode_ELB_5XX_Count', 'Sum', LB)]: 0,
      [key(ELB, 'RequestCount', 'Sum', BLUE)]: 950,
      [key(ELB, 'HTTPCode_Target_5XX_Count', 'Sum', BLUE)]: 1,
      [key(ELB, 'RequestCount', 'Sum', GREEN)]: 50,
      [key(ELB, 'HTTPCode_Target_5XX_Count', 'Sum', GREEN)]: 5,
      [key(ELB, 'TargetConnectionErrorCount', 'Sum', GREEN)]: 5,
    };
    // Green: (5 + 5) / 50 = 20 %; blue 1/950; the whole load balancer 6/1000.
    expect(valueOf(rate, feed)).toBeCloseTo(20, 10);
    // Below 25 requests green is not judged: the worst is then the load balancer's 0.6 %.
    expect(valueOf(rate, { ...feed, [key(ELB, 'RequestCount', 'Sum', GREEN)]: 24 })).toBeCloseTo(0.6, 10);
    expect(rate).toMatchObject({ label: 'Error rate of the worst target group (%)' });
  });

  test('the version error rate judges from 10 requests a period when no minimum is given', () => {
    const specs = containerSpecs();
    expect(specs.minimumRequests).toBe(10);
    const feed = {
      [key(ELB, 'RequestCount', 'Sum', GREEN)]: 10,
      [key(ELB, 'HTTPCode_Target_5XX_Count', 'Sum', GREEN)]: 1,
    };
    // 1 of 10: 10 %; with 9 requests it is not judged.
    expect(valueOf(specs.versionErrorRatePercent!, feed)).toBeCloseTo(10, 10);
    expect(valueOf(specs.versionErrorRatePercent!, { ...feed, [key(ELB, 'RequestCount', 'Sum', GREEN)]: 9 })).toBe(0);
  });

  test('latency is TargetResponseTime (seconds) at p99 and p95, in milliseconds', () => {
    const specs = containerSpecs();
    const feed = {
      [key(ELB, 'TargetResponseTime', 'p99', LB)]: 0.25,
      [key(ELB, 'TargetResponseTime', 'p95', LB)]: 0.125,
    };
    expect(valueOf(specs.latencyP99Ms, feed)).toBeCloseTo(250, 10);
    expect(valueOf(specs.latencyP95Ms, feed)).toBeCloseTo(125, 10);
    expect(specs.latencyP99Ms).toMatchObject({ label: 'p99 latency (ms)' });
    expect(specs.latencyP95Ms).toMatchObject({ label: 'p95 latency (ms)' });
  });

  test('requests, CPU, memory and the heartbeat read the load balancer and the ECS service', () => {
    const specs = containerSpecs();
    const metric = (m: SignalSpec<string> | undefined) => m as MetricSpec<string>;
    expect(metric(specs.requests)).toEqual({ namespace: ELB, metricName: 'RequestCount', dimensions: LB, statistic: 'Sum' });
    expect(metric(specs.cpuPercent)).toEqual({
      namespace: 'AWS/ECS',
      metricName: 'CPUUtilization',
      dimensions: ECS_SERVICE,
      statistic: 'Average',
    });
    expect(metric(specs.memoryPercent)).toEqual({
      namespace: 'AWS/ECS',
      metricName: 'MemoryUtilization',
      dimensions: ECS_SERVICE,
      statistic: 'Average',
    });
    // The heartbeat counts CPU samples: ECS sends one a minute while a task runs.
    expect(metric(specs.heartbeat)).toEqual({
      namespace: 'AWS/ECS',
      metricName: 'CPUUtilization',
      dimensions: ECS_SERVICE,
      statistic: 'SampleCount',
    });
    expect(specs.source).toBe('load balancer of ECS service checkout-prod');
    expect(specs.saturationSource).toBe('ECS service checkout-prod in cluster shop-prod');
  });
});

const LAMBDA = 'AWS/Lambda';
const ALIAS = { FunctionName: 'payments-api-prod', Resource: 'payments-api-prod:live' };
const NEW_VERSION = { ...ALIAS, ExecutedVersion: '7' };
const functionSpecs = (extra: { minimumRequests?: number; source?: string } = {}) =>
  functionSignalSpecs({ functionName: 'payments-api-prod', aliasName: 'live', version: '7', ...extra });

describe('functionSignalSpecs, evaluated', () => {
  test("the version error rate is the worst of the new version's own errors and the alias's", () => {
    const rate = functionSpecs().versionErrorRatePercent!;
    const feed = {
      [key(LAMBDA, 'Invocations', 'Sum', NEW_VERSION)]: 20,
      [key(LAMBDA, 'Errors', 'Sum', NEW_VERSION)]: 4,
      [key(LAMBDA, 'Invocations', 'Sum', ALIAS)]: 200,
      [key(LAMBDA, 'Errors', 'Sum', ALIAS)]: 6,
    };
    // New version 4/20 = 20 %; the alias 6/200 = 3 %.
    expect(valueOf(rate, feed)).toBeCloseTo(20, 10);
    // The previous version failing: the alias term, 30/200 = 15 %, with the new version clean.
    expect(
      valueOf(rate, { ...feed, [key(LAMBDA, 'Errors', 'Sum', NEW_VERSION)]: 0, [key(LAMBDA, 'Errors', 'Sum', ALIAS)]: 30 }),
    ).toBeCloseTo(15, 10);
    expect(rate).toMatchObject({ label: 'Error rate of the worst version (%)' });
  });

  test('the version error rate counts from the minimum invocations (10 unless given)', () => {
    const feed = {
      [key(LAMBDA, 'Invocations', 'Sum', NEW_VERSION)]: 12,
      [key(LAMBDA, 'Errors', 'Sum', NEW_VERSION)]: 3,
    };
    expect(functionSpecs().minimumRequests).toBe(10);
    expect(valueOf(functionSpecs().versionErrorRatePercent!, feed)).toBeCloseTo(25, 10);
    expect(functionSpecs({ minimumRequests: 13 }).minimumRequests).toBe(13);
    expect(valueOf(functionSpecs({ minimumRequests: 13 }).versionErrorRatePercent!, feed)).toBe(0);
  });

  test('the alias error rate is Errors over Invocations, 0 in a minute without invocations', () => {
    const rate = functionSpecs().errorRatePercent;
    expect(valueOf(rate, { [key(LAMBDA, 'Invocations', 'Sum', ALIAS)]: 400, [key(LAMBDA, 'Errors', 'Sum', ALIAS)]: 10 })).toBeCloseTo(
      2.5,
      10,
    );
    expect(valueOf(rate, { [key(LAMBDA, 'Invocations', 'Sum', ALIAS)]: 0, [key(LAMBDA, 'Errors', 'Sum', ALIAS)]: 0 })).toBe(0);
    expect(rate).toMatchObject({ label: 'Error rate (%)' });
  });

  test('duration percentiles in milliseconds, invocations as requests and heartbeat, no saturation', () => {
    const specs = functionSpecs();
    const invocations = { namespace: LAMBDA, metricName: 'Invocations', dimensions: ALIAS, statistic: 'Sum' };
    expect(specs.latencyP99Ms).toEqual({ namespace: LAMBDA, metricName: 'Duration', dimensions: ALIAS, statistic: 'p99' });
    expect(specs.latencyP95Ms).toEqual({ namespace: LAMBDA, metricName: 'Duration', dimensions: ALIAS, statistic: 'p95' });
    expect(specs.requests).toEqual(invocations);
    expect(specs.heartbeat).toEqual(invocations);
    expect(specs.cpuPercent).toBeUndefined();
    expect(specs.memoryPercent).toBeUndefined();
    expect(specs.saturationSource).toBeUndefined();
  });

  test('the source names the alias unless given', () => {
    expect(functionSpecs().source).toBe('Lambda alias payments-api-prod:live');
    expect(functionSpecs({ source: 'function URL of payments-api-prod' }).source).toBe('function URL of payments-api-prod');
  });
});

describe('metric-spec helpers', () => {
  // PutMetricAlarm: `Statistic` is one of SampleCount, Average, Sum, Minimum, Maximum; the valid
  // `ExtendedStatistic` values are p90, tm90, tc90, ts90, wm90, IQM, PR(n:m), TC/TM/TS/WM(X%:X%)
  // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
  test('percentiles and the other extended statistics are extended, the five plain statistics are not', () => {
    for (const stat of [
      'p99',
      'p95',
      'p99.9',
      'p0.0',
      'p100',
      'tm90',
      'tc90',
      'ts90',
      'wm90',
      'IQM',
      'PR(0:300)',
      'TM(10%:90%)',
      'WM(25%:75%)',
    ]) {
      expect(isExtendedStatistic(stat)).toBe(true);
    }
    for (const stat of ['Sum', 'Average', 'SampleCount', 'Minimum', 'Maximum']) expect(isExtendedStatistic(stat)).toBe(false);
  });

  test('metric math is told from a metric by its expression', () => {
    expect(isMathSpec({ expression: '1000 * m', label: 'x', usingMetrics: {} })).toBe(true);
    expect(isMathSpec({ namespace: LAMBDA, metricName: 'Errors', dimensions: {}, statistic: 'Sum' })).toBe(false);
  });

  test('comparison and missing-data values are the CloudWatch API strings', () => {
    expect(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD).toBe('GreaterThanOrEqualToThreshold');
    expect(ComparisonOperator.LESS_THAN_THRESHOLD).toBe('LessThanThreshold');
    expect(TreatMissingData.BREACHING).toBe('breaching');
    expect(TreatMissingData.NOT_BREACHING).toBe('notBreaching');
    expect(HEARTBEAT_STATISTIC).toBe('SampleCount');
  });
});

// Alarm definitions written out here, so the expected specs follow from them by hand.
const oneMinute = { period: Duration.minutes(1), evaluationPeriods: 3, datapointsToAlarm: 2 };
function alarm(kind: AlarmKind, severity: AlarmSeverity, signal: AlarmSignal, extra: Partial<AlarmDefinition> = {}): AlarmDefinition {
  return {
    kind,
    severity,
    signal,
    threshold: 5,
    unit: ThresholdUnit.PERCENT,
    what: 'error rate',
    evaluation: oneMinute,
    triggersRollback: false,
    meaning: 'm',
    impact: 'i',
    mitigation: [],
    ...extra,
  };
}
const labels = (extra: Partial<SignalSet<string>> = {}): SignalSet<string> => ({
  errorRatePercent: 'service-rate',
  versionErrorRatePercent: 'version-rate',
  minimumRequests: 10,
  latencyP99Ms: 'p99',
  latencyP95Ms: 'p95',
  requests: 'requests',
  cpuPercent: 'cpu',
  memoryPercent: 'memory',
  heartbeat: 'heartbeat',
  source: 'load balancer L',
  saturationSource: 'service S',
  ...extra,
});

describe('cloudWatchAlarmSpecs, from hand-written alarms', () => {
  test('a rollback trigger reads the version rate, fires at the threshold, and stays silent on OK', () => {
    const [spec] = cloudWatchAlarmSpecs(
      [alarm(AlarmKind.ROLLBACK_ERROR_RATE, AlarmSeverity.ROLLBACK, AlarmSignal.ERROR_RATIO, { triggersRollback: true })],
      labels(),
    );
    expect(spec).toEqual({
      kind: 'rollback-error-rate',
      severity: 'rollback',
      signal: 'version-rate',
      threshold: 5,
      comparison: 'GreaterThanOrEqualToThreshold',
      period: oneMinute.period,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: 'notBreaching',
      description:
        'ROLLBACK: error rate ≥ 5% for 2 of 3 periods of 1m (load balancer L; error rate of each version on its own requests (from 10 a period))',
      notifiesOk: false,
    });
  });

  test('without a version rate the trigger reads the service rate and says nothing of versions', () => {
    const [spec] = cloudWatchAlarmSpecs(
      [alarm(AlarmKind.ROLLBACK_ERROR_RATE, AlarmSeverity.ROLLBACK, AlarmSignal.ERROR_RATIO, { triggersRollback: true })],
      labels({ versionErrorRatePercent: undefined }),
    );
    expect(spec.signal).toBe('service-rate');
    expect(spec.description).toBe('ROLLBACK: error rate ≥ 5% for 2 of 3 periods of 1m (load balancer L)');
  });

  test('a version rate without a stated minimum is worded without one', () => {
    const [spec] = cloudWatchAlarmSpecs(
      [alarm(AlarmKind.CRITICAL_ERROR_RATE, AlarmSeverity.CRITICAL, AlarmSignal.ERROR_RATIO, { triggersRollback: true })],
      labels({ minimumRequests: undefined }),
    );
    expect(spec.description).toBe(
      'CRITICAL: error rate ≥ 5% for 2 of 3 periods of 1m (load balancer L; error rate of each version on its own requests)',
    );
    expect(spec.notifiesOk).toBe(true);
  });

  test('an error-rate alarm that does not roll back reads the service-wide rate of the source', () => {
    const [spec] = cloudWatchAlarmSpecs([alarm(AlarmKind.WARNING_ERROR_RATE, AlarmSeverity.WARNING, AlarmSignal.ERROR_RATIO)], labels());
    expect(spec.signal).toBe('service-rate');
    expect(spec.description).toBe('WARNING: error rate ≥ 5% for 2 of 3 periods of 1m (load balancer L)');
    expect(spec.notifiesOk).toBe(true);
  });

  test('latency reads the quantile it names: p99 or p95', () => {
    const latency = (quantile: number) =>
      alarm(AlarmKind.WARNING_LATENCY_P95, AlarmSeverity.WARNING, AlarmSignal.LATENCY, {
        quantile,
        threshold: 800,
        unit: ThresholdUnit.MILLISECONDS,
        what: 'latency',
      });
    const [p99, p95] = cloudWatchAlarmSpecs([latency(0.99), latency(0.95)], labels());
    expect([p99.signal, p95.signal]).toEqual(['p99', 'p95']);
    expect(p95.description).toBe('WARNING: latency ≥ 800 ms for 2 of 3 periods of 1m (load balancer L)');
    expect(p95.threshold).toBe(800);
  });

  test('CPU and memory read their signals from the saturation source, or the source without one', () => {
    const cpu = alarm(AlarmKind.WARNING_CPU, AlarmSeverity.WARNING, AlarmSignal.CPU, { what: 'CPU', threshold: 80 });
    const memory = alarm(AlarmKind.WARNING_MEMORY, AlarmSeverity.WARNING, AlarmSignal.MEMORY, { what: 'memory', threshold: 90 });
    const [c, m] = cloudWatchAlarmSpecs([cpu, memory], labels());
    expect([c.signal, m.signal]).toEqual(['cpu', 'memory']);
    expect(m.description).toBe('WARNING: memory ≥ 90% for 2 of 3 periods of 1m (service S)');
    const [c2] = cloudWatchAlarmSpecs([cpu], labels({ saturationSource: undefined }));
    expect(c2.description).toBe('WARNING: CPU ≥ 80% for 2 of 3 periods of 1m (load balancer L)');
  });

  test('a saturation alarm over signals without memory fails, naming the alarm and the signal', () => {
    const memory = alarm(AlarmKind.WARNING_MEMORY, AlarmSeverity.WARNING, AlarmSignal.MEMORY, { what: 'memory' });
    expect(() => cloudWatchAlarmSpecs([memory], labels({ memoryPercent: undefined }))).toThrow(
      'alarm "warning-memory" reads memory, which these signals do not provide; leave saturation alarms out of the catalogue',
    );
  });

  test("the dead-man's switch is not a threshold alarm here", () => {
    const heartbeat = alarm(AlarmKind.DEAD_MANS_SWITCH, AlarmSeverity.CRITICAL, AlarmSignal.HEARTBEAT, {
      missingFor: Duration.minutes(5),
    });
    expect(() => cloudWatchAlarmSpecs([heartbeat], labels())).toThrow(
      '"dead-mans-switch" is not a threshold alarm; the dead-man\'s switch is rendered by deadMansSwitchSpec',
    );
  });

  test('a latency quantile without a signal fails with the fix', () => {
    const p50 = alarm(AlarmKind.WARNING_LATENCY_P95, AlarmSeverity.WARNING, AlarmSignal.LATENCY, { quantile: 0.5 });
    expect(() => cloudWatchAlarmSpecs([p50], labels())).toThrow(
      'alarm "warning-latency-p95" reads latency quantile 0.5; CloudWatch signals carry p99 and p95: add the quantile to lib/plan/cloudwatch/signal-specs.ts',
    );
  });
});

test('deadMansSwitchSpec: under 1 sample a minute for N minutes pages, missing data breaching', () => {
  expect(deadMansSwitchSpec('checkout-prod-dead-mans-switch', 'hb', 'Glidepath/Heartbeat', 7)).toEqual({
    kind: 'checkout-prod-dead-mans-switch',
    severity: 'critical',
    signal: 'hb',
    threshold: 1,
    comparison: 'LessThanThreshold',
    period: Duration.minutes(1),
    evaluationPeriods: 7,
    datapointsToAlarm: 7,
    treatMissingData: 'breaching',
    description: 'CRITICAL: no heartbeat (Glidepath/Heartbeat) for 7 minutes',
    notifiesOk: true,
  });
});
