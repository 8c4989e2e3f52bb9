import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { MINIMUM_REQUESTS, TARGET_GROUP_ERROR_METRICS, targetGroupErrorRateExpression } from '../../../lib/plan/version-error-rate';
import type { ServiceSignals } from '../service-signals';

/** What the signals of a Fargate service behind a load balancer are read from. */
export interface FargateSignalSources {
  /** The load balancer users reach the service through. */
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** Its target groups (ECS swaps them between deployments). */
  readonly targetGroups: readonly elbv2.ApplicationTargetGroup[];
  /** Literal name of the cluster. */
  readonly clusterName: string;
  /** Physical name of the ECS service. */
  readonly serviceName: string;
  /** Requests a target group needs in one period before its own error rate counts. @default MINIMUM_REQUESTS */
  readonly minimumRequests?: number;
}

/**
 * Health signals of a Fargate service for alarms and dashboards: error rate of the service and of
 * its worst target group, latency and requests from the load balancer; CPU, memory and the
 * heartbeat from ECS.
 */
export function fargateServiceSignals(sources: FargateSignalSources): ServiceSignals {
  const lb = sources.loadBalancer.metrics;
  const errors = lb.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { statistic: 'Sum' });
  const elbErrors = lb.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { statistic: 'Sum' });
  const requests = lb.requestCount({ statistic: 'Sum' });
  const latency = (statistic: string) =>
    new cloudwatch.MathExpression({
      expression: `1000 * latency${statistic}`,
      usingMetrics: { [`latency${statistic}`]: lb.targetResponseTime({ statistic }) },
      label: `${statistic} latency (ms)`,
    });
  const serviceMetric = (metricName: string) =>
    new cloudwatch.Metric({
      namespace: 'AWS/ECS',
      metricName,
      dimensionsMap: { ClusterName: sources.clusterName, ServiceName: sources.serviceName },
      statistic: 'Average',
    });
  const minimumRequests = sources.minimumRequests ?? MINIMUM_REQUESTS;
  // Each target group on its own traffic: ECS swaps the two between deployments, so the new
  // version may be behind either; the load balancer as a whole adds its own 5xx (no healthy target).
  const groups = sources.targetGroups;
  const usingMetrics: Record<string, cloudwatch.IMetric> = { errors, elbErrors, requests };
  groups.forEach((group, i) => {
    for (const [suffix, metricName] of Object.entries(TARGET_GROUP_ERROR_METRICS)) {
      usingMetrics[`tg${i}${suffix}`] = group.metrics.custom(metricName, { statistic: 'Sum' });
    }
  });
  return {
    // Target and load balancer 5xx both fail users; an idle service has no error rate.
    errorRatePercent: new cloudwatch.MathExpression({
      expression: 'IF(requests > 0, 100 * (FILL(errors, 0) + FILL(elbErrors, 0)) / requests, 0)',
      usingMetrics: { errors, elbErrors, requests },
      label: 'Error rate (%)',
    }),
    versionErrorRatePercent: new cloudwatch.MathExpression({
      expression: targetGroupErrorRateExpression(groups.length, minimumRequests),
      usingMetrics,
      label: 'Error rate of the worst target group (%)',
    }),
    minimumRequests,
    latencyP99Ms: latency('p99'),
    latencyP95Ms: latency('p95'),
    requests,
    cpuPercent: serviceMetric('CPUUtilization'),
    memoryPercent: serviceMetric('MemoryUtilization'),
    heartbeat: serviceMetric('CPUUtilization').with({ statistic: 'SampleCount' }),
    source: `load balancer of ECS service ${sources.serviceName}`,
    saturationSource: `ECS service ${sources.serviceName} in cluster ${sources.clusterName}`,
  };
}
