import { Duration } from '../../model/duration';
import type { FeatureFlag } from '../../model/feature-flags';
import { timeBound } from '../../plan/timing';
import { awsCli } from '../aws-cli';
import type { RunbookCommand, RunbookFacts } from '../facts';
import { pollCommand } from '../poll';

/** What the AppConfig flags' runbook text needs: names and settings, no constructs. */
export interface AppConfigFlagsRunbookInput {
  /** AWS region of the stack, when literal. @default - `"$AWS_REGION"` in commands */
  readonly region?: string;
  readonly applicationName: string;
  readonly environmentName: string;
  readonly profileName: string;
  readonly releaseStrategyName: string;
  readonly killSwitchStrategyName: string;
  /** Where the workload reads the flags (agent or extension endpoint). */
  readonly localUrl: string;
  readonly pollInterval: Duration;
  readonly flags: readonly FeatureFlag[];
  /** Names of the alarms that monitor the AppConfig environment. */
  readonly monitors: readonly string[];
  /** Commands that check the workload's agent or extension, added by the construct. */
  readonly workloadChecks: readonly RunbookCommand[];
  /** Budget of rollback level 1. @default 1m */
  readonly budget?: Duration;
}

/** AWS AppConfig feature flags: where they live, and rollback level 1 (kill switches) with its bound. */
export function appConfigFlagsRunbookFacts(input: AppConfigFlagsRunbookInput): RunbookFacts {
  const app = input.applicationName;
  const killSwitches = input.flags.filter((f) => f.killSwitch);
  const resources = [
    { type: 'AWS::AppConfig::Application', name: app },
    { type: 'AWS::AppConfig::DeploymentStrategy', name: input.killSwitchStrategyName },
    { type: 'AWS::AppConfig::DeploymentStrategy', name: input.releaseStrategyName },
  ];
  const notes = [
    `feature flags live in AppConfig application ${app}, environment ${input.environmentName}, profile ${input.profileName}; the workload reads them at \`${input.localUrl}\` (AppConfig agent sidecar on ECS, AppConfig Lambda extension on Lambda), polling every ${input.pollInterval}; the definition stays the source: change it too, or the next deploy sets the flag back`,
  ];
  if (killSwitches.length === 0) {
    return { resources, notes };
  }
  const aws = awsCli(input.region);
  const env = input.environmentName;
  const monitors = input.monitors;
  const ids: RunbookCommand[] = [
    {
      description: 'Find the AppConfig IDs of the flags and the kill-switch strategy',
      command: [
        `APP_ID=$(${aws`appconfig list-applications --query "Items[?Name=='${app}'].Id" --output text`})`,
        `ENV_ID=$(${aws`appconfig list-environments --application-id "$APP_ID" --query "Items[?Name=='${env}'].Id" --output text`})`,
        `PROFILE_ID=$(${aws`appconfig list-configuration-profiles --application-id "$APP_ID" --query "Items[?Name=='${input.profileName}'].Id" --output text`})`,
        `STRATEGY_ID=$(${aws`appconfig list-deployment-strategies --query "Items[?Name=='${input.killSwitchStrategyName}'].Id" --output text`})`,
      ].join('\n'),
      expected: 'four IDs, none empty',
    },
    {
      description:
        'Download the flags deployed to the environment now: the configuration version of the newest COMPLETE deployment (deployments are listed newest first), not the newest hosted version, which may never have been deployed',
      command: [
        `DEPLOYED=$(${aws`appconfig list-deployments --application-id "$APP_ID" --environment-id "$ENV_ID" --query "Items[?State=='COMPLETE' && ConfigurationName=='${input.profileName}'] | [0].ConfigurationVersion" --output text`})`,
        `${aws`appconfig get-hosted-configuration-version --application-id "$APP_ID" --configuration-profile-id "$PROFILE_ID" --version-number "$DEPLOYED"`} flags.json`,
      ].join('\n'),
      expected: 'flags.json holds the flags the workload reads now',
    },
    ...(monitors.length > 0
      ? [
          {
            description: `Pause the actions of the alarms that monitor environment ${env} (${monitors.join(', ')}). AppConfig rolls back any deployment during which a monitor is in ALARM, so the alarm that called for the kill switch would undo it; AWS documents that a deployment does not roll back when the alarm's actions are disabled. Their state stays visible; re-enable them in the verify step`,
            command: aws`cloudwatch disable-alarm-actions --alarm-names ${monitors.join(' ')}`,
            expected: 'no output',
          },
        ]
      : []),
  ];
  const waitDeployed = pollCommand({
    check: aws`appconfig get-deployment --application-id "$APP_ID" --environment-id "$ENV_ID" --deployment-number "$DEPLOYMENT" --query State --output text`,
    until: 'COMPLETE',
    timeout: Duration.minutes(2),
    what: 'the kill-switch deployment did not complete',
  });
  const off = (flag: FeatureFlag): RunbookCommand => ({
    description: `Turn "${flag.name}" off (${flag.description}): builds on flags.json (so flags turned off before stay off), creates a version with the flag disabled for everyone, deploys it at once and waits for it (AppConfig runs one deployment per environment at a time)`,
    command: [
      `jq '.values["${flag.name}"] = {"enabled": false}' flags.json > flags-next.json && mv flags-next.json flags.json`,
      `NEW=$(${aws`appconfig create-hosted-configuration-version --application-id "$APP_ID" --configuration-profile-id "$PROFILE_ID" --content-type application/json --content fileb://flags.json --description "kill switch: ${flag.name} off" --query VersionNumber --output text`} created.json)`,
      `DEPLOYMENT=$(${aws`appconfig start-deployment --application-id "$APP_ID" --environment-id "$ENV_ID" --configuration-profile-id "$PROFILE_ID" --configuration-version "$NEW" --deployment-strategy-id "$STRATEGY_ID" --description "kill switch: ${flag.name} off" --query DeploymentNumber --output text`})`,
      waitDeployed,
    ].join('\n'),
    expected: 'DEPLOYMENT holds the deployment number, and it is COMPLETE',
  });
  return {
    rollback: [
      {
        level: 1,
        title: 'Turn the feature flag off',
        when: 'A feature behind a flag misbehaves and the rest of the release is fine. AppConfig runs one deployment per environment at a time: if a flag release is still deploying, stop it first (`aws appconfig stop-deployment --region <region>`), which also returns its flags to the previous version.',
        commands: [...ids, ...killSwitches.map(off)],
        verify: [
          ...input.workloadChecks,
          {
            description: 'The flag deployment finished',
            command: aws`appconfig get-deployment --application-id "$APP_ID" --environment-id "$ENV_ID" --deployment-number "$DEPLOYMENT" --query State --output text`,
            expected: 'COMPLETE (ROLLED_BACK means a monitor with enabled actions fired during the deployment)',
          },
          ...(monitors.length > 0
            ? [
                {
                  description: 'Re-enable the actions of the monitor alarms, once the kill switch is COMPLETE',
                  command: aws`cloudwatch enable-alarm-actions --alarm-names ${monitors.join(' ')}`,
                  expected: 'no output',
                },
              ]
            : []),
          {
            description: 'Read the flags as the workload will',
            command: [
              `TOKEN=$(${aws`appconfigdata start-configuration-session --application-identifier ${app} --environment-identifier ${input.environmentName} --configuration-profile-identifier ${input.profileName} --query InitialConfigurationToken --output text`})`,
              `${aws`appconfigdata get-latest-configuration --configuration-token "$TOKEN"`} latest-flags.json && cat latest-flags.json`,
            ].join('\n'),
            expected: 'the flag shows "enabled": false',
          },
        ],
        bound: timeBound(
          [
            { what: 'create the version and start the deployment (allowance)', duration: Duration.seconds(15) },
            { what: 'kill-switch strategy: all hosts at once, no bake', duration: Duration.seconds(0) },
            { what: 'the agent or extension polls for the change', duration: input.pollInterval },
          ],
          input.budget ?? Duration.minutes(1),
        ),
      },
    ],
    checklist: [`Flags deploy with AppConfig strategy ${input.releaseStrategyName}; a kill switch uses ${input.killSwitchStrategyName}`],
    resources,
    notes,
  };
}
