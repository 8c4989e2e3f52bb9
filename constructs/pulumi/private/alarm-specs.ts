import type * as pulumi from '@pulumi/pulumi';
import type { AlarmPolicy, Evaluation } from '../../../lib/model/alarm-policy';
import { AlarmSeverity } from '../../../lib/runbook/facts';

/** One query of a CloudWatch metric-math alarm, in the shape `aws.cloudwatch.MetricAlarm` takes. */
export interface MetricQuery {
  readonly id: string;
  readonly expression?: string;
  readonly label?: string;
  readonly returnData: boolean;
  readonly metric?: {
    readonly namespace: string;
    readonly metricName: string;
    readonly dimensions: Record<string, pulumi.Input<string>>;
    readonly period: number;
    readonly stat: string;
  };
}

/** A plain (single-metric) alarm source. */
export interface PlainMetric {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, pulumi.Input<string>>;
  /** `Average`, `Sum`, … or a percentile such as `p99` (CloudWatch's extended statistic). */
  readonly statistic: string;
}

/** One alarm of the policy, rendered the way `AlarmSet` renders it for CloudFormation. */
export interface AlarmSpec {
  /** Suffix of the alarm name: `checkout-prod-<kind>`. */
  readonly kind: string;
  readonly severity: AlarmSeverity;
  readonly threshold: number;
  readonly evaluation: Evaluation;
  /** "error rate ≥ 5% for 3 of 3 periods of 1m (load balancer of ...)", without the runbook link. */
  readonly description: string;
  readonly queries?: readonly MetricQuery[];
  readonly metric?: PlainMetric;
}

/** Where the container service's metrics come from. */
export interface ContainerSignals {
  /** `LoadBalancerFullName` of the Application Load Balancer (`app/<name>/<id>`). */
  readonly loadBalancerFullName: pulumi.Input<string>;
  readonly clusterName: string;
  readonly serviceName: string;
}

const ELB = 'AWS/ApplicationELB';

/**
 * The alarms of a container service from an alarm policy, with the same kinds, thresholds,
 * evaluation, comparison and metric math as `AlarmSet` in `constructs/aws` (the cross-target test
 * compares them with the CloudFormation template).
 */
export function containerAlarmSpecs(policy: AlarmPolicy, signals: ContainerSignals): AlarmSpec[] {
  const lb = { LoadBalancer: signals.loadBalancerFullName };
  const elbMetric = (id: string, metricName: string, stat: string, period: number): MetricQuery => ({
    id,
    returnData: false,
    metric: { namespace: ELB, metricName, dimensions: lb, period, stat },
  });
  const errorRate = (e: Evaluation): MetricQuery[] => {
    const period = e.period.toSeconds();
    return [
      {
        id: 'expr_1',
        expression: 'IF(requests > 0, 100 * (FILL(errors, 0) + FILL(elbErrors, 0)) / requests, 0)',
        label: 'Error rate (%)',
        returnData: true,
      },
      elbMetric('errors', 'HTTPCode_Target_5XX_Count', 'Sum', period),
      elbMetric('elbErrors', 'HTTPCode_ELB_5XX_Count', 'Sum', period),
      elbMetric('requests', 'RequestCount', 'Sum', period),
    ];
  };
  const latency = (statistic: string, e: Evaluation): MetricQuery[] => [
    { id: 'expr_1', expression: `1000 * latency${statistic}`, label: `${statistic} latency (ms)`, returnData: true },
    elbMetric(`latency${statistic}`, 'TargetResponseTime', statistic, e.period.toSeconds()),
  ];
  const ecsMetric = (metricName: string): PlainMetric => ({
    namespace: 'AWS/ECS',
    metricName,
    dimensions: { ClusterName: signals.clusterName, ServiceName: signals.serviceName },
    statistic: 'Average',
  });
  const source = `load balancer of ECS service ${signals.serviceName}`;
  const saturation = `ECS service ${signals.serviceName} in cluster ${signals.clusterName}`;
  const describe = (severity: AlarmSeverity, what: string, threshold: number, unit: string, e: Evaluation, from: string) =>
    `${severity.toUpperCase()}: ${what} ≥ ${threshold}${unit === '%' ? '%' : ` ${unit}`} for ${e.datapointsToAlarm} of ${e.evaluationPeriods} periods of ${e.period} (${from})`;
  const spec = (
    kind: string,
    severity: AlarmSeverity,
    what: string,
    threshold: number,
    unit: string,
    evaluation: Evaluation,
    source_: string,
    metric: { queries?: MetricQuery[]; metric?: PlainMetric },
  ): AlarmSpec => ({ kind, severity, threshold, evaluation, description: describe(severity, what, threshold, unit, evaluation, source_), ...metric });

  const { rollbackTrigger: trigger, critical, warning, evaluation } = policy;
  return [
    spec(
      'rollback-error-rate',
      AlarmSeverity.ROLLBACK,
      `error rate (${trigger.errorRateMultiplier}× the ${trigger.baselineErrorRatePercent}% baseline)`,
      trigger.errorRatePercent,
      '%',
      trigger.evaluation,
      source,
      { queries: errorRate(trigger.evaluation) },
    ),
    spec('critical-error-rate', AlarmSeverity.CRITICAL, 'error rate', critical.errorRatePercent, '%', evaluation, source, { queries: errorRate(evaluation) }),
    spec('critical-latency-p99', AlarmSeverity.CRITICAL, 'p99 latency', critical.p99LatencyMs, 'ms', evaluation, source, { queries: latency('p99', evaluation) }),
    spec('warning-error-rate', AlarmSeverity.WARNING, 'error rate', warning.errorRatePercent, '%', evaluation, source, { queries: errorRate(evaluation) }),
    spec('warning-latency-p95', AlarmSeverity.WARNING, 'p95 latency', warning.p95LatencyMs, 'ms', evaluation, source, { queries: latency('p95', evaluation) }),
    spec('warning-cpu', AlarmSeverity.WARNING, 'CPU utilization', warning.cpuPercent, '%', evaluation, saturation, { metric: ecsMetric('CPUUtilization') }),
    spec('warning-memory', AlarmSeverity.WARNING, 'memory utilization', warning.memoryPercent, '%', evaluation, saturation, { metric: ecsMetric('MemoryUtilization') }),
  ];
}

