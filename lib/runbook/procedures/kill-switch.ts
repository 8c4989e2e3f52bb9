import { Duration } from '../../model/duration';
import type { AwsCli } from '../aws-cli';
import type { RunbookCommand } from '../command';
import { pollCommand } from '../poll';

/** What the kill switch names. */
export interface KillSwitchNames {
  readonly aws: AwsCli;
  readonly application: string;
  readonly environment: string;
  readonly profile: string;
  readonly killSwitchStrategy: string;
  /** Flags that may be turned off, by name. */
  readonly flags: readonly { readonly name: string; readonly description: string }[];
  /** Alarms that monitor the environment (AppConfig rolls back while one is in ALARM with actions enabled). */
  readonly monitors: readonly string[];
}

/**
 * Level 1 on AppConfig, for ONE flag (FLAG, set by the engineer): stops a flag release still
 * deploying (AppConfig runs one deployment per environment at a time), builds on the flags deployed
 * now, and deploys the kill switch with the monitor alarms' actions disabled only for the length of
 * that deployment: a subshell re-enables them on its way out (trap EXIT), whether it succeeded,
 * failed or timed out, so paging never stays off because a step was skipped.
 * @see https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-creating-environment.html#appconfig-creating-environment-monitoring
 */
export function killSwitch(n: KillSwitchNames): { commands: RunbookCommand[]; verify: RunbookCommand[] } {
  const { aws } = n;
  const names = n.flags.map((f) => f.name);
  const enable = n.monitors.length > 0 ? aws`cloudwatch enable-alarm-actions --alarm-names ${n.monitors.join(' ')}` : ':';
  const waitDeployed = pollCommand({
    check: aws`appconfig get-deployment --application-id "$APP_ID" --environment-id "$ENV_ID" --deployment-number "$DEPLOYMENT" --query State --output text`,
    until: 'COMPLETE',
    timeout: Duration.minutes(2),
    interval: Duration.seconds(5),
    what: 'the kill-switch deployment did not complete',
  });
  return {
    commands: [
      {
        description: `Name the flag to turn off (one of ${names.join(', ')}): only that flag changes; the others stay as deployed`,
        command: [
          `FLAG=\${FLAG:-}  # e.g. FLAG=${names[0]}`,
          `case "$FLAG" in ${names.join('|')}) echo "turning $FLAG off" ;; *) echo "set FLAG to one of: ${names.join(' ')}" >&2; exit 1 ;; esac`,
        ].join('\n'),
        expected: 'turning FLAG off',
      },
      {
        description: 'Find the AppConfig IDs of the flags and the kill-switch strategy',
        command: [
          `APP_ID=$(${aws`appconfig list-applications --query "Items[?Name=='${n.application}'].Id" --output text`})`,
          `ENV_ID=$(${aws`appconfig list-environments --application-id "$APP_ID" --query "Items[?Name=='${n.environment}'].Id" --output text`})`,
          `PROFILE_ID=$(${aws`appconfig list-configuration-profiles --application-id "$APP_ID" --query "Items[?Name=='${n.profile}'].Id" --output text`})`,
          `STRATEGY_ID=$(${aws`appconfig list-deployment-strategies --query "Items[?Name=='${n.killSwitchStrategy}'].Id" --output text`})`,
          'echo "${APP_ID:?} ${ENV_ID:?} ${PROFILE_ID:?} ${STRATEGY_ID:?}"',
        ].join('\n'),
        expected: 'four IDs, none empty',
      },
      {
        description:
          'A flag release still deploying holds the environment (one deployment at a time): stop it, which returns its flags to the previous version',
        command: [
          `RUNNING=$(${aws`appconfig list-deployments --application-id "$APP_ID" --environment-id "$ENV_ID" --query "Items[?State=='DEPLOYING' || State=='BAKING'] | [0].DeploymentNumber" --output text`})`,
          `[ "$RUNNING" = None ] || ${aws`appconfig stop-deployment --application-id "$APP_ID" --environment-id "$ENV_ID" --deployment-number "$RUNNING" --output text`}`,
        ].join('\n'),
        expected: 'no output when nothing was deploying',
      },
      {
        description:
          'Download the flags deployed now: the configuration version of the newest COMPLETE deployment (listed newest first), not the newest hosted version, which may never have been deployed',
        command: [
          `DEPLOYED=$(${aws`appconfig list-deployments --application-id "$APP_ID" --environment-id "$ENV_ID" --query "Items[?State=='COMPLETE' && ConfigurationName=='${n.profile}'] | [0].ConfigurationVersion" --output text`})`,
          `${aws`appconfig get-hosted-configuration-version --application-id "$APP_ID" --configuration-profile-id "$PROFILE_ID" --version-number "$DEPLOYED"`} flags.json`,
        ].join('\n'),
        expected: 'flags.json holds the flags the workload reads now; the CLI prints the JSON metadata of the version',
      },
      {
        description: `Turn FLAG off for everyone and deploy it at once. ${
          n.monitors.length > 0
            ? `The monitor alarms (${n.monitors.join(', ')}) would roll the kill switch back while in ALARM, so their actions are disabled for this deployment only: the subshell re-enables them when it ends, also on failure`
            : 'No alarm monitors the environment'
        }`,
        command: [
          '(',
          `  trap '${enable.replace(/'/g, `'\\''`)}' EXIT`,
          ...(n.monitors.length > 0 ? [`  ${aws`cloudwatch disable-alarm-actions --alarm-names ${n.monitors.join(' ')}`}`] : []),
          `  jq --arg flag "$FLAG" '.values[$flag] = {"enabled": false}' flags.json > flags-off.json`,
          `  NEW=$(${aws`appconfig create-hosted-configuration-version --application-id "$APP_ID" --configuration-profile-id "$PROFILE_ID" --content-type application/json --content fileb://flags-off.json --description "kill switch: $FLAG off" --query VersionNumber --output text`} created.json)`,
          `  DEPLOYMENT=$(${aws`appconfig start-deployment --application-id "$APP_ID" --environment-id "$ENV_ID" --configuration-profile-id "$PROFILE_ID" --configuration-version "$NEW" --deployment-strategy-id "$STRATEGY_ID" --description "kill switch: $FLAG off" --query DeploymentNumber --output text`})`,
          '  echo "$DEPLOYMENT" > kill-switch-deployment.txt',
          `  ${waitDeployed}`,
          ')',
          'DEPLOYMENT=$(cat kill-switch-deployment.txt)',
        ].join('\n'),
        expected: 'the kill switch is COMPLETE and the alarms page again',
      },
    ],
    verify: [
      {
        description: 'The alarms that monitor the environment page again',
        command:
          n.monitors.length > 0
            ? aws`cloudwatch describe-alarms --alarm-names ${n.monitors.join(' ')} --query 'MetricAlarms[?ActionsEnabled==\`false\`].AlarmName' --output text`
            : 'echo "no monitor alarms"',
        expected: 'nothing (every alarm has its actions enabled)',
      },
      {
        description: 'Read the flags as the workload will',
        command: [
          `TOKEN=$(${aws`appconfigdata start-configuration-session --application-identifier ${n.application} --environment-identifier ${n.environment} --configuration-profile-identifier ${n.profile} --query InitialConfigurationToken --output text`})`,
          `${aws`appconfigdata get-latest-configuration --configuration-token "$TOKEN"`} latest-flags.json && jq --arg flag "$FLAG" '.values[$flag]' latest-flags.json`,
        ].join('\n'),
        expected: '{"enabled": false}',
      },
    ],
  };
}
