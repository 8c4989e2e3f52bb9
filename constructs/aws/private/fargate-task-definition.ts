import { Duration as CdkDuration, RemovalPolicy } from 'aws-cdk-lib/core';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { APP_CONTAINER_NAME, type ContainerTaskSpec } from '../../../lib/plan/container-task-spec';
import type { WorkloadSecret } from './environment-secrets';
import { grantImportedKeyDecrypt } from './secret-key-decrypt';
import { ACKNOWLEDGEMENTS } from '../../../lib/runbook/platforms/aws-accepted-risks';
import { acknowledge } from './acknowledge';

/** Inputs of `fargateTaskDefinition` beyond the shared task spec. */
export interface FargateTaskDefinitionOptions {
  /** Plain configuration. @default - none */
  readonly environment?: Record<string, string>;
  /** Secrets injected by ECS from Secrets Manager. @default - none */
  readonly secrets?: readonly WorkloadSecret[];
  /** Log retention. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Removal of the log group. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The task definition of a Fargate service (`scope`'s children `Logs` and `TaskDefinition`): the
 * application container from the shared spec, hardened, logging to its own group, with its
 * secrets read by reference. Every revision is retained, so the runbook can deploy the previous one.
 */
export function fargateTaskDefinition(
  scope: Construct,
  spec: ContainerTaskSpec,
  options: FargateTaskDefinitionOptions,
): ecs.FargateTaskDefinition {
  const logGroup = new logs.LogGroup(scope, 'Logs', {
    logGroupName: spec.container.logging.logGroupName,
    retention: options.logRetention ?? logs.RetentionDays.ONE_MONTH,
    removalPolicy: options.removalPolicy,
  });
  const taskDefinition = new ecs.FargateTaskDefinition(scope, 'TaskDefinition', {
    family: spec.family,
    cpu: spec.cpu,
    memoryLimitMiB: spec.memoryMiB,
  });
  // CloudFormation deregisters a replaced revision (INACTIVE, not deployable) unless retained;
  // level 2 of the runbook deploys the previous revision, so every revision stays ACTIVE.
  (taskDefinition.node.defaultChild as ecs.CfnTaskDefinition).applyRemovalPolicy(RemovalPolicy.RETAIN);
  const secrets: Record<string, ecs.Secret> = {};
  for (const { envVar, secret } of options.secrets ?? []) {
    secrets[envVar] = ecs.Secret.fromSecretsManager(secret);
    // ECS injects the value once, at task start: after a rotation, tasks started before it hold
    // AWSPREVIOUS and tasks started after hold AWSCURRENT. Reading both stages at run time is
    // the only way every task accepts what any other task issued (a forced redeployment would
    // still mix the two for the length of the rollout). The contract is in the runbook.
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html
    secret.grantRead(taskDefinition.taskRole);
    grantImportedKeyDecrypt(secret, taskDefinition.obtainExecutionRole(), taskDefinition.taskRole);
  }
  taskDefinition.addContainer(APP_CONTAINER_NAME, {
    containerName: APP_CONTAINER_NAME,
    image: ecs.ContainerImage.fromRegistry(spec.container.image),
    portMappings: [{ containerPort: spec.container.port, name: spec.container.portName }],
    environment: options.environment,
    secrets,
    logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: spec.container.logging.streamPrefix }),
    readonlyRootFilesystem: spec.container.readonlyRootFilesystem,
    user: spec.container.user,
    // Give in-flight requests time to finish after the load balancer stops sending new ones.
    stopTimeout: CdkDuration.seconds(spec.container.stopTimeout.toSeconds()),
  });
  if (options.environment && Object.keys(options.environment).length > 0) {
    acknowledge(taskDefinition, ACKNOWLEDGEMENTS.taskEnvironment);
  }
  return taskDefinition;
}
