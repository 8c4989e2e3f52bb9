import { Duration } from '../../model/duration';
import type { FeatureFlag } from '../../model/feature-flags';
import { timeBound } from '../../plan/timing';
import { awsCli } from '../aws-cli';
import type { RunbookCommand, RunbookFacts } from '../facts';
import { killSwitch } from '../procedures/kill-switch';

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
  // One flag (FLAG) at a time; paging comes back on when the kill-switch step ends (issue 25 item 5).
  const { commands, verify } = killSwitch({
    aws: awsCli(input.region),
    application: app,
    environment: input.environmentName,
    profile: input.profileName,
    killSwitchStrategy: input.killSwitchStrategyName,
    flags: killSwitches,
    monitors: input.monitors,
  });
  return {
    rollback: [
      {
        level: 1,
        title: 'Turn the feature flag off',
        when: `A feature behind a flag misbehaves and the rest of the release is fine: set FLAG to that flag (${killSwitches.map((f) => `${f.name}: ${f.description}`).join('; ')}).`,
        commands,
        verify: [...input.workloadChecks, ...verify],
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
