import { CustomResource, Duration as CdkDuration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib/core';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { DEFAULT_CONTAINER_USER } from '../../lib/model/container-user';
import { MigrationPhase, type Migration } from '../../lib/model/migrations';
import type { IRunbookContributor, RunbookFacts } from '../../lib/runbook/facts';
import { functionRole } from './private/function-role';
import { grantImportedKeyDecrypt } from './private/secret-key-decrypt';
import { MIGRATION_RUNNER_SOURCE } from './private/migration-runner-code';
import { literalRegion } from './private/aws-cli';
import { ecsMigrationRunbookFacts } from '../../lib/runbook/platforms/ecs-migrations';
import { ACKNOWLEDGEMENTS } from '../../lib/runbook/platforms/aws-accepted-risks';
import { acknowledge } from './private/acknowledge';

/** Props for `MigrationTask`. */
export interface MigrationTaskProps {
  /** The migration (from the definition's `migrations`). */
  readonly migration: Migration;
  /** Cluster the task runs in (the service's). */
  readonly cluster: ecs.ICluster;
  /** Literal cluster name, for runbook commands. */
  readonly clusterName: string;
  /** Literal name of the ECS service, whose network configuration the runbook reuses. */
  readonly serviceName: string;
  /** Task family, e.g. `checkout-prod-migrate-add-order-notes`. */
  readonly family: string;
  /** Subnets to run in (the service's). */
  readonly subnets: ec2.SubnetSelection;
  /** Security groups (the service's, so the database already admits the task). */
  readonly securityGroups: readonly ec2.ISecurityGroup[];
  /** Secrets injected like the workload's (database credentials). @default - none */
  readonly secrets?: readonly { readonly envVar: string; readonly secret: secretsmanager.ISecret }[];
  /** Plain configuration, like the workload's. @default - none */
  readonly environment?: Record<string, string>;
  /** CPU units. @default 256 */
  readonly cpu?: number;
  /** Memory in MiB. @default 512 */
  readonly memoryMiB?: number;
  /** Log retention. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Removal of the log groups. @default RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE (kept, except when the first create fails) */
  readonly removalPolicy?: RemovalPolicy;
  /** User (and group) the migration container runs as; never root. @default "1000:1000" */
  readonly user?: string;
}

/**
 * A database migration as a one-off ECS task with the workload's network and secrets.
 *
 * An **expand** migration runs during `cdk deploy`: a custom resource starts the task and waits for
 * it to stop (up to the migration's timeout, at most 14 minutes); exit code 0 lets the deployment
 * continue, anything else fails the custom resource, and CloudFormation rolls the stack back before
 * the service is updated (make the service depend on `runner`). It runs again whenever its task
 * definition changes (a new image or command), so expand migrations must be idempotent.
 *
 * A **contract** migration is only defined here; the runbook runs it by hand after the rollback
 * window (`aws ecs run-task`), because it cannot be undone by redeploying code.
 */
export class MigrationTask extends Construct implements IRunbookContributor {
  /** The task definition. */
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The custom resource that runs an expand migration (absent for contract migrations). */
  public readonly runner?: CustomResource;
  /** Log group of the migration's output. */
  public readonly logGroupName: string;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: MigrationTaskProps,
  ) {
    super(scope, id);
    const m = props.migration;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;
    const retention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    this.logGroupName = `/ecs/${props.family}`;
    const logGroup = new logs.LogGroup(this, 'Logs', { logGroupName: this.logGroupName, retention, removalPolicy });
    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      family: props.family,
      cpu: props.cpu ?? 256,
      memoryLimitMiB: props.memoryMiB ?? 512,
    });
    const secrets: Record<string, ecs.Secret> = {};
    for (const { envVar, secret } of props.secrets ?? []) {
      secrets[envVar] = ecs.Secret.fromSecretsManager(secret);
      grantImportedKeyDecrypt(secret, this.taskDefinition.obtainExecutionRole());
    }
    this.taskDefinition.addContainer('migrate', {
      containerName: 'migrate',
      image: ecs.ContainerImage.fromRegistry(m.image),
      command: [...m.command],
      environment: props.environment,
      secrets,
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'migrate' }),
      readonlyRootFilesystem: true,
      user: props.user ?? DEFAULT_CONTAINER_USER,
    });
    if (props.environment && Object.keys(props.environment).length > 0) {
      acknowledge(this.taskDefinition, ACKNOWLEDGEMENTS.migrationEnvironment);
    }
    if (m.phase === MigrationPhase.EXPAND) {
      this.runner = this.expandRunner(removalPolicy, retention);
    }
  }

  private expandRunner(removalPolicy: RemovalPolicy, retention: logs.RetentionDays): CustomResource {
    const { props } = this;
    const m = props.migration;
    const functionName = `${props.family}-run`.slice(0, 64);
    const logGroup = new logs.LogGroup(this, 'RunnerLogs', { logGroupName: `/aws/lambda/${functionName}`, retention, removalPolicy });
    const role = functionRole(this, 'RunnerRole', logGroup, `Runs migration ${m.name} during cdk deploy`);
    const stack = Stack.of(this);
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['ecs:RunTask'],
        resources: [this.taskDefinition.taskDefinitionArn],
        conditions: { ArnEquals: { 'ecs:cluster': props.cluster.clusterArn } },
      }),
    );
    const tasks = stack.formatArn({ service: 'ecs', resource: 'task', resourceName: `${props.clusterName}/*` });
    // StopTask: a migration still running at the runner's time limit is stopped, not left behind.
    role.addToPolicy(new iam.PolicyStatement({ actions: ['ecs:DescribeTasks', 'ecs:StopTask'], resources: [tasks] }));
    // On UPDATE_ROLLBACK CloudFormation re-sends the previous properties; the runner reads the
    // stack status to answer those without re-running the previous image's migration.
    role.addToPolicy(new iam.PolicyStatement({ actions: ['cloudformation:DescribeStacks'], resources: [stack.stackId] }));
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.taskDefinition.taskRole.roleArn, this.taskDefinition.obtainExecutionRole().roleArn],
      }),
    );
    // cdk-nag names the resource as rendered: literal region and account when the stack has them.
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    const partition = Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
    acknowledge(role, ACKNOWLEDGEMENTS.migrationRunner({ partition, region, account }, props.clusterName));
    const fn = new lambda.Function(this, 'Runner', {
      functionName,
      description: `Runs migration ${m.name} (expand) before the service update and waits for exit code 0`,
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(MIGRATION_RUNNER_SOURCE),
      timeout: CdkDuration.seconds(Math.min(15 * 60, m.timeout.toSeconds() + 60)),
      memorySize: 128,
      role,
      logGroup,
    });
    const subnets = props.cluster.vpc.selectSubnets(props.subnets);
    const runner = new CustomResource(this, 'Resource', {
      serviceToken: fn.functionArn,
      resourceType: 'Custom::GlidepathMigration',
      properties: {
        Migration: m.name,
        Cluster: props.cluster.clusterArn,
        TaskDefinition: this.taskDefinition.taskDefinitionArn,
        Subnets: subnets.subnetIds,
        SecurityGroups: props.securityGroups.map((g) => g.securityGroupId),
        LogGroup: this.logGroupName,
      },
    });
    // The task pulls its image and reads its secrets through the private subnets' NAT routes:
    // started before those exist (a first deploy of a new VPC), it fails on image pull.
    runner.node.addDependency(subnets.internetConnectivityEstablished);
    return runner;
  }

  /** The migration's runbook entry (text in lib/runbook/platforms/ecs-migrations.ts). */
  public runbookFacts(): RunbookFacts {
    return ecsMigrationRunbookFacts({
      region: literalRegion(this),
      migration: this.props.migration,
      clusterName: this.props.clusterName,
      serviceName: this.props.serviceName,
      family: this.props.family,
      logGroupName: this.logGroupName,
    });
  }
}
