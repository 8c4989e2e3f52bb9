import type { MetricFeed, MetricRef } from '../cloudwatch-alarm-simulator';
import { drawMinute, type FailureProfile, type MinuteCounts } from './traffic';

/**
 * Turns a release timeline (the share of production traffic on the new version, minute by minute)
 * into the CloudWatch metrics the alarms read, with Poisson arrivals. ALB: per target group
 * `RequestCount`, `HTTPCode_Target_5XX_Count` and `TargetConnectionErrorCount`; per load balancer
 * the sums plus `HTTPCode_ELB_5XX_Count` (the 502s it answers for failed connections). Lambda:
 * `Invocations` and `Errors` of the alias and, with `ExecutedVersion`, of the new version. A count
 * of zero publishes no datapoint (ALB and Lambda behaviour).
 *
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
 * @see https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
 */
export interface ReleaseTraffic {
  /** Requests per minute on the whole service. */
  readonly ratePerMinute: number;
  /** % of production on the new version in minute i. */
  readonly newPercent: (minute: number) => number;
  /** Target group (0 primary, 1 alternate) of the new version; undefined: one group for both (rolling). */
  readonly newGroup?: 0 | 1;
  readonly stable: FailureProfile;
  readonly candidate: FailureProfile;
  readonly random: () => number;
}

/** Minute-by-minute counts per version, drawn once so every metric of a minute agrees. */
export function releaseFeed(traffic: ReleaseTraffic): MetricFeed {
  const minutes: { stable: MinuteCounts; candidate: MinuteCounts }[] = [];
  const at = (i: number) => {
    while (minutes.length <= i) {
      const m = minutes.length;
      const share = traffic.newPercent(m) / 100;
      minutes.push({
        candidate: drawMinute(traffic.ratePerMinute * share, traffic.candidate, traffic.random),
        stable: drawMinute(traffic.ratePerMinute * (1 - share), traffic.stable, traffic.random),
      });
    }
    return minutes[i];
  };
  const sum = (a: MinuteCounts, b: MinuteCounts): MinuteCounts => ({
    requests: a.requests + b.requests,
    targetErrors: a.targetErrors + b.targetErrors,
    connectionErrors: a.connectionErrors + b.connectionErrors,
  });
  const none = (n: number) => (n === 0 ? undefined : n);
  return (metric: MetricRef, i: number) => {
    const m = at(i);
    const all = sum(m.stable, m.candidate);
    if (metric.namespace === 'AWS/ApplicationELB') {
      const group = metric.dimensions.TargetGroup;
      let c: MinuteCounts;
      if (group === undefined) c = all;
      else if (traffic.newGroup === undefined) c = all;
      else {
        const alternate = /alternate/i.test(group);
        c = (alternate ? 1 : 0) === traffic.newGroup ? m.candidate : m.stable;
      }
      switch (metric.metricName) {
        case 'RequestCount':
          return none(c.requests);
        case 'HTTPCode_Target_5XX_Count':
          return none(c.targetErrors);
        case 'TargetConnectionErrorCount':
          return none(c.connectionErrors);
        case 'HTTPCode_ELB_5XX_Count':
          return group === undefined ? none(all.connectionErrors) : undefined;
        default:
          throw new Error(`metric ${metric.metricName} is not fed`);
      }
    }
    if (metric.namespace === 'AWS/Lambda') {
      const c = metric.dimensions.ExecutedVersion !== undefined ? m.candidate : all;
      if (metric.metricName === 'Invocations') return none(c.requests);
      if (metric.metricName === 'Errors') return none(c.targetErrors + c.connectionErrors);
    }
    throw new Error(`metric ${metric.namespace}/${metric.metricName} is not fed`);
  };
}
