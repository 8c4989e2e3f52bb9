import { Duration } from '../../model/duration';
import type { EnvironmentDefinition } from '../../model/environment';
import { RolloutStrategy, type Stage } from '../../model/rollout';
import { Backend, compiledSchedule, type CompiledSchedule, type ScheduleStep } from './schedule';

/**
 * One step of an Argo Rollouts canary (`spec.strategy.canary.steps[]`), as Argo reads it.
 * @see https://argo-rollouts.readthedocs.io/en/stable/features/canary/
 */
export type ArgoCanaryStep =
  | { readonly setWeight: number }
  | { readonly pause: { readonly duration: string } }
  | { readonly setCanaryScale: { readonly weight: number } | { readonly matchTrafficWeight: true } };

/** Argo Rollouts canary settings compiled from a staged plan. */
export interface ArgoCanaryPlan {
  /** `spec.strategy.canary.steps`, running the staged plan exactly. */
  readonly steps: readonly ArgoCanaryStep[];
  /** Index of the first step that sends traffic: background analysis starts there. */
  readonly analysisStartingStep: number;
}

/** Argo Rollouts blue-green settings compiled from a staged plan. */
export interface ArgoBlueGreenPlan {
  /** Promote without a human after the test stage; false in production. */
  readonly autoPromotionEnabled: boolean;
  /** Seconds the preview runs before automatic promotion (the test stage's bake). */
  readonly autoPromotionSeconds?: number;
  /** Seconds the previous version keeps running after promotion: the rollback window. */
  readonly scaleDownDelaySeconds: number;
}

/** A rollout compiled for Argo Rollouts: exactly one of `canary` or `blueGreen`, and the schedule. */
export interface ArgoRolloutPlan {
  readonly canary?: ArgoCanaryPlan;
  readonly blueGreen?: ArgoBlueGreenPlan;
  readonly schedule: CompiledSchedule;
  /** Facts about how the schedule runs that are not deviations (manual promotion), one sentence each. */
  readonly notes: readonly string[];
}

/** A plain Deployment's update strategy (`spec.strategy`). */
export type DeploymentStrategyPlan =
  | { readonly type: 'RollingUpdate'; readonly rollingUpdate: { readonly maxSurge: string; readonly maxUnavailable: string } }
  | { readonly type: 'Recreate' };

/** A rollout compiled for a plain Kubernetes Deployment. */
export interface KubernetesDeploymentPlan {
  readonly strategy: DeploymentStrategyPlan;
  readonly schedule: CompiledSchedule;
}

/** What the Kubernetes compilers read of an environment (an `EnvironmentDefinition` fits). */
export type RolloutTarget = Pick<EnvironmentDefinition, 'rollout' | 'production'> & {
  /** Position in the definition, for error messages. @default - messages say `rollout.strategy` */
  readonly order?: number;
};

function strategyField(env: RolloutTarget): string {
  return env.order === undefined ? 'rollout.strategy' : `environments[${env.order}].rollout.strategy`;
}

/** Whether a strategy needs Argo Rollouts on Kubernetes (traffic-shifting strategies do). */
export function usesArgoRollouts(strategy: RolloutStrategy): boolean {
  return strategy === RolloutStrategy.CANARY || strategy === RolloutStrategy.LINEAR || strategy === RolloutStrategy.BLUE_GREEN;
}

/**
 * Argo's duration notation for a model duration: `30m`, `2h`, `45s`. Argo counts whole seconds,
 * so a fractional duration is rounded up and the change noted.
 */
