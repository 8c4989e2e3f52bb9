/**
 * The metric math of the per-version error rate (see `ServiceSignals.versionErrorRatePercent`),
 * shared by the CloudFormation and Pulumi targets so both render the same alarm (target-free:
 * CloudWatch metric math as text).
 */

/** Requests per period below which a target group's or version's error rate is not judged. */
export const MINIMUM_REQUESTS = 10;

/**
 * The per-target-group metrics the version error rate reads, by query id suffix: the target's own
 * 5xx, and the connections the load balancer could not open to a target (a crashing or resetting
 * task: the load balancer answers those requests with 502/503 itself, which
 * `HTTPCode_Target_5XX_Count` does not count and `HTTPCode_ELB_5XX_Count` has only per load
 * balancer, diluted by the traffic weight).
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
 */
export const TARGET_GROUP_ERROR_METRICS = {
  Errors: 'HTTPCode_Target_5XX_Count',
  ConnectionErrors: 'TargetConnectionErrorCount',
  Requests: 'RequestCount',
} as const;

/**
 * The worst of each target group's own error rate (`tg<i>Errors` + `tg<i>ConnectionErrors` over
 * `tg<i>Requests`) and the load balancer's overall one (`errors` + `elbErrors` over `requests`: a
 * 503 for want of a healthy target belongs to no target group); each counts from
 * `minimumRequests` requests in the period. `RequestCount` counts every request for which the load
 * balancer chose a target, so a failed connection is in the denominator too. `MAX` of an array is
 * the per-datapoint maximum (`MAX` of one series would be a single number).
 */
export function targetGroupErrorRateExpression(targetGroups: number, minimumRequests: number): string {
  const ratios = Array.from(
    { length: targetGroups },
    (_, i) =>
      `IF(FILL(tg${i}Requests, 0) >= ${minimumRequests}, 100 * (FILL(tg${i}Errors, 0) + FILL(tg${i}ConnectionErrors, 0)) / tg${i}Requests, 0)`,
  );
  ratios.push(`IF(FILL(requests, 0) >= ${minimumRequests}, 100 * (FILL(errors, 0) + FILL(elbErrors, 0)) / requests, 0)`);
  return `MAX([${ratios.join(', ')}])`;
}

/** How alarm descriptions name the per-version error rate. */
export function versionErrorRateWording(minimumRequests?: number): string {
  return ` of each version on its own requests${minimumRequests !== undefined ? ` (from ${minimumRequests} a period)` : ''}`;
}

/**
 * The worst of the new Lambda version's own error rate (`newErrors` / `newInvocations`, metrics
 * with the `ExecutedVersion` dimension) and the alias's overall one (`errors` / `invocations`: it
 * covers the previous version); each counts from `minimumRequests` invocations in the period.
 * Alias metrics alone mix both versions while CodeDeploy shifts weights, so a 10% canary's errors
 * would be diluted tenfold.
 */
export function functionVersionErrorRateExpression(minimumRequests: number): string {
  return (
    `MAX([IF(FILL(newInvocations, 0) >= ${minimumRequests}, 100 * FILL(newErrors, 0) / newInvocations, 0), ` +
    `IF(FILL(invocations, 0) >= ${minimumRequests}, 100 * FILL(errors, 0) / invocations, 0)])`
  );
}
