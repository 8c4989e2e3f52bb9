import { CfnOutput, Stack, Token } from 'aws-cdk-lib/core';
import * as appconfig from 'aws-cdk-lib/aws-appconfig';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEFAULT_CONTAINER_USER } from '../../lib/model/container-user';
import { Duration } from '../../lib/model/duration';
import type { FeatureFlag } from '../../lib/model/feature-flags';
import type { IRunbookContributor, RunbookCommand, RunbookFacts } from '../../lib/runbook/facts';
import { awsCliOf, literalRegion } from './private/aws-cli';
import { appConfigFlagsRunbookFacts } from '../../lib/runbook/platforms/appconfig-flags';
import { FLAGS_VERSION_OUTPUT, appConfigFlagGuard } from '../../lib/runbook/platforms/appconfig-flag-guard';
import { literalName } from './private/literal-names';
import { APPCONFIG_AGENT_IMAGE, appConfigFlagsContent, appConfigLambdaExtensionArn, appConfigLocalUrl } from '../../lib/plan/appconfig';
import { flagReleaseStrategy, KILL_SWITCH_STRATEGY } from '../../lib/plan/appconfig-strategies';

/** Props for `AppConfigFeatureFlags`. */
export interface AppConfigFeatureFlagsProps {
  /** AppConfig application name, e.g. `checkout-prod`; also prefixes the deployment strategies. */
  readonly applicationName: string;
  /** AppConfig environment name, e.g. `prod`. */
  readonly environmentName: string;
  /** The flags and their state when deployed. */
  readonly flags: readonly FeatureFlag[];
  /**
   * Alarms AppConfig watches during a flag deployment and its bake time; when one fires, the flag
   * change rolls back by itself. @default - none
   */
  readonly monitors?: readonly cloudwatch.IAlarm[];
  /** Name of the configuration profile. @default "feature-flags" */
  readonly profileName?: string;
  /** How long AppConfig watches the alarms after a gradual flag release. @default 10m */
  readonly releaseBake?: Duration;
  /**
   * How often the workload's AppConfig agent (ECS sidecar) or Lambda extension polls for changes:
   * it bounds how late a kill switch takes effect. @default 15s
   */
  readonly pollInterval?: Duration;
  /** Budget of rollback level 1, to check the computed bound against. @default 1m */
  readonly budget?: Duration;
}

/**
 * Feature flags in AWS AppConfig: an application, an environment whose alarm monitors roll a bad
 * flag change back, a `AWS.AppConfig.FeatureFlags` configuration profile holding the definition's
 * flags (gradual flags as multi-variant flags: internal users first, then a percentage split on
 * `userId`), and two deployment strategies: a gradual one for releases and an immediate one for
 * kill switches (rollback level 1).
 *
 * The workload reads the flags from the AppConfig agent (a sidecar on ECS, see
 * `agentContainerOptions()`) or the AppConfig Lambda extension, both at
 * `http://localhost:2772/applications/<app>/environments/<env>/configurations/<profile>`; pass
 * `Context: userId=…,internal=true` headers for multi-variant flags.
 *
 * @see https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-type-reference-feature-flags.html
 * @see https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-integration-ecs.html
 */
export class AppConfigFeatureFlags extends Construct implements IRunbookContributor {
  /** The AppConfig agent image for the ECS sidecar, pinned to the 2.x line AWS publishes. */
  public static readonly AGENT_IMAGE = APPCONFIG_AGENT_IMAGE;

  /** Where the workload reads the flags of `applicationName`/`environmentName` from the agent or extension. */
  /**
   * ARN of the AppConfig Lambda extension layer in `region` for `architecture` (the Pulumi target
   * attaches the same layer).
   * @see https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-integration-lambda-extensions-versions.html
   */
  public static lambdaExtensionArn(region: string, architecture: 'x86_64' | 'arm64', applicationName: string): string {
    return appConfigLambdaExtensionArn(region, architecture, applicationName);
  }

  public static localUrlOf(applicationName: string, environmentName: string, profileName = 'feature-flags'): string {
    return appConfigLocalUrl(applicationName, environmentName, profileName);
  }

  /** Physical name of the gradual release strategy. */
  public readonly releaseStrategyName: string;
  /** Physical name of the immediate kill-switch strategy. */
  public readonly killSwitchStrategyName: string;
  /** Name of the configuration profile. */
  public readonly profileName: string;
  /** The application. */
  public readonly application: appconfig.CfnApplication;
  /** The environment. */
  public readonly environment: appconfig.CfnEnvironment;
  /** The configuration profile. */
  public readonly profile: appconfig.CfnConfigurationProfile;
  /** The hosted configuration version with the definition's flags. */
  public readonly version: appconfig.CfnHostedConfigurationVersion;
  /** The deployment of that version. */
  public readonly deployment: appconfig.CfnDeployment;
  private readonly pollInterval: Duration;
  /** Checks that the workload really reads the flags (the agent or extension is in place). */
  private readonly workloadChecks: RunbookCommand[] = [];

