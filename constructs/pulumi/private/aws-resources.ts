import * as pulumi from '@pulumi/pulumi';
import { HeartbeatSource } from '../../../lib/model/dead-mans-switch';
import { RetentionPolicy, type EnvironmentDefinition } from '../../../lib/model/environment';
import { TlsMode } from '../../../lib/model/tls';
import type { ServiceDefinition } from '../../../lib/model/service-definition';
import { containerTaskInputOf, containerTaskSpec } from '../../../lib/plan/container-task-spec';
import type { EcsRolloutPlan } from '../../../lib/plan/rollout/ecs-schedule';
import { rollbackAlarmMinimumRequests } from '../../../lib/plan/detection/detection-plan';
import type { ResourceNames } from '../../../lib/plan/names';
import { containerAlarmSpecs } from './alarm-specs';
import { createAlertTopics } from './alert-topics';
import type { AwsNetworkInput } from './aws-network';
import { createEcsService } from './ecs-service';
import { createEcsTask } from './ecs-task';
import { createFeatureFlags } from './feature-flags';
import { createSecrets } from './generated-secrets';
import { createHealthProbe } from './health-probe';
import { createLoadBalancer } from './load-balancer';
import { createAlarms, createMonitoring } from './monitoring';
import { awsContext } from './resource-context';

export type { AwsNetworkInput } from './aws-network';

/** What the AWS resources expose to the component. */
export interface AwsResources {
  readonly serviceUrl: pulumi.Output<string>;
  readonly alarmNames: string[];
  readonly alarmArns: pulumi.Output<string[]>;
  readonly topicArns: { readonly critical: pulumi.Output<string>; readonly warning: pulumi.Output<string> };
  /** Name of the CloudWatch dashboard. */
  readonly dashboardName: pulumi.Output<string>;
}

/**
 * Creates, as children of `parent`, the @pulumi/aws resources of a container service that
 * `DeploymentStack` creates through CloudFormation: alert topics, secrets, the ECS service with its
 * native deployment configuration and deployment alarms, the alarm set, the dead-man's switch,
 * autoscaling and a dashboard. Names, thresholds, weights and bake times come from the same plan.
 */
export function createAwsResources(
  parent: pulumi.ComponentResource,
  def: ServiceDefinition,
  env: EnvironmentDefinition,
  names: ResourceNames,
  plan: EcsRolloutPlan,
  network: AwsNetworkInput,
  runbookLink: (anchor: string) => string,
): AwsResources {
  const container = def.workload.container!;
  const ctx = awsContext(parent, def, env, names, runbookLink);
  const { region, account, tags, opts, keep, retentionInDays } = ctx;
  // Numbers and hardening shared with ProgressiveFargateService (lib/plan/container-task-spec).
  const spec = containerTaskSpec({
    ...containerTaskInputOf(names.base, container),
    retained: env.retention === RetentionPolicy.RETAIN,
  });

  const topics = createAlertTopics(ctx);

  // Secrets: generated ones are created here and rotated; existing ones are looked up by name.
  const secretArns = createSecrets(ctx);

  // Production without TLS is refused by the reference DeploymentStack, with the same message.
  const tls = env.tls?.mode === TlsMode.DISABLED ? undefined : env.tls;
  const https = tls !== undefined;
  const loadBalancing = createLoadBalancer(ctx, {
    network,
    spec,
    containerPort: container.port,
    shifting: plan.settings.strategy !== 'ROLLING',
    tls,
  });
  const { loadBalancer, primary, alternate } = loadBalancing;

  const task = createEcsTask(ctx, def, container, spec, secretArns);

  // Alarms: the same specs as AlarmSet; deployment alarms roll the ECS deployment back.
  const specs = env.alarms.enabled
    ? containerAlarmSpecs(env.alarms, {
        loadBalancer: loadBalancer.arnSuffix,
        targetGroups: [primary, ...(alternate ? [alternate] : [])].map((g) => ({
          targetGroup: g.arnSuffix,
          loadBalancer: loadBalancer.arnSuffix,
        })),
        clusterName: names.base,
        serviceName: names.base,
        minimumRequests: rollbackAlarmMinimumRequests(def.service, env, plan.schedule),
      })
    : [];
  const alarms = createAlarms(ctx, specs, topics);
  if (def.featureFlags.length > 0) {
    // The alarms that roll a deployment back also roll a bad flag change back.
    createFeatureFlags(names, env.name, def.featureFlags, alarms.rollback, [task.taskRole.id], { region, account, tags, opts });
  }

  createEcsService(ctx, {
    def,
    container,
    plan,
    network,
    spec,
    loadBalancing,
    task,
    secretArns,
    tls,
    alarms: alarms.all,
    deploymentAlarmNames: alarms.rollbackNames,
  });

  const monitoring = createMonitoring(ctx, {
    specs,
    alarms,
    topics,
    // Independent of user traffic, as DeploymentStack: a probe through the load balancer each
    // minute; an HTTPS service without a domain cannot be probed by name and keeps CPU samples.
    heartbeat: () => {
      const probeable = !https || tls?.domainName !== undefined;
      const baseUrl = tls?.domainName ? pulumi.output(`https://${tls.domainName}`) : pulumi.interpolate`http://${loadBalancer.dnsName}`;
      return env.deadMansSwitch.source !== HeartbeatSource.HEARTBEAT && probeable
        ? createHealthProbe(
            names.base,
            { url: baseUrl },
            { name: 'health', method: 'GET', path: container.healthCheckPath, expectedStatus: 200, maxLatencyMs: 5000, headers: {} },
            tls?.domainName
              ? `\`https://${tls.domainName}${container.healthCheckPath}\``
              : `\`${container.healthCheckPath}\` through the load balancer`,
            { retentionInDays, tags, opts, keep },
          )
        : {
            description: `ECS CPUUtilization samples of ${names.base}`,
            namespace: 'AWS/ECS',
            metricName: 'CPUUtilization',
            dimensions: { ClusterName: names.base, ServiceName: names.base },
          };
    },
    widgets: [
      {
        title: 'Requests and 5xx',
        stat: 'Sum',
        metrics: [
          ['AWS/ApplicationELB', 'RequestCount', 'LoadBalancer', loadBalancer.arnSuffix],
          ['AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', 'LoadBalancer', loadBalancer.arnSuffix],
        ],
      },
      {
        title: 'CPU and memory (%)',
        stat: 'Average',
        metrics: [
          ['AWS/ECS', 'CPUUtilization', 'ClusterName', names.base, 'ServiceName', names.base],
          ['AWS/ECS', 'MemoryUtilization', 'ClusterName', names.base, 'ServiceName', names.base],
        ],
      },
    ],
  });

  return {
    serviceUrl: tls?.domainName
      ? pulumi.output(`https://${tls.domainName}`)
      : pulumi.interpolate`${https ? 'https' : 'http'}://${loadBalancer.dnsName}`,
    alarmNames: monitoring.alarmNames,
    alarmArns: monitoring.alarmArns,
    topicArns: { critical: topics.critical.arn, warning: topics.warning.arn },
    dashboardName: monitoring.dashboardName,
  };
}