export function argoDuration(duration: Duration, what: string, deviations: string[]): string {
  const seconds = Math.ceil(duration.toSeconds());
  if (seconds !== duration.toSeconds()) {
    deviations.push(`${what} is ${duration}; Argo Rollouts counts whole seconds, so it runs ${seconds}s`);
  }
  if (seconds > 0 && seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds > 0 && seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/**
 * Compiles a canary, linear or blue-green rollout for Argo Rollouts with traffic routing (exact
 * weights through the ingress controller, not replica ratios).
 *
 * - canary / linear: each stage becomes `setWeight` + `pause` with the bake time, so the staged
 *   plan runs exactly; a 0 % stage starts the new version at full size with no traffic
 *   (`setCanaryScale`) on the canary Service, the test route. The pause after `setWeight: 100`
 *   keeps the previous version running: it is the rollback window.
 * - blue-green: the preview Service is the test route; promotion is manual in production and
 *   automatic after the test stage's bake elsewhere; the previous version is kept for the final
 *   stage's bake (`scaleDownDelaySeconds`).
 *
 * Throws for rolling and all-at-once, which a plain Deployment runs (`compileKubernetesDeployment`).
 */
export function compileArgoRollout(env: RolloutTarget): ArgoRolloutPlan {
  const { rollout } = env;
  if (!usesArgoRollouts(rollout.strategy)) {
    throw new Error(
      `${strategyField(env)} is "${rollout.strategy}"; Argo Rollouts runs "canary", "linear" and "blue-green" here, use compileKubernetesDeployment() for "${rollout.strategy}"`,
    );
  }
  const deviations: string[] = [];
  const notes: string[] = [];
  const scheduleStep = (stage: Stage, trafficPercent: number, bake: Duration): ScheduleStep => ({
    name: stage.name,
    trafficPercent,
    bake,
    validation: stage.validation,
    rollbackTrigger: stage.rollbackTrigger,
  });
  const seconds = (stage: Stage): number => {
    const whole = Math.ceil(stage.bake.toSeconds());
    if (whole !== stage.bake.toSeconds()) {
      deviations.push(`stage "${stage.name}" bake is ${stage.bake}; Argo Rollouts counts whole seconds, so it runs ${whole}s`);
    }
    return whole;
  };

  if (rollout.strategy === RolloutStrategy.BLUE_GREEN) {
    const test = rollout.stages.find((s) => s.trafficPercent === 0);
    const final = rollout.stages[rollout.stages.length - 1];
    const autoPromotionEnabled = !env.production;
    const steps: ScheduleStep[] = [];
    let autoPromotionSeconds: number | undefined;
    if (test) {
      const testSeconds = seconds(test);
      autoPromotionSeconds = autoPromotionEnabled ? testSeconds : undefined;
      steps.push(scheduleStep(test, 0, Duration.seconds(testSeconds)));
      if (!autoPromotionEnabled) {
        notes.push(
          `stage "${test.name}" (0%) ends with a manual promotion: production blue-green waits on the preview Service until someone promotes, at the earliest after ${test.bake}`,
        );
      }
    } else if (!autoPromotionEnabled) {
      notes.push('production blue-green waits on the preview Service until someone promotes');
    }
    const scaleDownDelaySeconds = seconds(final);
    steps.push(scheduleStep(final, 100, Duration.seconds(scaleDownDelaySeconds)));
    return {
      blueGreen: { autoPromotionEnabled, autoPromotionSeconds, scaleDownDelaySeconds },
      schedule: compiledSchedule(Backend.ARGO_ROLLOUTS, rollout.strategy, steps, deviations),
      notes,
    };
  }

  const argoSteps: ArgoCanaryStep[] = [];
  const steps: ScheduleStep[] = [];
  let analysisStartingStep = -1;
  let fullSize = false;
  for (const stage of rollout.stages) {
    const bake = seconds(stage);
    if (stage.trafficPercent === 0) {
      if (!fullSize) {
        argoSteps.push({ setCanaryScale: { weight: 100 } });
        fullSize = true;
      }
      argoSteps.push({ pause: { duration: argoDuration(Duration.seconds(bake), `stage "${stage.name}" bake`, deviations) } });
      steps.push(scheduleStep(stage, 0, Duration.seconds(bake)));
      continue;
    }
    const weight = Math.round(stage.trafficPercent);
    if (weight !== stage.trafficPercent) {
      deviations.push(`stage "${stage.name}" sends ${stage.trafficPercent}%; Argo Rollouts sets whole percentages, so it sends ${weight}%`);
    }
    if (analysisStartingStep < 0) {
      analysisStartingStep = argoSteps.length;
    }
    argoSteps.push(
      { setWeight: weight },
      { pause: { duration: argoDuration(Duration.seconds(bake), `stage "${stage.name}" bake`, deviations) } },
    );
    steps.push(scheduleStep(stage, weight, Duration.seconds(bake)));
  }
  if (fullSize) {
    notes.push('the new version runs at full size from the test stage on, so no weight step waits for pods to start');
  }
  return {
    canary: { steps: argoSteps, analysisStartingStep: Math.max(0, analysisStartingStep) },
    schedule: compiledSchedule(Backend.ARGO_ROLLOUTS, rollout.strategy, steps, deviations),
    notes,
  };
}

/**
 * Compiles a rolling or all-at-once rollout for a plain Deployment: `RollingUpdate` with the
 * rolling limits, or `Recreate` (downtime: dev only). Throws for traffic-shifting strategies, which
 * need Argo Rollouts (`compileArgoRollout`).
 */
export function compileKubernetesDeployment(env: RolloutTarget): KubernetesDeploymentPlan {
  const { rollout } = env;
  if (usesArgoRollouts(rollout.strategy)) {
    throw new Error(
      `${strategyField(env)} is "${rollout.strategy}"; a Deployment cannot split traffic, use compileArgoRollout() for "${rollout.strategy}"`,
    );
  }
  const strategy: DeploymentStrategyPlan =
    rollout.strategy === RolloutStrategy.ALL_AT_ONCE
      ? { type: 'Recreate' }
      : {
          type: 'RollingUpdate',
          rollingUpdate: {
            maxSurge: `${rollout.rolling.maxSurgePercent}%`,
            maxUnavailable: `${rollout.rolling.maxUnavailablePercent}%`,
          },
        };
  return { strategy, schedule: compiledSchedule(Backend.KUBERNETES_DEPLOYMENT, rollout.strategy, [], []) };
}
