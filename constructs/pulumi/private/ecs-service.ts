import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { Tls } from '../../../lib/model/tls';
import type { ContainerWorkload } from '../../../lib/model/workload';
import type { ServiceDefinition } from '../../../lib/model/service-definition';
import type { ContainerTaskSpec } from '../../../lib/plan/container-task-spec';
import { ecsDeploymentConfiguration, type EcsRolloutPlan } from '../../../lib/plan/rollout/ecs-schedule';
import type { AwsNetworkInput } from './aws-network';
import type { EcsTask } from './ecs-task';
import type { SecretReference } from './generated-secrets';
import type { LoadBalancing } from './load-balancer';
import { createMigration } from './migrations';
import { assumedBy, type AwsContext } from './resource-context';
import { createSmokeHook } from './smoke-hook';

/** What the ECS service of a container workload is built from. */
export interface EcsServiceInput {
  readonly def: ServiceDefinition;
  readonly container: ContainerWorkload;
  readonly plan: EcsRolloutPlan;
  readonly network: AwsNetworkInput;
  readonly spec: ContainerTaskSpec;
  readonly loadBalancing: LoadBalancing;
  readonly task: EcsTask;
  readonly secretArns: readonly SecretReference[];
  /** TLS of the environment; undefined serves HTTP only. */
  readonly tls: Tls | undefined;
  /** Every alarm of the service: the service waits for them, so a deployment never starts unwatched. */
  readonly alarms: readonly aws.cloudwatch.MetricAlarm[];
  /** The alarms that roll an ECS deployment back. */
  readonly deploymentAlarmNames: string[];
}

/**
 * Creates the ECS service with its native deployment configuration (strategy, bake times, the
 * circuit breaker, deployment alarms, the smoke-test lifecycle hook), the expand migrations it
 * waits for, and CPU target tracking when the environment scales.
 */
