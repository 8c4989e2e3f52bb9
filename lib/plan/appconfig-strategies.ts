/**
 * The AppConfig deployment strategies of feature flags, for both AWS targets (CloudFormation's
 * `AppConfigFeatureFlags` and the Pulumi component).
 * @see https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-creating-deployment-strategy.html
 */
/** The settings of an AppConfig deployment strategy both AWS targets create (name apart). */
export interface AppConfigStrategySettings {
  readonly description: string;
  readonly deploymentDurationInMinutes: number;
  readonly growthType: 'LINEAR';
  readonly growthFactor: number;
  readonly finalBakeTimeInMinutes: number;
  readonly replicateTo: 'NONE';
}

/** Flag releases: 20% of hosts more every 2 minutes, then the alarms are watched for `bakeMinutes`. */
export function flagReleaseStrategy(bakeMinutes: number): AppConfigStrategySettings {
  return {
    description: 'Flag releases: 20% of hosts more every 2 minutes, then watch the alarms for the bake time',
    deploymentDurationInMinutes: 10,
    growthType: 'LINEAR',
    growthFactor: 20,
    finalBakeTimeInMinutes: bakeMinutes,
    replicateTo: 'NONE',
  };
}

/** The kill switch: every host at once, no bake (turning a feature off must not wait). */
export const KILL_SWITCH_STRATEGY: AppConfigStrategySettings = {
  description: 'Kill switch: every host at once, no bake (turning a feature off must not wait)',
  deploymentDurationInMinutes: 0,
  growthType: 'LINEAR',
  growthFactor: 100,
  finalBakeTimeInMinutes: 0,
  replicateTo: 'NONE',
};
