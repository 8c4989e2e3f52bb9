import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { AppSecrets } from './secrets';
import { APP_ENVIRONMENT, CONTAINER_USER, FLAGS_PROFILE, IMAGE, PORT, type SectionBasics } from './service-settings';

/** Inputs of `addTaskDefinition`. */
export interface TaskDefinitionOptions extends SectionBasics {
  /** The environment's name: the AppConfig environment the agent reads the flags from. */
  readonly environmentName: string;
  readonly secrets: AppSecrets;
}

/** The task definition that `addTaskDefinition` creates, and the secrets its containers receive. */
export interface AppTaskDefinition {
  readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The app's secrets as container environment variables (the migration tasks get them too). */
  readonly appSecrets: Record<string, ecs.Secret>;
}

/**
 * The service's task definition, by hand: the app (read-only root filesystem, not root, its secrets
 * injected and readable again at run time) and the AppConfig agent sidecar it reads its flags from.
 */
export function addTaskDefinition(scope: Construct, options: TaskDefinitionOptions): AppTaskDefinition {
  const { base, logRetention, removalPolicy } = options;
  const { dbPassword, signingKey } = options.secrets;
  const appSecrets = {
    DB_PASSWORD: ecs.Secret.fromSecretsManager(dbPassword),
    SESSION_SIGNING_KEY: ecs.Secret.fromSecretsManager(signingKey),
  };
  const taskDefinition = new ecs.FargateTaskDefinition(scope, 'TaskDefinition', { family: base, cpu: 512, memoryLimitMiB: 1024 });
  // Keep replaced revisions ACTIVE, so the previous one can be deployed again.
  (taskDefinition.node.defaultChild as ecs.CfnTaskDefinition).applyRemovalPolicy(RemovalPolicy.RETAIN);
  // The app reads its secrets again at run time (both stages, across a rotation), so the task role may read them too.
  dbPassword.grantRead(taskDefinition.taskRole);
  signingKey.grantRead(taskDefinition.taskRole);
  taskDefinition.addContainer('app', {
    containerName: 'app',
    image: ecs.ContainerImage.fromRegistry(IMAGE),
    portMappings: [{ containerPort: PORT, name: 'http' }],
    // The app reads its flags from the AppConfig agent sidecar below.
    environment: {
      ...APP_ENVIRONMENT,
      FEATURE_FLAGS_URL: `http://localhost:2772/applications/${base}/environments/${options.environmentName}/configurations/${FLAGS_PROFILE}`,
    },
    secrets: appSecrets,
    logging: ecs.LogDrivers.awsLogs({
      logGroup: new logs.LogGroup(scope, 'ServiceLogs', { logGroupName: `/ecs/${base}`, retention: logRetention, removalPolicy }),
      streamPrefix: 'app',
    }),
    readonlyRootFilesystem: true,
    user: CONTAINER_USER,
    stopTimeout: Duration.seconds(30),
  });
  taskDefinition.addContainer('appconfig-agent', {
    containerName: 'appconfig-agent',
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/aws-appconfig/aws-appconfig-agent:2.0.13147'),
    essential: false,
    // Both names: the agent's documented variable and the one older agent images read.
    environment: { POLL_INTERVAL: '15', AWS_APPCONFIG_EXTENSION_POLL_INTERVAL_SECONDS: '15' },
    readonlyRootFilesystem: true,
    user: CONTAINER_USER,
    logging: ecs.LogDrivers.awsLogs({
      logGroup: new logs.LogGroup(scope, 'AppConfigAgentLogs', {
        logGroupName: `/ecs/${base}/appconfig-agent`,
        retention: logRetention,
        removalPolicy,
      }),
      streamPrefix: 'appconfig-agent',
    }),
  });
  return { taskDefinition, appSecrets };
}
