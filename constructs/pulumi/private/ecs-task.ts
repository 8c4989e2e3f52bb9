import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { ContainerWorkload } from '../../../lib/model/workload';
import type { ServiceDefinition } from '../../../lib/model/service-definition';
import type { ContainerTaskSpec } from '../../../lib/plan/container-task-spec';
import { agentContainer, flagsEnvironment } from './feature-flags';
import type { SecretReference } from './generated-secrets';
import { assumedBy, type AwsContext } from './resource-context';

/** The ECS cluster, the roles of the tasks and the task definition of a container service. */
export interface EcsTask {
  readonly cluster: aws.ecs.Cluster;
  readonly executionRole: aws.iam.Role;
  /** What the execution role may do, which a task started before the service must wait for. */
  readonly executionPolicies: pulumi.Resource[];
  readonly taskRole: aws.iam.Role;
  readonly taskPolicies: pulumi.Resource[];
  readonly taskDefinition: aws.ecs.TaskDefinition;
}

/**
 * Creates the cluster, the execution and task roles (reading the secrets), the log groups and the
 * task definition (with the AppConfig agent beside the container when the service has flags), with
 * the numbers and hardening of `containerTaskSpec`.
 */
export function createEcsTask(
  ctx: AwsContext,
  def: ServiceDefinition,
  container: ContainerWorkload,
  spec: ContainerTaskSpec,
  secretArns: readonly SecretReference[],
): EcsTask {
  const { names, env, opts, keep, tags, region, id, retentionInDays: logRetentionDays } = ctx;
  const cluster = new aws.ecs.Cluster(
    id('cluster'),
    {
      name: names.base,
      settings: [{ name: 'containerInsights', value: 'enabled' }],
      tags,
    },
    opts,
  );
  const logGroup = new aws.cloudwatch.LogGroup(
    id('logs'),
    { name: spec.container.logging.logGroupName, retentionInDays: logRetentionDays, tags },
    keep,
  );
  const executionRole = new aws.iam.Role(
    id('execution'),
    {
      assumeRolePolicy: assumedBy('ecs-tasks.amazonaws.com'),
      tags,
    },
    opts,
  );
  const executionPolicies: pulumi.Resource[] = [
    new aws.iam.RolePolicyAttachment(
      id('execution'),
      {
        role: executionRole.name,
        policyArn: 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy',
      },
      opts,
    ),
  ];
  // Reading the secrets: the execution role injects them at task start; the task role reads both
  // stages (AWSCURRENT, AWSPREVIOUS) at run time, so tasks started before and after a rotation
  // accept each other's values (the dual-read contract, as ProgressiveFargateService grants it).
  const secretsPolicy = (role: aws.iam.Role, suffix: string) =>
    new aws.iam.RolePolicy(
      id(suffix),
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
              Resource: secretArns.map((s) => s.arn),
            },
            {
              Effect: 'Allow',
              Action: 'kms:Decrypt',
              Resource: '*',
              Condition: { StringEquals: { 'kms:ViaService': pulumi.interpolate`secretsmanager.${region}.amazonaws.com` } },
            },
          ],
        }),
      },
      opts,
    );
  if (secretArns.length > 0) {
    executionPolicies.push(secretsPolicy(executionRole, 'execution-secrets'));
  }
  const taskRole = new aws.iam.Role(id('task'), { assumeRolePolicy: assumedBy('ecs-tasks.amazonaws.com'), tags }, opts);
  const taskPolicies = secretArns.length > 0 ? [secretsPolicy(taskRole, 'task-secrets')] : [];
  const hasFlags = def.featureFlags.length > 0;
  const agentLogs = hasFlags
    ? new aws.cloudwatch.LogGroup(
        id('appconfig-agent'),
        { name: `/ecs/${names.base}/appconfig-agent`, retentionInDays: logRetentionDays, tags },
        keep,
      )
    : undefined;
  const taskDefinition = new aws.ecs.TaskDefinition(
    id('task'),
    {
      family: spec.family,
      // A replaced revision stays registered (ACTIVE), as CloudFormation's Retain keeps it: level 2
      // of the runbook deploys the previous revision.
      skipDestroy: true,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: String(spec.cpu),
      memory: String(spec.memoryMiB),
      executionRoleArn: executionRole.arn,
      taskRoleArn: taskRole.arn,
      containerDefinitions: pulumi.jsonStringify([
        {
          name: spec.container.name,
          image: spec.container.image,
          essential: true,
          portMappings: [{ containerPort: spec.container.port, name: spec.container.portName, protocol: 'tcp' }],
          readonlyRootFilesystem: spec.container.readonlyRootFilesystem,
          user: spec.container.user,
          stopTimeout: spec.container.stopTimeout.toSeconds(),
          environment: Object.entries({ ...container.environment, ...flagsEnvironment(names, env.name, def.featureFlags) }).map(
            ([name, value]) => ({ name, value }),
          ),
          // References only: ECS reads the values when a task starts.
          secrets: secretArns.map((s) => ({ name: s.envVar, valueFrom: s.arn })),
          logConfiguration: {
            logDriver: 'awslogs',
            options: {
              'awslogs-group': logGroup.name,
              'awslogs-region': region,
              'awslogs-stream-prefix': spec.container.logging.streamPrefix,
            },
          },
        },
        ...(agentLogs ? [agentContainer(agentLogs.name, region)] : []),
      ]),
      tags,
    },
    opts,
  );
  return { cluster, executionRole, executionPolicies, taskRole, taskPolicies, taskDefinition };
}
