import { type Duration, sumDurations } from '../../model/duration';
import type { EnvironmentDefinition } from '../../model/environment';
import { DefinitionError } from '../../model/problems';
import type { RolloutStrategy } from '../../model/rollout';

/** The platforms a rollout can be compiled for; each runs a different set of schedules. */
export enum Backend {
  /** ECS native deployments (deploymentStrategy + bake time). */
  ECS = 'ecs',
  /** Lambda alias shifted by CodeDeploy. */
  LAMBDA_CODEDEPLOY = 'lambda-codedeploy',
  /** Argo Rollouts on Kubernetes. */
  ARGO_ROLLOUTS = 'argo-rollouts',
  /** A plain Kubernetes Deployment. */
  KUBERNETES_DEPLOYMENT = 'kubernetes-deployment',
}

/** One step of the schedule the platform will really run. */
export interface ScheduleStep {
  readonly name: string;
  /** Traffic on the new version during the step. */
  readonly trafficPercent: number;
  /** How long the platform waits in this step before moving on. */
  readonly bake: Duration;
  readonly validation?: string;
  readonly rollbackTrigger?: string;
}

/** A rollout compiled for one backend: what will really run, and how it differs from the request. */
export interface CompiledSchedule {
  readonly backend: Backend;
  readonly strategy: RolloutStrategy;
  /** Steps in order. Empty for rolling and all-at-once, which replace instances without splitting traffic. */
  readonly steps: readonly ScheduleStep[];
  /**
   * Where the platform runs different traffic steps than requested (skipped stages, rounded
   * percentages or times), one sentence each. Strict mode refuses these.
   */
  readonly deviations: readonly string[];
  /**
   * Requested waits that the platform does not hold by itself (a 0 % test stage without a hook, a
   * bake after the deployment ends): the traffic steps are as requested, but people must watch for
   * that long. Shown in the runbook; not refused by strict mode.
   */
  readonly unheldWaits: readonly string[];
  /** Time from the first traffic shift to the end of the last bake, when nothing goes wrong. */
  readonly totalBake: Duration;
}

/** Builds a compiled schedule, totalling the bakes. */
export function compiledSchedule(
  backend: Backend,
  strategy: RolloutStrategy,
  steps: ScheduleStep[],
  deviations: string[],
  unheldWaits: string[] = [],
): CompiledSchedule {
  return { backend, strategy, steps, deviations, unheldWaits, totalBake: sumDurations(steps.map((s) => s.bake)) };
}

/** Rounds a duration up to whole minutes (what ECS and CodeDeploy accept), noting the change. */
export function wholeMinutes(duration: Duration, what: string, deviations: string[]): number {
  const minutes = Math.ceil(duration.toMinutes());
  if (minutes !== duration.toMinutes()) {
    deviations.push(`${what} is ${duration}; the platform counts whole minutes, so it runs ${minutes}m`);
  }
  return minutes;
}

/**
 * Applies the environment's strictness: in strict mode a schedule that differs from the request is
 * an error; otherwise the caller warns.
 */
export function enforceStrict(schedule: CompiledSchedule, env: EnvironmentDefinition, strict: boolean, service: string): void {
  if (strict && schedule.deviations.length > 0) {
    throw new DefinitionError(
      schedule.deviations.map((d, i) => ({
        path: `environments[${env.order}].rollout`,
        message: `environments[${env.order}].rollout (${service}-${env.name}, ${schedule.backend}) cannot run exactly as requested: ${d}${
          i === 0 ? '; adjust the stages or set "strict: false" to accept the schedule that will run' : ''
        }`,
      })),
    );
  }
}
