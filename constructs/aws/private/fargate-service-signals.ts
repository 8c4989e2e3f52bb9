import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { containerSignalSpecs } from '../../../lib/plan/cloudwatch/signal-specs';
import type { ServiceSignals } from '../service-signals';
import { cdkSignalsOf } from './cdk-signals';

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
 * Health signals of a Fargate service for alarms and dashboards, as the plan specifies them
 * (`containerSignalSpecs`): error rate of the service and of its worst target group, latency and
 * requests from the load balancer; CPU, memory and the heartbeat from ECS.
 */
export function fargateServiceSignals(sources: FargateSignalSources): ServiceSignals {
  return cdkSignalsOf(
    containerSignalSpecs({
      loadBalancer: sources.loadBalancer.loadBalancerFullName,
      targetGroups: sources.targetGroups.map((group) => ({
        targetGroup: group.targetGroupFullName,
        loadBalancer: group.firstLoadBalancerFullName,
      })),
      clusterName: sources.clusterName,
      serviceName: sources.serviceName,
      minimumRequests: sources.minimumRequests,
    }),
  );
}
