import { CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { CHECKOUT_MIGRATIONS } from './environments';
import { MIGRATION_RUNNER_HANDLER } from './handlers';
import { APP_ENVIRONMENT, CONTAINER_USER, IMAGE, type SectionBasics } from './service-settings';

/** Inputs of `addMigrations`. */
export interface MigrationsOptions extends SectionBasics {
  readonly vpc: ec2.IVpc;
  readonly cluster: ecs.ICluster;
  /** The service: the migrations use its security groups, and it waits for the expand migration. */
  readonly service: ecs.FargateService;
  /** The app's secrets as container environment variables. */
  readonly appSecrets: Record<string, ecs.Secret>;
}

/**
 * Database migrations, by hand: one-off tasks with the service's image, network and secrets.
 * Expand runs during the deploy through a custom resource that starts the task and waits for exit
 * code 0, and the service update waits for it; contract is only defined, and run by hand later.
 */
export function addMigrations(scope: Construct, options: MigrationsOptions): void {
  const { base, logRetention, removalPolicy, cluster, service } = options;
  const privateSubnets = options.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
  for (const m of CHECKOUT_MIGRATIONS) {
    const family = `${base}-migrate-${m.name}`;
    const migrationTask = new ecs.FargateTaskDefinition(scope, `Migrate-${m.name}`, { family, cpu: 256, memoryLimitMiB: 512 });
    migrationTask.addContainer('migrate', {
      containerName: 'migrate',
      image: ecs.ContainerImage.fromRegistry(IMAGE),
      command: [...m.command],
      environment: APP_ENVIRONMENT,
      secrets: options.appSecrets,
      logging: ecs.LogDrivers.awsLogs({
        logGroup: new logs.LogGroup(scope, `Migrate-${m.name}-Logs`, {
          logGroupName: `/ecs/${family}`,
          retention: logRetention,
          removalPolicy,
        }),
        streamPrefix: 'migrate',
      }),
      readonlyRootFilesystem: true,
      user: CONTAINER_USER,
    });
    if (m.phase !== 'expand') {
      continue;
    }
    const runnerName = `${family}-run`;
    const runnerLogs = new logs.LogGroup(scope, `Migrate-${m.name}-RunnerLogs`, {
      logGroupName: `/aws/lambda/${runnerName}`,
      retention: logRetention,
      removalPolicy,
    });
    const runnerRole = new iam.Role(scope, `Migrate-${m.name}-RunnerRole`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs migration ${m.name} during cdk deploy`,
    });
    runnerLogs.grantWrite(runnerRole);
    runnerRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['ecs:RunTask'],
        resources: [migrationTask.taskDefinitionArn],
        conditions: { ArnEquals: { 'ecs:cluster': cluster.clusterArn } },
      }),
    );
    runnerRole.addToPolicy(
      new iam.PolicyStatement({
        // StopTask: a migration that outlives its timeout is stopped, not left running.
        actions: ['ecs:DescribeTasks', 'ecs:StopTask'],
        resources: [Stack.of(scope).formatArn({ service: 'ecs', resource: 'task', resourceName: `${base}/*` })],
      }),
    );
    // On UPDATE_ROLLBACK the runner reads the stack status, so it does not re-run the previous image's migration.
    runnerRole.addToPolicy(new iam.PolicyStatement({ actions: ['cloudformation:DescribeStacks'], resources: [Stack.of(scope).stackId] }));
    runnerRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [migrationTask.taskRole.roleArn, migrationTask.obtainExecutionRole().roleArn],
      }),
    );
    const runner = new lambda.Function(scope, `Migrate-${m.name}-Runner`, {
      functionName: runnerName,
      description: `Runs migration ${m.name} (${m.phase}) before the service update and waits for exit code 0`,
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(MIGRATION_RUNNER_HANDLER),
      timeout: Duration.minutes(m.timeoutMinutes + 1),
      memorySize: 128,
      role: runnerRole,
      logGroup: runnerLogs,
    });
    // The resource type is glidepath's, so that the benchmark's per-type comparison lines up.
    const migration = new CustomResource(scope, `Migrate-${m.name}-Run`, {
      serviceToken: runner.functionArn,
      resourceType: 'Custom::GlidepathMigration',
      properties: {
        Migration: m.name,
        Cluster: cluster.clusterArn,
        TaskDefinition: migrationTask.taskDefinitionArn,
        Subnets: privateSubnets.subnetIds,
        SecurityGroups: service.connections.securityGroups.map((g) => g.securityGroupId),
        LogGroup: `/ecs/${family}`,
      },
    });
    // The task needs its private subnets' route out (to pull the image) before it can run.
    migration.node.addDependency(privateSubnets.internetConnectivityEstablished);
    // Only the ECS service waits: its security group is an input of the migration.
    (service.node.defaultChild as ecs.CfnService).node.addDependency(migration);
  }
}
