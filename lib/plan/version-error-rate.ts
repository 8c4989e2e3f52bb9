/**
 * The metric math of the per-version error rate (see `ServiceSignals.versionErrorRatePercent`),
 * shared by the CloudFormation and Pulumi targets so both render the same alarm (target-free:
 * CloudWatch metric math as text).
 */

/** Requests per period below which a target group's or version's error rate is not judged. */
export const MINIMUM_REQUESTS = 10;

/**
 * The worst of each target group's own error rate (`tg<i>Errors` / `tg<i>Requests`) and the load
 * balancer's overall one (`errors` + `elbErrors` over `requests`: a 503 for want of a healthy
 * target belongs to no target group); each counts from `minimumRequests` requests in the period.
 * `MAX` of an array is the per-datapoint maximum (`MAX` of one series would be a single number).
 */
export function targetGroupErrorRateExpression(targetGroups: number, minimumRequests: number): string {
  const ratios = Array.from(
    { length: targetGroups },
    (_, i) => `IF(FILL(tg${i}Requests, 0) >= ${minimumRequests}, 100 * FILL(tg${i}Errors, 0) / tg${i}Requests, 0)`,
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
