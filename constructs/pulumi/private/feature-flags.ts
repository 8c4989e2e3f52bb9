import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { FeatureFlag } from '../../../lib/model/feature-flags';
import type { ResourceNames } from '../../../lib/plan/names';
import { APPCONFIG_AGENT_IMAGE, appConfigFlagsContent, appConfigLambdaExtensionArn, appConfigLocalUrl } from '../../../lib/plan/appconfig';
import { flagReleaseStrategy, KILL_SWITCH_STRATEGY } from '../../../lib/plan/appconfig-strategies';
import { assumedBy } from './resource-context';

/** The AppConfig profile the workload reads. */
const PROFILE = 'feature-flags';
/** How often the agent sidecar or Lambda extension polls AppConfig. */
const POLL_SECONDS = 15;

/** Where the workload reads its flags (`GLIDEPATH_FLAGS_URL`), as on CloudFormation. */
export function flagsEnvironment(names: ResourceNames, environmentName: string, flags: readonly FeatureFlag[]): Record<string, string> {
  return flags.length > 0 ? { GLIDEPATH_FLAGS_URL: appConfigLocalUrl(names.base, environmentName, PROFILE) } : {};
}

/**
 * The AppConfig Lambda extension of a function, as `AppConfigFeatureFlags.attachLambdaExtension`
 * attaches it: the layer for the region and architecture (it serves the flags at the local URL)
 * and its poll interval.
 */
export function lambdaExtension(
  names: ResourceNames,
  region: pulumi.Input<string>,
  architecture: 'x86_64' | 'arm64' = 'x86_64',
): { layer: pulumi.Output<string>; environment: Record<string, string> } {
  return {
    layer: pulumi.output(region).apply((r) => appConfigLambdaExtensionArn(r, architecture, names.base)),
    environment: { AWS_APPCONFIG_EXTENSION_POLL_INTERVAL_SECONDS: String(POLL_SECONDS) },
  };
}

/**
 * The AppConfig agent sidecar of an ECS task (a container definition, as `DeploymentStack` adds
 * it): not essential, so the workload keeps serving with its safe defaults if the agent stops.
 */
export function agentContainer(logGroupName: pulumi.Input<string>, region: pulumi.Input<string>): Record<string, unknown> {
  return {
    name: 'appconfig-agent',
    image: APPCONFIG_AGENT_IMAGE,
    essential: false,
    environment: [
      { name: 'POLL_INTERVAL', value: String(POLL_SECONDS) },
      { name: 'AWS_APPCONFIG_EXTENSION_POLL_INTERVAL_SECONDS', value: String(POLL_SECONDS) },
    ],
    logConfiguration: {
      logDriver: 'awslogs',
      options: { 'awslogs-group': logGroupName, 'awslogs-region': region, 'awslogs-stream-prefix': 'appconfig-agent' },
    },
  };
}

/**
 * Feature flags in AppConfig, as `AppConfigFeatureFlags` creates them: the application, an
 * environment whose alarm monitors roll a bad flag change back, the `AWS.AppConfig.FeatureFlags`
 * profile with the definition's flags, the gradual release and immediate kill-switch strategies,
 * and the deployment of the declared flags; `readers` may read the configuration.
 */
export function createFeatureFlags(
  names: ResourceNames,
  environmentName: string,
  flags: readonly FeatureFlag[],
  monitors: readonly aws.cloudwatch.MetricAlarm[],
  readers: readonly pulumi.Input<string>[],
  scope: { region: pulumi.Input<string>; account: pulumi.Input<string>; tags: Record<string, string>; opts: pulumi.CustomResourceOptions },
): aws.appconfig.Application {
  const { tags, opts } = scope;
  const app = names.base;
  const application = new aws.appconfig.Application(`${app}-flags`, { name: app, description: `Feature flags of ${app}`, tags }, opts);
  let monitorRole: aws.iam.Role | undefined;
  if (monitors.length > 0) {
    // AppConfig reads the alarms' state with this role while a flag change deploys and bakes.
    monitorRole = new aws.iam.Role(
      `${app}-flags-monitor`,
      {
        description: `Lets AppConfig read the rollback alarms of ${app}`,
        assumeRolePolicy: assumedBy('appconfig.amazonaws.com'),
        tags,
      },
      opts,
    );
    new aws.iam.RolePolicy(
      `${app}-flags-monitor`,
      {
        role: monitorRole.id,
        policy: pulumi.jsonStringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'cloudwatch:DescribeAlarms', Resource: monitors.map((a) => a.arn) }],
        }),
      },
      opts,
    );
  }
  const environment = new aws.appconfig.Environment(
    `${app}-flags`,
    {
      applicationId: application.id,
      name: environmentName,
      description: `Rolls a flag change back when ${monitors.length} alarm(s) fire`,
      monitors: monitorRole ? monitors.map((a) => ({ alarmArn: a.arn, alarmRoleArn: monitorRole.arn })) : undefined,
      tags,
    },
    opts,
  );
  const profile = new aws.appconfig.ConfigurationProfile(
    `${app}-flags`,
    {
      applicationId: application.id,
      name: PROFILE,
      locationUri: 'hosted',
      type: 'AWS.AppConfig.FeatureFlags',
      tags,
    },
    opts,
  );
  const version = new aws.appconfig.HostedConfigurationVersion(
    `${app}-flags`,
    {
      applicationId: application.id,
      configurationProfileId: profile.configurationProfileId,
      contentType: 'application/json',
      content: JSON.stringify(appConfigFlagsContent(flags)),
    },
    opts,
  );
  const release = new aws.appconfig.DeploymentStrategy(
    `${app}-release`,
    {
      name: `${app}-release`,
      ...flagReleaseStrategy(10),
      tags,
    },
    opts,
  );
  new aws.appconfig.DeploymentStrategy(
    `${app}-kill-switch`,
    {
      name: `${app}-kill-switch`,
      ...KILL_SWITCH_STRATEGY,
      tags,
    },
    opts,
  );
  new aws.appconfig.Deployment(
    `${app}-flags`,
    {
      applicationId: application.id,
      environmentId: environment.environmentId,
      configurationProfileId: profile.configurationProfileId,
      configurationVersion: version.versionNumber.apply(String),
      deploymentStrategyId: release.id,
      description: 'Flags as declared in the service definition',
      tags,
    },
    opts,
  );
  readers.forEach(
    (role, i) =>
      new aws.iam.RolePolicy(
        `${app}-flags-read${i || ''}`,
        {
          role,
          policy: pulumi.jsonStringify({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: ['appconfig:StartConfigurationSession', 'appconfig:GetLatestConfiguration'],
                Resource: pulumi.interpolate`arn:aws:appconfig:${scope.region}:${scope.account}:application/${application.id}/environment/${environment.environmentId}/configuration/${profile.configurationProfileId}`,
              },
            ],
          }),
        },
        opts,
      ),
  );
  return application;
}