  constructor(
    scope: Construct,
    id: string,
    private readonly props: AppConfigFeatureFlagsProps,
  ) {
    super(scope, id);
    if (props.flags.length === 0) {
      throw new Error(
        `flags is empty for AppConfig application "${props.applicationName}"; declare at least one flag or leave AppConfigFeatureFlags out`,
      );
    }
    this.pollInterval = props.pollInterval ?? Duration.seconds(15);
    this.profileName = props.profileName ?? 'feature-flags';
    this.releaseStrategyName = `${props.applicationName}-release`;
    this.killSwitchStrategyName = `${props.applicationName}-kill-switch`;
    const monitors = props.monitors ?? [];

    this.application = new appconfig.CfnApplication(this, 'Resource', {
      name: props.applicationName,
      description: `Feature flags of ${props.applicationName}`,
    });
    let monitorRole: iam.Role | undefined;
    if (monitors.length > 0) {
      // AppConfig reads the alarms' state with this role while a flag change deploys and bakes.
      monitorRole = new iam.Role(this, 'MonitorRole', {
        assumedBy: new iam.ServicePrincipal('appconfig.amazonaws.com'),
        description: `Lets AppConfig read the rollback alarms of ${props.applicationName}`,
      });
      monitorRole.addToPolicy(
        new iam.PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: monitors.map((a) => a.alarmArn) }),
      );
    }
    this.environment = new appconfig.CfnEnvironment(this, 'Environment', {
      applicationId: this.application.ref,
      name: props.environmentName,
      description: `Rolls a flag change back when ${monitors.length} alarm(s) fire`,
      monitors: monitorRole ? monitors.map((a) => ({ alarmArn: a.alarmArn, alarmRoleArn: monitorRole.roleArn })) : undefined,
    });
    this.profile = new appconfig.CfnConfigurationProfile(this, 'Profile', {
      applicationId: this.application.ref,
      name: this.profileName,
      locationUri: 'hosted',
      type: 'AWS.AppConfig.FeatureFlags',
    });
    this.version = new appconfig.CfnHostedConfigurationVersion(this, 'Version', {
      applicationId: this.application.ref,
      configurationProfileId: this.profile.ref,
      contentType: 'application/json',
      content: JSON.stringify(AppConfigFeatureFlags.content(props.flags)),
    });
    const bake = props.releaseBake ?? Duration.minutes(10);
    const release = new appconfig.CfnDeploymentStrategy(this, 'ReleaseStrategy', {
      name: this.releaseStrategyName,
      ...flagReleaseStrategy(Math.round(bake.toSeconds() / 60)),
    });
    new appconfig.CfnDeploymentStrategy(this, 'KillSwitchStrategy', {
      name: this.killSwitchStrategyName,
      ...KILL_SWITCH_STRATEGY,
    });
    this.deployment = new appconfig.CfnDeployment(this, 'Deployment', {
      applicationId: this.application.ref,
      environmentId: this.environment.ref,
      configurationProfileId: this.profile.ref,
      configurationVersion: this.version.ref,
      deploymentStrategyId: release.ref,
      description: 'Flags as declared in the service definition',
    });
    // The version the stack deployed: the pre-deployment guard compares it with the live one.
    new CfnOutput(this, 'FlagsVersion', {
      description:
        'Hosted configuration version of the flags this stack deploys (a different live version means a kill switch or a change by hand)',
      value: this.version.ref,
    }).overrideLogicalId(FLAGS_VERSION_OUTPUT);
  }

  /**
   * The `AWS.AppConfig.FeatureFlags` document for `flags`: one flag each; a gradual flag is a
   * multi-variant flag whose variants are `internal` (rule `(eq $internal true)`), `rollout`
   * (`(split pct::N by::$userId)`) and the default variant, off.
   */
  public static content(flags: readonly FeatureFlag[]): Record<string, unknown> {
    return appConfigFlagsContent(flags);
  }

  /**
   * Lets `role` (the task role or the function's role) read the flags through the agent or
   * extension. The permission is a policy of its own, not the role's default policy, so a function
   * whose alarms watch its flag deployments does not wait for itself.
   */
  public grantRead(role: iam.IRole): iam.Policy {
    return new iam.Policy(this, `Read${this.node.children.filter((c) => c instanceof iam.Policy).length || ''}`, {
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          actions: ['appconfig:StartConfigurationSession', 'appconfig:GetLatestConfiguration'],
          resources: [
            Stack.of(this).formatArn({
              service: 'appconfig',
              resource: 'application',
              resourceName: `${this.application.ref}/environment/${this.environment.ref}/configuration/${this.profile.ref}`,
            }),
          ],
        }),
      ],
    });
  }

  /**
   * Runs the AppConfig agent as a sidecar of `taskDefinition` (non-root, read-only root
   * filesystem, not essential: the workload keeps serving with its flags' safe defaults if the
   * agent stops) and lets the task role read the flags.
   */
  public addAgentSidecar(
    taskDefinition: ecs.TaskDefinition,
    options: { readonly logGroup: logs.ILogGroup; readonly user?: string },
  ): ecs.ContainerDefinition {
    this.grantRead(taskDefinition.taskRole);
    const container = taskDefinition.addContainer('appconfig-agent', {
      containerName: 'appconfig-agent',
      image: ecs.ContainerImage.fromRegistry(AppConfigFeatureFlags.AGENT_IMAGE),
      essential: false,
      environment: this.agentEnvironment(),
      readonlyRootFilesystem: true,
      user: options.user ?? DEFAULT_CONTAINER_USER,
      logging: ecs.LogDrivers.awsLogs({ logGroup: options.logGroup, streamPrefix: 'appconfig-agent' }),
    });
    this.workloadChecks.push({
      description: 'The tasks run the AppConfig agent the workload reads its flags from',
      command: awsCliOf(
        this,
      )`ecs describe-task-definition --task-definition ${taskDefinition.family} --query "taskDefinition.containerDefinitions[?name=='appconfig-agent'].image" --output text`,
      expected: AppConfigFeatureFlags.AGENT_IMAGE,
    });
    return container;
  }

  /**
   * Attaches the AWS AppConfig Lambda extension for the function's region and architecture (the
   * layer serves the flags at `localUrl`), sets its poll interval and lets the function read the
   * flags. The stack needs a concrete region: the layer ARN differs per region.
   *
   * @see https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-integration-lambda-extensions-versions.html
   */
  public attachLambdaExtension(fn: lambda.Function, functionName: string, aliasName = 'live'): lambda.ILayerVersion {
    const region = Stack.of(fn).region;
    if (Token.isUnresolved(region)) {
      throw new Error(
        `AppConfigFeatureFlags '${this.props.applicationName}': the AppConfig Lambda extension layer depends on the region; give the stack of function ${functionName} a region (the environment's "region")`,
      );
    }
    const arch = fn.architecture === lambda.Architecture.ARM_64 ? 'arm64' : 'x86_64';
    const arn = AppConfigFeatureFlags.lambdaExtensionArn(region, arch, this.props.applicationName);
    // The function's own runtime, not the default Runtime.ALL: that list grows whenever a Runtime is
    // constructed, and aws-cdk-lib hashes it into the function version's logical id.
    const layer = lambda.LayerVersion.fromLayerVersionAttributes(this, `LambdaExtension${this.workloadChecks.length || ''}`, {
      layerVersionArn: arn,
      compatibleRuntimes: [fn.runtime],
    });
    fn.addLayers(layer);
    for (const [key, value] of Object.entries(this.agentEnvironment())) {
      if (key.startsWith('AWS_APPCONFIG_EXTENSION_')) fn.addEnvironment(key, value);
    }
    this.grantRead(fn.role!);
    this.workloadChecks.push({
      description: 'The live function version carries the AppConfig extension the flags are read from',
      command: awsCliOf(
        this,
      )`lambda get-function-configuration --function-name ${functionName} --qualifier ${aliasName} --query "Layers[].Arn" --output text`,
      expected: arn,
    });
    return layer;
  }

  /** Where the workload reads the flags: the agent's or extension's local endpoint. */
  public get localUrl(): string {
    return AppConfigFeatureFlags.localUrlOf(this.props.applicationName, this.props.environmentName, this.profileName);
  }

  /** Environment of the AppConfig agent sidecar (ECS) or Lambda extension: the poll interval. */
  public agentEnvironment(): Record<string, string> {
    return {
      POLL_INTERVAL: String(this.pollInterval.toSeconds()),
      AWS_APPCONFIG_EXTENSION_POLL_INTERVAL_SECONDS: String(this.pollInterval.toSeconds()),
    };
  }

  /** Where the flags live and the kill switches (text in lib/runbook/platforms/appconfig-flags.ts). */
  public runbookFacts(): RunbookFacts {
    const facts = appConfigFlagsRunbookFacts({
      region: literalRegion(this),
      applicationName: this.props.applicationName,
      environmentName: this.props.environmentName,
      profileName: this.profileName,
      releaseStrategyName: this.releaseStrategyName,
      killSwitchStrategyName: this.killSwitchStrategyName,
      localUrl: this.localUrl,
      pollInterval: this.pollInterval,
      flags: this.props.flags,
      monitors: (this.props.monitors ?? []).flatMap((a) => literalName(a, a.alarmName, 'alarmName') ?? []),
      workloadChecks: this.workloadChecks,
      budget: this.props.budget,
    });
    // Before a release: no flag deployment running, and no kill switch the release would undo.
    const guard = appConfigFlagGuard({
      aws: awsCliOf(this),
      stackName: Stack.of(this).stackName,
      applicationName: this.props.applicationName,
      environmentName: this.props.environmentName,
      profileName: this.profileName,
    });
    return { ...facts, preDeploy: [...(facts.preDeploy ?? []), ...guard] };
  }
}
