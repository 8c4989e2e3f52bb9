import type { EcsDeploymentSettings } from '../../lib/plan/rollout/ecs-schedule';

/** The ECS strategy names, and the definition's spellings of them (`canary`, `blue-green`, …). */
export type FargateDeploymentStrategy = EcsDeploymentSettings['strategy'] | 'canary' | 'linear' | 'blue-green' | 'rolling';

/**
 * ECS deployment settings as written by hand. Strategies take the ECS names or the YAML spellings;
 * the healthy percentages have defaults.
 */
export interface FargateDeploymentOptions extends Omit<EcsDeploymentSettings, 'strategy' | 'minimumHealthyPercent' | 'maximumPercent'> {
  /** `'CANARY'` or `'canary'`, `'LINEAR'`, `'BLUE_GREEN'` or `'blue-green'`, `'ROLLING'`. */
  readonly strategy: FargateDeploymentStrategy;
  /** Tasks kept healthy during a deployment, % of the desired count. @default 100 */
  readonly minimumHealthyPercent?: number;
  /** Tasks allowed during a deployment, % of the desired count. @default 200 */
  readonly maximumPercent?: number;
}

/** Fills the defaults of `FargateDeploymentOptions` and maps YAML spellings to the ECS names. */
export function resolveFargateDeployment(options: FargateDeploymentOptions): EcsDeploymentSettings {
  const strategy = options.strategy.toUpperCase().replace('-', '_') as EcsDeploymentSettings['strategy'];
  if (!['BLUE_GREEN', 'CANARY', 'LINEAR', 'ROLLING'].includes(strategy)) {
    throw new Error(
      `ProgressiveFargateService 'deployment.strategy' is "${options.strategy}"; use 'canary', 'linear', 'blue-green' or 'rolling' (or the ECS names 'CANARY', 'LINEAR', 'BLUE_GREEN', 'ROLLING')`,
    );
  }
  return {
    ...options,
    strategy,
    minimumHealthyPercent: options.minimumHealthyPercent ?? 100,
    maximumPercent: options.maximumPercent ?? 200,
  };
}