export function createEcsService(ctx: AwsContext, input: EcsServiceInput): aws.ecs.Service {
  const { names, env, opts, keep, tags, region, id, retentionInDays: logRetentionDays } = ctx;
  const { def, container, network, spec, secretArns, tls, alarms, deploymentAlarmNames } = input;
  const { loadBalancer, serviceSecurityGroup, primary, alternate, productionRule, testRule } = input.loadBalancing;
  const { cluster, executionRole, executionPolicies, taskPolicies, taskDefinition } = input.task;
  const settings = input.plan.settings;
  const deployment = ecsDeploymentConfiguration(settings);
  const shifting = settings.strategy !== 'ROLLING';
  const https = tls !== undefined;
  const lbSpec = spec.loadBalancer;
  const infrastructureRole = alternate
    ? new aws.iam.Role(id('ecs-infrastructure'), { assumeRolePolicy: assumedBy('ecs.amazonaws.com'), tags }, opts)
    : undefined;
  const infrastructureAttachment = infrastructureRole
    ? new aws.iam.RolePolicyAttachment(
        id('ecs-infrastructure'),
        {
          role: infrastructureRole.name,
          policyArn: 'arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers',
        },
        opts,
      )
    : undefined;
  const minutes = (n: number | undefined) => (n === undefined ? undefined : String(n));
  // Expand migrations run as one-off tasks that must exit 0 before the service update starts.
  const migrationRuns = def.migrations.flatMap(
    (m) =>
      createMigration(m, {
        names,
        cluster,
        executionRoleArn: executionRole.arn,
        environment: container.environment ?? {},
        secrets: secretArns,
        subnetIds: network.privateSubnetIds,
        securityGroupIds: [serviceSecurityGroup.id],
        region,
        retentionInDays: logRetentionDays,
        tags,
        opts: { ...opts, dependsOn: executionPolicies },
        keep,
      }) ?? [],
  );
  // Smoke tests from inside the VPC through the test listener, before production traffic moves.
  const smokeHook =
    def.smokeTests && shifting
      ? createSmokeHook(
          def.smokeTests,
          `${names.base}-smoke-tests`,
          {
            loadBalancerFullName: loadBalancer.arnSuffix,
            testPort: lbSpec.testListenerPort,
            tls: https ? { serverName: tls?.domainName } : undefined,
            subnetIds: network.privateSubnetIds,
            vpcId: network.vpcId,
          },
          { retentionInDays: logRetentionDays, tags, opts, keep },
        )
      : undefined;
  const hookRole = smokeHook
    ? new aws.iam.Role(
        id('smoke-tests-ecs'),
        {
          description: `Lets ECS run the smoke tests ${names.base}-smoke-tests during deployments`,
          assumeRolePolicy: assumedBy('ecs.amazonaws.com'),
          tags,
        },
        opts,
      )
    : undefined;
  const hookPolicy =
    smokeHook && hookRole
      ? new aws.iam.RolePolicy(
          id('smoke-tests-ecs'),
          {
            role: hookRole.id,
            policy: pulumi.jsonStringify({
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: smokeHook.arn }],
            }),
          },
          opts,
        )
      : undefined;
  const service = new aws.ecs.Service(
    id('service'),
    {
      name: names.base,
      cluster: cluster.arn,
      taskDefinition: taskDefinition.arn,
      launchType: 'FARGATE',
      desiredCount: env.capacity.desiredCount,
      deploymentMinimumHealthyPercent: settings.minimumHealthyPercent,
      deploymentMaximumPercent: settings.maximumPercent,
      deploymentConfiguration: {
        strategy: deployment.strategy,
        bakeTimeInMinutes: minutes(deployment.bakeMinutes),
        canaryConfiguration: deployment.canary && {
          canaryPercent: deployment.canary.stepPercent,
          canaryBakeTimeInMinutes: minutes(deployment.canary.stepBakeMinutes),
        },
        linearConfiguration: deployment.linear && {
          stepPercent: deployment.linear.stepPercent,
          stepBakeTimeInMinutes: minutes(deployment.linear.stepBakeMinutes),
        },
        lifecycleHooks:
          smokeHook && hookRole
            ? [{ hookTargetArn: smokeHook.arn, roleArn: hookRole.arn, lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }]
            : undefined,
      },
      deploymentCircuitBreaker: deployment.circuitBreaker ? { enable: true, rollback: true } : undefined,
      alarms: deploymentAlarmNames.length > 0 ? { alarmNames: deploymentAlarmNames, enable: true, rollback: true } : undefined,
      loadBalancers: [
        {
          targetGroupArn: primary.arn,
          containerName: spec.container.name,
          containerPort: spec.container.port,
          advancedConfiguration:
            alternate && infrastructureRole
              ? {
                  alternateTargetGroupArn: alternate.arn,
                  productionListenerRule: productionRule.arn,
                  testListenerRule: testRule?.arn,
                  roleArn: infrastructureRole.arn,
                }
              : undefined,
        },
      ],
      networkConfiguration: { subnets: network.privateSubnetIds, securityGroups: [serviceSecurityGroup.id], assignPublicIp: false },
      healthCheckGracePeriodSeconds: spec.healthCheckGracePeriod.toSeconds(),
      propagateTags: 'SERVICE',
      // `pulumi up` returns when the rollout (bake times included) has finished or rolled back, like `cdk deploy`.
      waitForSteadyState: true,
      tags,
    },
    {
      ...opts,
      dependsOn: [
        productionRule,
        ...alarms,
        ...(infrastructureAttachment ? [infrastructureAttachment] : []),
        ...(hookPolicy ? [hookPolicy] : []),
        ...taskPolicies,
        ...migrationRuns,
      ],
      // With autoscaling, an update must not send desiredCount: it would reset the count
      // autoscaling chose (aws/aws-cdk#13130); the first create still starts desiredCount tasks.
      ignoreChanges: env.capacity.scaling ? ['desiredCount'] : [],
    },
  );

  if (env.capacity.scaling) {
    const scaling = env.capacity.scaling;
    const target = new aws.appautoscaling.Target(
      id('scaling'),
      {
        serviceNamespace: 'ecs',
        scalableDimension: 'ecs:service:DesiredCount',
        resourceId: pulumi.interpolate`service/${cluster.name}/${service.name}`,
        minCapacity: scaling.minCount,
        maxCapacity: scaling.maxCount,
      },
      opts,
    );
    new aws.appautoscaling.Policy(
      id('cpu-scaling'),
      {
        policyType: 'TargetTrackingScaling',
        serviceNamespace: target.serviceNamespace,
        scalableDimension: target.scalableDimension,
        resourceId: target.resourceId,
        targetTrackingScalingPolicyConfiguration: {
          targetValue: scaling.targetCpuPercent,
          predefinedMetricSpecification: { predefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        },
      },
      opts,
    );
  }
  return service;
}
