import type * as pulumi from '@pulumi/pulumi';
import type { AlarmPolicy, Evaluation } from '../../../lib/model/alarm-policy';
import { AlarmSignal, alarmCatalogue, describeCondition, type AlarmDefinition } from '../../../lib/plan/alarm-catalogue';
import type { AlarmSeverity } from '../../../lib/runbook/facts';
import {
  MINIMUM_REQUESTS,
  functionVersionErrorRateExpression,
  TARGET_GROUP_ERROR_METRICS,
  targetGroupErrorRateExpression,
  versionErrorRateWording,
} from '../../../lib/plan/version-error-rate';

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
  /** `TargetGroupFullName` of each target group (`targetgroup/<name>/<id>`), primary first. */
  readonly targetGroupFullNames: readonly pulumi.Input<string>[];
  readonly clusterName: string;
  readonly serviceName: string;
  /** Requests a target group needs in a period before its ratio counts (the plan's gate). @default MINIMUM_REQUESTS */
  readonly minimumRequests?: number;
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
  // Rollback and critical alarms judge each target group on its own traffic, as `AlarmSet` does.
  const versionErrorRate = (e: Evaluation): MetricQuery[] => {
    const period = e.period.toSeconds();
    const tgMetric = (id: string, metricName: string, i: number): MetricQuery => ({
      id,
      returnData: false,
      metric: { namespace: ELB, metricName, dimensions: { ...lb, TargetGroup: signals.targetGroupFullNames[i] }, period, stat: 'Sum' },
    });
    return [
      {
        id: 'expr_1',
        expression: targetGroupErrorRateExpression(signals.targetGroupFullNames.length, signals.minimumRequests ?? MINIMUM_REQUESTS),
        label: 'Error rate of the worst target group (%)',
        returnData: true,
      },
      elbMetric('errors', 'HTTPCode_Target_5XX_Count', 'Sum', period),
      elbMetric('elbErrors', 'HTTPCode_ELB_5XX_Count', 'Sum', period),
      elbMetric('requests', 'RequestCount', 'Sum', period),
      ...signals.targetGroupFullNames.flatMap((_, i) =>
        Object.entries(TARGET_GROUP_ERROR_METRICS).map(([suffix, metricName]) => tgMetric(`tg${i}${suffix}`, metricName, i)),
      ),
    ];
  };
  const perVersion = versionErrorRateWording(signals.minimumRequests ?? MINIMUM_REQUESTS);
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
  // Each catalogue alarm, its signal mapped to CloudWatch as `AlarmSet` maps it.
  return alarmCatalogue(policy).map((alarm) => {
    const e = alarm.evaluation as Evaluation;
    switch (alarm.signal) {
      case AlarmSignal.ERROR_RATIO:
        return alarm.triggersRollback
          ? specOf(alarm, `${source}; error rate${perVersion}`, { queries: versionErrorRate(e) })
          : specOf(alarm, source, { queries: errorRate(e) });
      case AlarmSignal.LATENCY:
        return specOf(alarm, source, { queries: latency(alarm.quantile === 0.99 ? 'p99' : 'p95', e) });
      case AlarmSignal.CPU:
        return specOf(alarm, saturation, { metric: ecsMetric('CPUUtilization') });
      default:
        return specOf(alarm, saturation, { metric: ecsMetric('MemoryUtilization') });
    }
  });
}

/** One catalogue alarm with its CloudWatch source, described the way `AlarmSet` describes it. */
function specOf(alarm: AlarmDefinition, source: string, metric: { queries?: MetricQuery[]; metric?: PlainMetric }): AlarmSpec {
  return {
    kind: alarm.kind,
    severity: alarm.severity,
    threshold: alarm.threshold as number,
    evaluation: alarm.evaluation as Evaluation,
    description: `${alarm.severity.toUpperCase()}: ${describeCondition(alarm)} (${source})`,
    ...metric,
  };
}

/** Where a function's metrics come from: the alias that serves traffic, and the version this update publishes. */
export interface FunctionSignals {
  readonly functionName: string;
  readonly aliasName: string;
  /** The version the update publishes (`ExecutedVersion` of its own invocations). */
  readonly version: pulumi.Input<string>;
  /** Invocations a version needs in a period before its ratio counts (the plan's gate). @default MINIMUM_REQUESTS */
  readonly minimumRequests?: number;
}

/**
 * The alarms of a function from an alarm policy, measured on its alias like `AlarmSet` over
 * `ProgressiveFunction.signals`: error rate (metric math), p99 and p95 duration. The rollback and
 * critical error-rate alarms judge the new version on its own invocations (`ExecutedVersion`)
 * as well as the alias as a whole. Functions have no CPU or memory saturation alarms.
 */
export function functionAlarmSpecs(policy: AlarmPolicy, signals: FunctionSignals): AlarmSpec[] {
  const dimensions = { FunctionName: signals.functionName, Resource: `${signals.functionName}:${signals.aliasName}` };
  const lambdaMetric = (id: string, metricName: string, e: Evaluation, executed = false): MetricQuery => ({
    id,
    returnData: false,
    metric: {
      namespace: 'AWS/Lambda',
      metricName,
      dimensions: executed ? { ...dimensions, ExecutedVersion: signals.version } : dimensions,
      period: e.period.toSeconds(),
      stat: 'Sum',
    },
  });
  const errorRate = (e: Evaluation): MetricQuery[] => [
    { id: 'expr_1', expression: 'IF(invocations > 0, 100 * errors / invocations, 0)', label: 'Error rate (%)', returnData: true },
    lambdaMetric('errors', 'Errors', e),
    lambdaMetric('invocations', 'Invocations', e),
  ];
  const versionErrorRate = (e: Evaluation): MetricQuery[] => [
    {
      id: 'expr_1',
      expression: functionVersionErrorRateExpression(signals.minimumRequests ?? MINIMUM_REQUESTS),
      label: 'Error rate of the worst version (%)',
      returnData: true,
    },
    lambdaMetric('newErrors', 'Errors', e, true),
    lambdaMetric('newInvocations', 'Invocations', e, true),
    lambdaMetric('errors', 'Errors', e),
    lambdaMetric('invocations', 'Invocations', e),
  ];
  const duration = (statistic: string): PlainMetric => ({ namespace: 'AWS/Lambda', metricName: 'Duration', dimensions, statistic });
  const source = `Lambda alias ${signals.functionName}:${signals.aliasName}`;
  const perVersion = versionErrorRateWording(signals.minimumRequests ?? MINIMUM_REQUESTS);
  return alarmCatalogue(policy, { saturation: false }).map((alarm) => {
    const e = alarm.evaluation as Evaluation;
    if (alarm.signal !== AlarmSignal.ERROR_RATIO) {
      return specOf(alarm, source, { metric: duration(alarm.quantile === 0.99 ? 'p99' : 'p95') });
    }
    return alarm.triggersRollback
      ? specOf(alarm, `${source}; error rate${perVersion}`, { queries: versionErrorRate(e) })
      : specOf(alarm, source, { queries: errorRate(e) });
  });
}
