import type { LambdaTrafficRouting } from './rollout/codedeploy-schedule';

/** Why CodeDeploy moves an alias back to the previous version by itself. */
export enum AutoRollbackEvent {
  /** The deployment failed (a hook reported Failed, or CodeDeploy could not shift). */
  DEPLOYMENT_FAILURE = 'DEPLOYMENT_FAILURE',
  /** Someone stopped it (`aws deploy stop-deployment`). */
  DEPLOYMENT_STOP_ON_REQUEST = 'DEPLOYMENT_STOP_ON_REQUEST',
  /** A rollback alarm fired during the shift. */
  DEPLOYMENT_STOP_ON_ALARM = 'DEPLOYMENT_STOP_ON_ALARM',
}

/**
 * The names and release settings of a function shifted by CodeDeploy, written once for every AWS
 * target (CloudFormation's `ProgressiveFunction`, Pulumi's `DeploymentComponent`).
 */
export interface FunctionReleaseSpec {
  readonly functionName: string;
  /** The alias that serves traffic and that CodeDeploy shifts. */
  readonly aliasName: string;
  readonly applicationName: string;
  readonly deploymentGroupName: string;
  /** `<function>-<routing>`: CodeDeploy configs are immutable, so the routing is part of the name. */
  readonly deploymentConfigName: string;
  readonly logGroupName: string;
  readonly autoRollbackEvents: readonly AutoRollbackEvent[];
  /** Name of the pre-traffic smoke-test hook function. */
  readonly smokeHookName: string;
}

/** The release settings of function `functionName` shifted by `routing`. */
export function functionReleaseSpec(functionName: string, routing: LambdaTrafficRouting, aliasName = 'live'): FunctionReleaseSpec {
  return {
    functionName,
    aliasName,
    applicationName: functionName,
    deploymentGroupName: functionName,
    deploymentConfigName: `${functionName}-${routingSlug(routing)}`,
    logGroupName: `/aws/lambda/${functionName}`,
    autoRollbackEvents: [
      AutoRollbackEvent.DEPLOYMENT_FAILURE,
      AutoRollbackEvent.DEPLOYMENT_STOP_ON_REQUEST,
      AutoRollbackEvent.DEPLOYMENT_STOP_ON_ALARM,
    ],
    smokeHookName: `${functionName}-smoke-tests`,
  };
}

/** `canary-10pct-5m`, `linear-10pct-every-2m` or `all-at-once`. */
export function routingSlug(routing: LambdaTrafficRouting): string {
  switch (routing.type) {
    case 'canary':
      return `canary-${routing.percentage}pct-${routing.intervalMinutes}m`;
    case 'linear':
      return `linear-${routing.percentage}pct-every-${routing.intervalMinutes}m`;
    case 'all-at-once':
      return 'all-at-once';
  }
}
