import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/**
 * The health signals of a workload that alarms and dashboards are built from. Each workload
 * construct (`ProgressiveFargateService`, `ProgressiveFunction`, or a user's own) exposes them, so
 * `AlarmSet` and `ServiceDashboard` work the same for containers and functions.
 */
export interface ServiceSignals {
  /** Share of requests that failed, in percent (0–100). */
  readonly errorRatePercent: cloudwatch.IMetric;
  /**
   * Error rate in percent of the worst version serving traffic, each measured on its own requests:
   * during a canary the new version's errors are not diluted by the old version's traffic (ECS:
   * each target group, which ECS swaps between deployments; Lambda: the new version's
   * `ExecutedVersion`). Periods with fewer than `minimumRequests` requests count as 0, so an
   * idle or nearly idle version cannot trip an alarm on one failed request. The rollback and
   * critical error-rate alarms watch it.
   * @default - `errorRatePercent`
   */
  readonly versionErrorRatePercent?: cloudwatch.IMetric;
  /** Requests a version needs in one period before `versionErrorRatePercent` counts it. @default - not stated */
  readonly minimumRequests?: number;
  /** p99 latency in milliseconds. */
  readonly latencyP99Ms: cloudwatch.IMetric;
  /** p95 latency in milliseconds. */
  readonly latencyP95Ms: cloudwatch.IMetric;
  /** Requests or invocations per period. */
  readonly requests: cloudwatch.IMetric;
  /** CPU utilization in percent, where the platform reports it. */
  readonly cpuPercent?: cloudwatch.IMetric;
  /** Memory utilization in percent, where the platform reports it. */
  readonly memoryPercent?: cloudwatch.IMetric;
  /** A metric that arrives every minute while the workload runs: the dead-man's switch watches it. */
  readonly heartbeat: cloudwatch.IMetric;
  /** Human description of where the signals come from, e.g. "ALB target group checkout-prod". */
  readonly source: string;
  /**
   * Where `cpuPercent` and `memoryPercent` come from, when not from `source`, e.g. "ECS service
   * checkout-prod". @default - `source`
   */
  readonly saturationSource?: string;
}
