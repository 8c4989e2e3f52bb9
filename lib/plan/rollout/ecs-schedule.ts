import type { EnvironmentDefinition } from '../../model/environment';
import { RolloutStrategy, type Stage } from '../../model/rollout';
import { Duration } from '../../model/duration';
import { Backend, compiledSchedule, wholeMinutes, type CompiledSchedule, type ScheduleStep } from './schedule';

/** ECS native deployment settings compiled from a rollout. */
export interface EcsDeploymentSettings {
  readonly strategy: 'BLUE_GREEN' | 'CANARY' | 'LINEAR' | 'ROLLING';
  /** Canary or linear step, % of traffic (multiples of 0.1). */
  readonly stepPercent?: number;
  /** Wait after each canary/linear step, whole minutes. */
  readonly stepBakeMinutes?: number;
  /** Wait with all traffic on the new version before the old one is stopped, whole minutes. */
  readonly bakeMinutes?: number;
  readonly minimumHealthyPercent: number;
  readonly maximumPercent: number;
}

/** An ECS rollout: the platform settings and the schedule they produce. */
export interface EcsRolloutPlan {
  readonly settings: EcsDeploymentSettings;
  readonly schedule: CompiledSchedule;
}

/** One traffic step of an ECS canary or linear deployment. */
export interface EcsTrafficStep {
  /** % of traffic each step moves. */
  readonly stepPercent?: number;
  /** Wait after each step, whole minutes. */
  readonly stepBakeMinutes: number;
}

/**
 * ECS's deployment configuration of a rollout, in the terms both AWS targets write it
 * (CloudFormation `DeploymentConfiguration`, @pulumi/aws `deploymentConfiguration`): the strategy,
 * the canary or the linear step, the bake time, and whether the circuit breaker watches it.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html
 */
export interface EcsDeploymentConfiguration {
  readonly strategy: EcsDeploymentSettings['strategy'];
  /** Wait with all traffic on the new version, whole minutes. */
  readonly bakeMinutes?: number;
  /** Present for CANARY. */
  readonly canary?: EcsTrafficStep;
  /** Present for LINEAR. */
  readonly linear?: EcsTrafficStep;
  /**
   * ECS supports the deployment circuit breaker for rolling and blue/green deployments; canary and
   * linear deployments rely on the deployment alarms.
   */
  readonly circuitBreaker: boolean;
}

/** The deployment configuration ECS runs for compiled settings; the one place the mapping is made. */
export function ecsDeploymentConfiguration(settings: EcsDeploymentSettings): EcsDeploymentConfiguration {
  const step = { stepPercent: settings.stepPercent, stepBakeMinutes: settings.stepBakeMinutes ?? 0 };
  return {
    strategy: settings.strategy,
    bakeMinutes: settings.bakeMinutes,
    canary: settings.strategy === 'CANARY' ? step : undefined,
    linear: settings.strategy === 'LINEAR' ? step : undefined,
    circuitBreaker: settings.strategy === 'ROLLING' || settings.strategy === 'BLUE_GREEN',
  };
}

const MAX_BAKE_MINUTES = 1440;

/**
 * Compiles a rollout for ECS native deployments. ECS runs one canary step then all traffic, or
 * equal linear steps, or blue/green, each followed by a bake time; it holds the 0 % test stage only
 * while a lifecycle hook runs. Anything else is reported as a deviation.
 */
