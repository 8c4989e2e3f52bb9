import {
  MINIMUM_REQUESTS,
  TARGET_GROUP_ERROR_METRICS,
  functionVersionErrorRateExpression,
  targetGroupErrorRateExpression,
} from '../version-error-rate';
import type { MathSpec, MetricSpec, SignalSpec } from './metric-spec';

/**
 * The health signals of a workload that alarms and dashboards read, of any representation `S`:
 * the CloudWatch specs below, or aws-cdk-lib metrics (`ServiceSignals` in constructs/aws).
 */
export interface SignalSet<S> {
  /** Share of requests that failed, in percent (0–100). */
  readonly errorRatePercent: S;
  /** Error rate of the worst version, each on its own requests. @default - `errorRatePercent` */
  readonly versionErrorRatePercent?: S;
  /** Requests a version needs in one period before `versionErrorRatePercent` counts it. @default - not stated */
  readonly minimumRequests?: number;
  readonly latencyP99Ms: S;
  readonly latencyP95Ms: S;
  /** Requests or invocations per period. */
  readonly requests: S;
  /** CPU utilization in percent, where the platform reports it. @default - none */
  readonly cpuPercent?: S;
  /** Memory utilization in percent, where the platform reports it. @default - none */
  readonly memoryPercent?: S;
  /** A metric that arrives every minute while the workload runs (the dead-man's switch counts its samples). */
  readonly heartbeat: S;
  /** Where the signals come from, in words, e.g. "load balancer of ECS service checkout-prod". */
  readonly source: string;
  /** Where CPU and memory come from, when not from `source`. @default - `source` */
  readonly saturationSource?: string;
}

/** Where a Fargate service behind an Application Load Balancer is measured (dimension values of type `V`). */
export interface ContainerSignalSources<V> {
  /** `LoadBalancer` dimension: the load balancer's full name (`app/<name>/<id>`). */
  readonly loadBalancer: V;
  /** Each target group, primary first (ECS swaps them between deployments): its `TargetGroup` and `LoadBalancer` dimensions. */
  readonly targetGroups: readonly { readonly targetGroup: V; readonly loadBalancer: V }[];
  /** Literal name of the cluster. */
  readonly clusterName: string;
  /** Physical name of the ECS service. */
  readonly serviceName: string;
  /** Requests a target group needs in a period before its own error rate counts. @default MINIMUM_REQUESTS */
  readonly minimumRequests?: number;
}

const ELB = 'AWS/ApplicationELB';

/**
 * The signals of a Fargate service: error rate of the service and of its worst target group,
 * latency and requests from the load balancer; CPU, memory and the heartbeat (CPU samples) from ECS.
 */
export function containerSignalSpecs<V>(sources: ContainerSignalSources<V>): SignalSet<SignalSpec<V | string>> {
  const lb = { LoadBalancer: sources.loadBalancer };
  const elb = (metricName: string, statistic = 'Sum'): MetricSpec<V> => ({ namespace: ELB, metricName, dimensions: lb, statistic });
  const errors = elb('HTTPCode_Target_5XX_Count');
  const elbErrors = elb('HTTPCode_ELB_5XX_Count');
  const requests = elb('RequestCount');
  const latency = (statistic: string): MathSpec<V> => ({
    expression: `1000 * latency${statistic}`,
    label: `${statistic} latency (ms)`,
    usingMetrics: { [`latency${statistic}`]: elb('TargetResponseTime', statistic) },
  });
  const ecs = (metricName: string, statistic = 'Average'): MetricSpec<string> => ({
    namespace: 'AWS/ECS',
    metricName,
    dimensions: { ClusterName: sources.clusterName, ServiceName: sources.serviceName },
    statistic,
  });
  const minimumRequests = sources.minimumRequests ?? MINIMUM_REQUESTS;
  // Each target group on its own traffic: ECS swaps the two between deployments, so the new
  // version may be behind either; the load balancer as a whole adds its own 5xx (no healthy target).
  const usingMetrics: Record<string, MetricSpec<V>> = { errors, elbErrors, requests };
  sources.targetGroups.forEach((group, i) => {
    for (const [suffix, metricName] of Object.entries(TARGET_GROUP_ERROR_METRICS)) {
      usingMetrics[`tg${i}${suffix}`] = {
        namespace: ELB,
        metricName,
        dimensions: { LoadBalancer: group.loadBalancer, TargetGroup: group.targetGroup },
        statistic: 'Sum',
      };
    }
  });
  return {
    // Target and load balancer 5xx both fail users; an idle service has no error rate.
    errorRatePercent: {
      expression: 'IF(requests > 0, 100 * (FILL(errors, 0) + FILL(elbErrors, 0)) / requests, 0)',
      label: 'Error rate (%)',
      usingMetrics: { errors, elbErrors, requests },
    },
    versionErrorRatePercent: {
      expression: targetGroupErrorRateExpression(sources.targetGroups.length, minimumRequests),
      label: 'Error rate of the worst target group (%)',
      usingMetrics,
    },
    minimumRequests,
    latencyP99Ms: latency('p99'),
    latencyP95Ms: latency('p95'),
    requests,
    cpuPercent: ecs('CPUUtilization'),
    memoryPercent: ecs('MemoryUtilization'),
    heartbeat: ecs('CPUUtilization', 'SampleCount'),
    source: `load balancer of ECS service ${sources.serviceName}`,
    saturationSource: `ECS service ${sources.serviceName} in cluster ${sources.clusterName}`,
  };
}

