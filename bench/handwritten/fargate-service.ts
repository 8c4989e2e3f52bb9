import { createHash } from 'node:crypto';
import { CfnOutput, Duration, Lazy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { Construct } from 'constructs';
import type { CheckoutEnvironment } from './environments';
import type { ServiceLoadBalancer } from './load-balancer';
import { PORT } from './service-settings';

/** Inputs of `addFargateService`. */
export interface FargateServiceOptions {
  /** `<service>-<environment>`: the service's name. */
  readonly base: string;
  readonly cluster: ecs.ICluster;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly loadBalancer: ServiceLoadBalancer;
  /** Desired count, deployment strategy, autoscaling and TLS. */
  readonly environment: CheckoutEnvironment;
}

/** What `addFargateService` creates that the later sections use. */
export interface CheckoutService {
  readonly service: ecs.FargateService;
  /** Where users reach the service (`https://<domain>` or the load balancer's URL). */
  readonly serviceUrl: string;
}

/**
 * The ECS service and its native deployment, by hand: rolling with the circuit breaker, or
 * blue/green and canary shifting between the two target groups through the listener rules; CPU
 * autoscaling where the environment has it; the URL as an output and, when traffic shifts, a
 * fingerprint of the rules ECS shifts traffic on.
 */
export function addFargateService(scope: Construct, options: FargateServiceOptions): CheckoutService {
  const { environment: env, loadBalancer: lb } = options;
  const { loadBalancer, primary, alternate, productionRule, testRule } = lb;
  const d = env.deployment;
  const service = new ecs.FargateService(scope, 'Service', {
    cluster: options.cluster,
    serviceName: options.base,
    taskDefinition: options.taskDefinition,
    // With autoscaling the scaler owns the count: a deploy must not reset it.
    desiredCount: env.scaling ? undefined : env.desiredCount,
    assignPublicIp: false,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    minHealthyPercent: 100,
    maxHealthyPercent: 200,
    deploymentStrategy: d.strategy,
    bakeTime: d.bakeMinutes !== undefined ? Duration.minutes(d.bakeMinutes) : undefined,
    canaryConfiguration: d.canary
      ? { stepPercent: d.canary.stepPercent, stepBakeTime: Duration.minutes(d.canary.stepBakeMinutes) }
      : undefined,
    circuitBreaker: d.strategy === ecs.DeploymentStrategy.CANARY ? undefined : { enable: true, rollback: true },
    propagateTags: ecs.PropagatedTagSource.SERVICE,
    healthCheckGracePeriod: Duration.seconds(60),
  });
  service.connections.allowFrom(loadBalancer, ec2.Port.tcp(PORT), 'Load balancer to tasks');
  if (alternate && testRule) {
    service
      .loadBalancerTarget({
        containerName: 'app',
        containerPort: PORT,
        alternateTarget: new ecs.AlternateTarget('AlternateTarget', {
          alternateTargetGroup: alternate,
          productionListener: ecs.ListenerRuleConfiguration.applicationListenerRule(productionRule),
          testListener: ecs.ListenerRuleConfiguration.applicationListenerRule(testRule),
        }),
      })
      .attachToApplicationTargetGroup(primary);
  } else {
    service.attachToApplicationTargetGroup(primary);
  }
  service.node.addDependency(productionRule);
  if (env.scaling) {
    service
      .autoScaleTaskCount({ minCapacity: env.scaling.minCount, maxCapacity: env.scaling.maxCount })
      .scaleOnCpuUtilization('CpuScaling', { targetUtilizationPercent: env.scaling.targetCpuPercent });
  }
  const serviceUrl = env.tls ? `https://${env.tls.domainName}` : `http://${loadBalancer.loadBalancerDnsName}`;
  new CfnOutput(scope, 'ServiceUrl', {
    value: serviceUrl,
    description: 'Where users reach the service (the smoke tests in the runbook call it)',
  });
  if (testRule) {
    // Tells a pre-deployment check whether an update would rewrite the rules ECS shifts traffic on.
    new CfnOutput(scope, 'TrafficRouting', {
      description: 'Fingerprint of the listener rules ECS shifts traffic on; a change means the update resets live weights',
      value: Lazy.string({
        produce: () => {
          const rules = [productionRule, testRule].map((r) => {
            const cfn = r.node.defaultChild as elbv2.CfnListenerRule;
            return [cfn.priority, cfn.conditions, cfn.actions];
          });
          return createHash('sha256')
            .update(JSON.stringify(Stack.of(scope).resolve(rules)))
            .digest('hex')
            .slice(0, 16);
        },
      }),
    });
  }
  return { service, serviceUrl };
}
