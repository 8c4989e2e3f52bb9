import { CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import * as appconfig from 'aws-cdk-lib/aws-appconfig';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { CHECKOUT_FEATURE_FLAGS } from './environments';
import { FLAGS_PROFILE } from './service-settings';

/** Inputs of `addFeatureFlags`. */
export interface FeatureFlagsOptions {
  /** `<service>-<environment>`: the AppConfig application's name. */
  readonly base: string;
  /** The AppConfig environment's name. */
  readonly environmentName: string;
  /** The alarms that stop and roll back a flag deployment (the rollback and critical ones). */
  readonly monitored: readonly cloudwatch.IAlarm[];
  /** The role that may read the flags (the service's task role). */
  readonly readerRole: iam.IRole;
}

/**
 * Feature flags in AppConfig, by hand: a flag change deploys gradually and rolls back by itself
 * when a monitored alarm fires; the kill-switch strategy turns a flag off at once.
 */
export function addFeatureFlags(scope: Construct, options: FeatureFlagsOptions): void {
  const { base, monitored } = options;
  const flagsApp = new appconfig.Application(scope, 'FlagsApplication', {
    applicationName: base,
    description: `Feature flags of ${base}`,
  });
  const monitorRole = new iam.Role(scope, 'FlagsMonitorRole', {
    assumedBy: new iam.ServicePrincipal('appconfig.amazonaws.com'),
    description: `Lets AppConfig read the rollback alarms of ${base}`,
  });
  monitorRole.addToPolicy(new iam.PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: monitored.map((a) => a.alarmArn) }));
  const flagsEnvironment = new appconfig.Environment(scope, 'FlagsEnvironment', {
    application: flagsApp,
    environmentName: options.environmentName,
    description: `Rolls a flag change back when ${monitored.length} alarm(s) fire`,
    monitors: monitored.map((a) => appconfig.Monitor.fromCloudWatchAlarm(a, monitorRole)),
  });
  const releaseStrategy = new appconfig.DeploymentStrategy(scope, 'FlagsRelease', {
    deploymentStrategyName: `${base}-release`,
    description: 'Flag releases: 20% of hosts more every 2 minutes, then watch the alarms for the bake time',
    rolloutStrategy: appconfig.RolloutStrategy.linear({
      growthFactor: 20,
      deploymentDuration: Duration.minutes(10),
      finalBakeTime: Duration.minutes(10),
    }),
  });
  new appconfig.DeploymentStrategy(scope, 'FlagsKillSwitch', {
    deploymentStrategyName: `${base}-kill-switch`,
    description: 'Kill switch: every host at once, no bake (turning a feature off must not wait)',
    rolloutStrategy: appconfig.RolloutStrategy.linear({
      growthFactor: 100,
      deploymentDuration: Duration.minutes(0),
      finalBakeTime: Duration.minutes(0),
    }),
  });
  const flags = new appconfig.HostedConfiguration(scope, 'Flags', {
    application: flagsApp,
    name: FLAGS_PROFILE,
    type: appconfig.ConfigurationType.FEATURE_FLAGS,
    content: appconfig.ConfigurationContent.fromInlineJson(JSON.stringify(CHECKOUT_FEATURE_FLAGS)),
    deploymentStrategy: releaseStrategy,
    deployTo: [flagsEnvironment],
  });
  // The deployment's description and the version output (what the runbook compares the live version with).
  const deployment = flags.node.children.find((c): c is appconfig.CfnDeployment => c instanceof appconfig.CfnDeployment);
  deployment?.addPropertyOverride('Description', 'Flags as declared in the service definition');
  new CfnOutput(scope, 'FeatureFlagsVersion', {
    value: flags.versionNumber ?? '',
    description:
      'Hosted configuration version of the flags this stack deploys (a different live version means a kill switch or a change by hand)',
  });
  // A policy of its own (not the task role's default policy), as glidepath writes it.
  new iam.Policy(scope, 'FlagsRead', {
    roles: [options.readerRole],
    statements: [
      new iam.PolicyStatement({
        actions: ['appconfig:StartConfigurationSession', 'appconfig:GetLatestConfiguration'],
        resources: [
          Stack.of(scope).formatArn({
            service: 'appconfig',
            resource: 'application',
            resourceName: `${flagsApp.applicationId}/environment/${flagsEnvironment.environmentId}/configuration/${flags.configurationProfileId}`,
          }),
        ],
      }),
    ],
  });
}