/** Where a Lambda function behind an alias is measured. */
export interface FunctionSignalSources<V> {
  /** `FunctionName` dimension. */
  readonly functionName: string;
  /** The alias that serves traffic (`Resource` = `<function>:<alias>`). */
  readonly aliasName: string;
  /** The version this update publishes (`ExecutedVersion` of its own invocations). */
  readonly version: V;
  /** Invocations a version needs in a period before its ratio counts. @default MINIMUM_REQUESTS */
  readonly minimumRequests?: number;
  /** Where the signals come from, in words. @default - "Lambda alias <function>:<alias>" */
  readonly source?: string;
}

/**
 * The signals of a function, measured on its alias: error rate (the alias as a whole, and the worst
 * of the new version on its own invocations and the alias), p99/p95 duration, invocations (also
 * the heartbeat). Functions have no CPU or memory saturation signals.
 */
export function functionSignalSpecs<V>(sources: FunctionSignalSources<V>): SignalSet<SignalSpec<V | string>> {
  const dimensions = { FunctionName: sources.functionName, Resource: `${sources.functionName}:${sources.aliasName}` };
  const lambda = (metricName: string, statistic = 'Sum'): MetricSpec<string> => ({
    namespace: 'AWS/Lambda',
    metricName,
    dimensions,
    statistic,
  });
  // The version this update deploys, on its own invocations: alias metrics mix both versions
  // while CodeDeploy shifts weights, so a 10% canary's errors would be diluted tenfold.
  const executed = (metricName: string): MetricSpec<V | string> => ({
    namespace: 'AWS/Lambda',
    metricName,
    dimensions: { ...dimensions, ExecutedVersion: sources.version },
    statistic: 'Sum',
  });
  const invocations = lambda('Invocations');
  const minimumRequests = sources.minimumRequests ?? MINIMUM_REQUESTS;
  return {
    versionErrorRatePercent: {
      // MAX of an array is the per-datapoint maximum; the alias term covers the previous version.
      expression: functionVersionErrorRateExpression(minimumRequests),
      label: 'Error rate of the worst version (%)',
      usingMetrics: { newErrors: executed('Errors'), newInvocations: executed('Invocations'), errors: lambda('Errors'), invocations },
    },
    minimumRequests,
    errorRatePercent: {
      // Without the guard a minute with zero invocations divides by zero.
      expression: 'IF(invocations > 0, 100 * errors / invocations, 0)',
      label: 'Error rate (%)',
      usingMetrics: { errors: lambda('Errors'), invocations },
    },
    latencyP99Ms: lambda('Duration', 'p99'),
    latencyP95Ms: lambda('Duration', 'p95'),
    requests: invocations,
    heartbeat: invocations,
    source: sources.source ?? `Lambda alias ${sources.functionName}:${sources.aliasName}`,
  };
}

/**
 * The heartbeat a service publishes itself (dead-man's switch source `heartbeat`): metric
 * `Glidepath/Heartbeat` with dimension `Service`, and how alarms describe it.
 */
export function publishedHeartbeatSpec(service: string): { readonly metric: MetricSpec<string>; readonly description: string } {
  return {
    metric: { namespace: 'Glidepath', metricName: 'Heartbeat', dimensions: { Service: service }, statistic: HEARTBEAT_STATISTIC },
    description: `metric Glidepath/Heartbeat (Service=${service}) published by the service`,
  };
}

/** The dead-man's switch counts a heartbeat's samples per minute, whatever the metric's own statistic. */
export const HEARTBEAT_STATISTIC = 'SampleCount';
