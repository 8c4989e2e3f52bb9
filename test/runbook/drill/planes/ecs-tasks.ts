import type { AwsCall } from '../aws-command-model';
import { camel } from './ecs-history';
import type { ServiceState } from './ecs-model';
import { Fail, iso, type Templates } from './templates';

const ACCOUNT = '111111111111';

/** `describe-task-definition`: a revision of a family the stacks define, with its members as the API returns them. */
export function describeTaskDefinition(
  name: string,
  region: string,
  t: Templates,
  services: readonly ServiceState[],
  arnOf: (kind: string, rest: string) => string,
): unknown {
  const ref = name.replace(/^.*task-definition\//, '');
  const family = ref.replace(/:\d+$/, '');
  const td = t.need('AWS::ECS::TaskDefinition', family, region);
  const svc = services.find((x) => x.family === family);
  const revision = /:(\d+)$/.exec(ref)?.[1];
  if (revision && svc && !svc.revisions.has(Number(revision))) throw new Fail(`ClientException: unable to describe task definition ${ref}`);
  const status = revision && svc ? svc.revisions.get(Number(revision)) : 'ACTIVE';
  const containers = (td.props.ContainerDefinitions as { Name: string; Image: unknown }[]) ?? [];
  return {
    taskDefinition: {
      family,
      status,
      // The synthesized definitions as the API names their members (camelCase), intrinsic
      // functions resolved to placeholders: what the full answer carries.
      containerDefinitions: containers.map((c) => ({
        ...(camel(c) as object),
        name: c.Name,
        image: typeof c.Image === 'string' ? c.Image : `${ACCOUNT}.dkr.ecr.${region}.amazonaws.com/${family}:latest`,
      })),
      taskDefinitionArn: arnOf('task-definition', `${family}:${revision ?? 3}`),
      revision: Number(revision ?? 3),
      networkMode: td.props.NetworkMode,
      requiresCompatibilities: td.props.RequiresCompatibilities,
      cpu: td.props.Cpu,
      memory: td.props.Memory,
      registeredAt: iso(-14 * 86400),
    },
  };
}

/**
 * `run-task` of a standalone task (a migration). Without --launch-type or
 * --capacity-provider-strategy a task takes the cluster's default capacity provider strategy, and
 * without one the EC2 launch type (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html,
 * launchType): a cluster with no container instances places nothing and answers a failure, not an error.
 */
export function runTask(
  call: AwsCall,
  region: string,
  t: Templates,
  now: number,
  arnOf: (kind: string, rest: string) => string,
  /** Starts the task; returns its ARN. */
  start: (cluster: string, family: string) => string,
): unknown {
  const cluster = call.options.get('--cluster')?.[0] ?? '';
  t.need('AWS::ECS::Cluster', cluster, region);
  const family = call.options.get('--task-definition')?.[0] ?? '';
  t.need('AWS::ECS::TaskDefinition', family, region);
  const net = JSON.parse(call.options.get('--network-configuration')?.[0] ?? 'null');
  if (!net?.awsvpcConfiguration?.subnets) throw new Fail('--network-configuration has no awsvpcConfiguration.subnets');
  const defaultStrategy = t
    .all('AWS::ECS::ClusterCapacityProviderAssociations', region)
    .some((r) => Array.isArray(r.props.DefaultCapacityProviderStrategy) && r.props.DefaultCapacityProviderStrategy.length > 0);
  if (!call.options.has('--launch-type') && !call.options.has('--capacity-provider-strategy') && !defaultStrategy)
    return { tasks: [], failures: [{ arn: arnOf('cluster', cluster), reason: 'No Container Instances were found in your cluster.' }] };
  const arn = start(cluster, family);
  return {
    tasks: [
      {
        taskArn: arn,
        clusterArn: arnOf('cluster', cluster),
        taskDefinitionArn: arnOf('task-definition', `${family}:1`),
        lastStatus: 'PROVISIONING',
        desiredStatus: 'RUNNING',
        launchType: call.options.get('--launch-type')?.[0],
        startedBy: call.options.get('--started-by')?.[0],
        cpu: '256',
        memory: '512',
        createdAt: iso(now),
        containers: [{ name: 'migrate', lastStatus: 'PENDING' }],
      },
    ],
    failures: [],
  };
}

/** `describe-tasks`: the crash-looping service tasks, or a standalone task by its ARN (STOPPED 90 s after it started). */
export function describeTasks(
  arns: readonly string[],
  tasks: ReadonlyMap<string, { startedAt: number; exitCode: number }>,
  now: number,
): unknown {
  return {
    tasks: arns.map((arn) => {
      if (/\/crash-\d$/.test(arn))
        return {
          taskArn: arn,
          lastStatus: 'STOPPED',
          stopCode: 'EssentialContainerExited',
          stoppedReason: 'Essential container in task exited',
          containers: [{ name: 'app', exitCode: 1, reason: 'exit code 1' }],
        };
      const task = tasks.get(arn);
      if (!task) throw new Fail(`no task ${arn}`);
      // A Fargate task takes about a minute to start; the migration itself about 30 seconds.
      const stopped = now - task.startedAt >= 90;
      return {
        taskArn: arn,
        lastStatus: stopped ? 'STOPPED' : 'RUNNING',
        containers: [{ name: 'migrate', exitCode: stopped ? task.exitCode : null }],
      };
    }),
  };
}
