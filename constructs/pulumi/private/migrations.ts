import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { MIGRATION_RUNNER_SOURCE } from '../../../lib/handlers/migration-runner-code';
import { MigrationPhase, type Migration } from '../../../lib/model/migrations';
import type { ResourceNames } from '../../../lib/plan/names';

/**
 * The CloudFormation custom resource's runner with one more entry point, `invoke`: the same task
 * logic (`run`: start the task, poll, exit code 0 or an error), called directly by
 * `aws.lambda.Invocation`, which fails the update on a thrown error.
 */
export const PULUMI_MIGRATION_RUNNER_SOURCE = `${MIGRATION_RUNNER_SOURCE}\nexports.invoke = (event, context) => run(event, context);\n`;

/** What a migration task shares with the service it migrates for. */
export interface MigrationScope {
  readonly names: ResourceNames;
  readonly cluster: aws.ecs.Cluster;
  readonly executionRoleArn: pulumi.Input<string>;
  readonly environment: Record<string, string>;
  readonly secrets: readonly { readonly envVar: string; readonly arn: pulumi.Input<string> }[];
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  readonly securityGroupIds: pulumi.Input<string>[];
  readonly region: pulumi.Input<string>;
  readonly retentionInDays: number;
  readonly tags: Record<string, string>;
  readonly opts: pulumi.CustomResourceOptions;
  readonly keep: pulumi.CustomResourceOptions;
}

/**
 * A migration as a one-off Fargate task, as `MigrationTask` creates it (family
 * `<service>-migrate-<name>`, container `migrate`, read-only root filesystem). An expand migration
 * also runs during `pulumi up`: an `aws.lambda.Invocation` of the same runner logic as the
 * CloudFormation custom resource starts the task and fails the update unless it exits 0. It
 * returns that invocation, so the service update can wait for it.
 */
export function createMigration(m: Migration, scope: MigrationScope): aws.lambda.Invocation | undefined {
  const { names, tags, opts } = scope;
  const family = `${names.base}-migrate-${m.name}`;
  const logGroup = new aws.cloudwatch.LogGroup(
    `/ecs/${family}`,
    { name: `/ecs/${family}`, retentionInDays: scope.retentionInDays, tags },
    scope.keep,
  );
  const assumedBy = (service: string) =>
    JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] });
  const taskRole = new aws.iam.Role(`${family}-task`, { assumeRolePolicy: assumedBy('ecs-tasks.amazonaws.com'), tags }, opts);
  const taskDefinition = new aws.ecs.TaskDefinition(
    family,
    {
      family,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      executionRoleArn: scope.executionRoleArn,
      taskRoleArn: taskRole.arn,
      containerDefinitions: pulumi.jsonStringify([
        {
          name: 'migrate',
          image: m.image,
          essential: true,
          command: [...m.command],
          environment: Object.entries(scope.environment).map(([name, value]) => ({ name, value })),
          secrets: scope.secrets.map((s) => ({ name: s.envVar, valueFrom: s.arn })),
          readonlyRootFilesystem: true,
          logConfiguration: {
            logDriver: 'awslogs',
            options: { 'awslogs-group': logGroup.name, 'awslogs-region': scope.region, 'awslogs-stream-prefix': 'migrate' },
          },
        },
      ]),
      tags,
    },
    opts,
  );
  if (m.phase !== MigrationPhase.EXPAND) {
    // Contract migrations run by hand after the rollback window (the runbook's post-deployment phase).
    return undefined;
  }

  const functionName = `${family}-run`.slice(0, 64);
  const runnerLogs = new aws.cloudwatch.LogGroup(
    `/aws/lambda/${functionName}`,
    { name: `/aws/lambda/${functionName}`, retentionInDays: scope.retentionInDays, tags },
    scope.keep,
  );
  const role = new aws.iam.Role(
    functionName,
    { description: `Runs migration ${m.name} during pulumi up`, assumeRolePolicy: assumedBy('lambda.amazonaws.com'), tags },
    opts,
  );
  const policy = new aws.iam.RolePolicy(
    functionName,
    {
      role: role.id,
      policy: pulumi.jsonStringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: runnerLogs.arn },
          {
            Effect: 'Allow',
            Action: 'ecs:RunTask',
            Resource: taskDefinition.arn,
            Condition: { ArnEquals: { 'ecs:cluster': scope.cluster.arn } },
          },
          // Task IDs are only known at run time: DescribeTasks (and StopTask at the time limit) is limited to tasks of this cluster.
          {
            Effect: 'Allow',
            Action: ['ecs:DescribeTasks', 'ecs:StopTask'],
            Resource: pulumi.interpolate`arn:aws:ecs:${scope.region}:*:task/${scope.cluster.name}/*`,
          },
          { Effect: 'Allow', Action: 'iam:PassRole', Resource: [taskRole.arn, scope.executionRoleArn] },
        ],
      }),
    },
    opts,
  );
  const runner = new aws.lambda.Function(
    functionName,
    {
      name: functionName,
      description: `Runs migration ${m.name} (expand) before the service update and waits for exit code 0`,
      runtime: aws.lambda.Runtime.NodeJS24dX,
      // The CloudFormation custom resource's task logic; Pulumi invokes it directly and reads a thrown error as failure.
      handler: 'index.invoke',
      code: new pulumi.asset.AssetArchive({
        'index.js': new pulumi.asset.StringAsset(PULUMI_MIGRATION_RUNNER_SOURCE),
      }),
      timeout: Math.min(15 * 60, m.timeout.toSeconds() + 60),
      memorySize: 128,
      role: role.arn,
      loggingConfig: { logFormat: 'Text', logGroup: runnerLogs.name },
      tags,
    },
    { ...opts, dependsOn: [policy] },
  );
  // A new task definition (image, command, configuration) changes the input: the migration runs again.
  return new aws.lambda.Invocation(
    `${family}-run`,
    {
      functionName: runner.name,
      input: pulumi.jsonStringify({
        Migration: m.name,
        Cluster: scope.cluster.arn,
        TaskDefinition: taskDefinition.arn,
        Subnets: scope.subnetIds,
        SecurityGroups: scope.securityGroupIds,
        LogGroup: `/ecs/${family}`,
      }),
    },
    opts,
  );
}