/** Where a function's metrics come from: the alias that serves traffic. */
export interface FunctionSignals {
  readonly functionName: string;
  readonly aliasName: string;
}

/**
 * The alarms of a function from an alarm policy, measured on its alias like `AlarmSet` over
 * `CanaryFunction.signals`: error rate (metric math), p99 and p95 duration. Functions have no
 * CPU or memory saturation alarms.
 */
export function functionAlarmSpecs(policy: AlarmPolicy, signals: FunctionSignals): AlarmSpec[] {
  const dimensions = { FunctionName: signals.functionName, Resource: `${signals.functionName}:${signals.aliasName}` };
  const lambdaMetric = (id: string, metricName: string): MetricQuery => ({
    id,
    returnData: false,
    metric: { namespace: 'AWS/Lambda', metricName, dimensions, period: 60, stat: 'Sum' },
  });
  const errorRate: MetricQuery[] = [
    { id: 'expr_1', expression: 'IF(invocations > 0, 100 * errors / invocations, 0)', label: 'Error rate (%)', returnData: true },
    lambdaMetric('errors', 'Errors'),
    lambdaMetric('invocations', 'Invocations'),
  ];
  const duration = (statistic: string): PlainMetric => ({ namespace: 'AWS/Lambda', metricName: 'Duration', dimensions, statistic });
  const source = `Lambda alias ${signals.functionName}:${signals.aliasName}`;
  const describe = (severity: AlarmSeverity, what: string, threshold: number, unit: string, e: Evaluation) =>
    `${severity.toUpperCase()}: ${what} ≥ ${threshold}${unit === '%' ? '%' : ` ${unit}`} for ${e.datapointsToAlarm} of ${e.evaluationPeriods} periods of ${e.period} (${source})`;
  const spec = (kind: string, severity: AlarmSeverity, what: string, threshold: number, unit: string, evaluation: Evaluation, metric: { queries?: MetricQuery[]; metric?: PlainMetric }): AlarmSpec => ({
    kind,
    severity,
    threshold,
    evaluation,
    description: describe(severity, what, threshold, unit, evaluation),
    ...metric,
  });
  const { rollbackTrigger: trigger, critical, warning, evaluation } = policy;
  return [
    spec('rollback-error-rate', AlarmSeverity.ROLLBACK, `error rate (${trigger.errorRateMultiplier}× the ${trigger.baselineErrorRatePercent}% baseline)`, trigger.errorRatePercent, '%', trigger.evaluation, { queries: errorRate }),
    spec('critical-error-rate', AlarmSeverity.CRITICAL, 'error rate', critical.errorRatePercent, '%', evaluation, { queries: errorRate }),
    spec('critical-latency-p99', AlarmSeverity.CRITICAL, 'p99 latency', critical.p99LatencyMs, 'ms', evaluation, { metric: duration('p99') }),
    spec('warning-error-rate', AlarmSeverity.WARNING, 'error rate', warning.errorRatePercent, '%', evaluation, { queries: errorRate }),
    spec('warning-latency-p95', AlarmSeverity.WARNING, 'p95 latency', warning.p95LatencyMs, 'ms', evaluation, { metric: duration('p95') }),
  ];
}