export function compileEcsRollout(env: EnvironmentDefinition): EcsRolloutPlan {
  const { rollout } = env;
  const deviations: string[] = [];
  const unheldWaits: string[] = [];
  const testStages = rollout.stages.filter((s) => s.trafficPercent === 0);
  const shifting = rollout.stages.filter((s) => s.trafficPercent > 0);
  const final = shifting[shifting.length - 1];

  const bakeOf = (stage: Stage, what: string): number => {
    const minutes = wholeMinutes(stage.bake, what, deviations);
    if (minutes > MAX_BAKE_MINUTES) {
      deviations.push(`${what} is ${stage.bake}; ECS bakes at most ${MAX_BAKE_MINUTES}m (24h), so it runs ${MAX_BAKE_MINUTES}m`);
      return MAX_BAKE_MINUTES;
    }
    return minutes;
  };
  const step = (stage: Stage, trafficPercent: number, minutes: number): ScheduleStep => ({
    name: stage.name,
    trafficPercent,
    bake: Duration.minutes(minutes),
    validation: stage.validation,
    rollbackTrigger: stage.rollbackTrigger,
  });
  const testStep = (): ScheduleStep[] => {
    if (testStages.length === 0) return [];
    const stage = testStages[0];
    unheldWaits.push(
      `stage "${stage.name}" (0%) bakes ${stage.bake} in the request; ECS moves on as soon as the new tasks are healthy on the test listener, unless a lifecycle hook holds the deployment, so it runs 0m`,
    );
    return [step(stage, 0, 0)];
  };

  switch (rollout.strategy) {
    case RolloutStrategy.ROLLING:
    case RolloutStrategy.ALL_AT_ONCE: {
      const allAtOnce = rollout.strategy === RolloutStrategy.ALL_AT_ONCE;
      return {
        settings: {
          strategy: 'ROLLING',
          minimumHealthyPercent: allAtOnce ? 0 : 100 - rollout.rolling.maxUnavailablePercent,
          maximumPercent: allAtOnce ? 100 : 100 + rollout.rolling.maxSurgePercent,
        },
        schedule: compiledSchedule(Backend.ECS, rollout.strategy, [], deviations, unheldWaits),
      };
    }
    case RolloutStrategy.BLUE_GREEN: {
      const steps = testStep();
      const bakeMinutes = bakeOf(final, `stage "${final.name}" bake`);
      steps.push(step(final, 100, bakeMinutes));
      return {
        settings: { strategy: 'BLUE_GREEN', bakeMinutes, minimumHealthyPercent: 100, maximumPercent: 200 },
        schedule: compiledSchedule(Backend.ECS, rollout.strategy, steps, deviations, unheldWaits),
      };
    }
    case RolloutStrategy.CANARY: {
      const steps = testStep();
      if (shifting.length === 1) {
        deviations.push('the plan has no partial stage, so ECS runs it as blue/green (all traffic at once)');
        const bakeMinutes = bakeOf(final, `stage "${final.name}" bake`);
        steps.push(step(final, 100, bakeMinutes));
        return {
          settings: { strategy: 'BLUE_GREEN', bakeMinutes, minimumHealthyPercent: 100, maximumPercent: 200 },
          schedule: compiledSchedule(Backend.ECS, rollout.strategy, steps, deviations, unheldWaits),
        };
      }
      const canary = shifting[0];
      const stepPercent = Math.max(0.1, Math.round(canary.trafficPercent * 10) / 10);
      if (stepPercent !== canary.trafficPercent) {
        deviations.push(`stage "${canary.name}" sends ${canary.trafficPercent}%; ECS takes multiples of 0.1%, so it sends ${stepPercent}%`);
      }
      const skipped = shifting.slice(1, -1);
      if (skipped.length > 0) {
        deviations.push(
          `ECS canary deployments shift one canary step and then all traffic, so stage${skipped.length > 1 ? 's' : ''} ${skipped
            .map((s) => `"${s.name}" (${s.trafficPercent}%)`)
            .join(', ')} will not run; use Kubernetes (Argo Rollouts) for a multi-step canary`,
        );
      }
      const stepBakeMinutes = bakeOf(canary, `stage "${canary.name}" bake`);
      const bakeMinutes = bakeOf(final, `stage "${final.name}" bake`);
      steps.push(step(canary, stepPercent, stepBakeMinutes), step(final, 100, bakeMinutes));
      return {
        settings: { strategy: 'CANARY', stepPercent, stepBakeMinutes, bakeMinutes, minimumHealthyPercent: 100, maximumPercent: 200 },
        schedule: compiledSchedule(Backend.ECS, rollout.strategy, steps, deviations, unheldWaits),
      };
    }
    case RolloutStrategy.LINEAR: {
      const steps = testStep();
      const first = shifting[0];
      let stepPercent = Math.round(first.trafficPercent * 10) / 10;
      if (stepPercent !== first.trafficPercent && stepPercent >= 3) {
        deviations.push(`stage "${first.name}" sends ${first.trafficPercent}%; ECS takes multiples of 0.1%, so it steps ${stepPercent}%`);
      }
      if (stepPercent < 3) {
        deviations.push(`linear step is ${first.trafficPercent}%; ECS linear steps are at least 3%, so it steps 3%`);
        stepPercent = 3;
      }
      const stepBakeMinutes = bakeOf(first, `stage "${first.name}" bake`);
      const unequal = shifting.slice(0, -1).filter((s) => !s.bake.toSeconds() || s.bake.toSeconds() !== first.bake.toSeconds());
      if (unequal.length > 0) {
        deviations.push(`ECS linear steps all bake the same time, so every step bakes ${stepBakeMinutes}m (stage "${first.name}")`);
      }
      for (let traffic = stepPercent; traffic < 100 - 1e-9; traffic = Math.round((traffic + stepPercent) * 10) / 10) {
        const requested = shifting.find((s) => Math.abs(s.trafficPercent - traffic) < 1e-9) ?? first;
        steps.push(
          step({ ...requested, name: requested.trafficPercent === traffic ? requested.name : `step-${traffic}` }, traffic, stepBakeMinutes),
        );
      }
      const bakeMinutes = bakeOf(final, `stage "${final.name}" bake`);
      steps.push(step(final, 100, bakeMinutes));
      return {
        settings: { strategy: 'LINEAR', stepPercent, stepBakeMinutes, bakeMinutes, minimumHealthyPercent: 100, maximumPercent: 200 },
        schedule: compiledSchedule(Backend.ECS, rollout.strategy, steps, deviations, unheldWaits),
      };
    }
  }
}
