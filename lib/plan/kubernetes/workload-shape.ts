import {
  compileArgoRollout,
  compileKubernetesDeployment,
  usesArgoRollouts,
  type ArgoRolloutPlan,
  type KubernetesDeploymentPlan,
  type RolloutTarget,
} from '../rollout/argo-schedule';
import type { RolloutPlan } from '../rollout/rollout-plan';
import { Backend, type CompiledSchedule } from '../rollout/schedule';

/** Revisions a Rollout's `rollbackWindow` covers: an undo to one of them skips steps and analysis. */
export const ROLLBACK_WINDOW_REVISIONS = 3;

/** Seconds without progress after which a rollout is marked failed (and a Rollout aborts). */
export const PROGRESS_DEADLINE_SECONDS = 600;

/** What decides a workload's shape: its name, how it rolls out, the plan when already compiled. */
export interface WorkloadShapeInput {
  /** Name of the Rollout or Deployment and its Services. */
  readonly name: string;
  /** How new versions roll out. */
  readonly rollout: RolloutTarget;
  /** The rollout already compiled for this environment. @default - compiled from `rollout` */
  readonly plan?: RolloutPlan;
  /** Labels that select the pods. @default - `app.kubernetes.io/name` and `app.kubernetes.io/instance` = `name` */
  readonly selectorLabels?: Record<string, string>;
}

/** A Kubernetes workload as decided: a Rollout (Argo Rollouts) or a Deployment, its Services and schedule. */
export interface WorkloadShape {
  /** `Rollout` or `Deployment`. */
  readonly kind: 'Rollout' | 'Deployment';
  /** Name of the Rollout or Deployment. */
  readonly name: string;
  /** Service that receives user traffic (stable / active). */
  readonly serviceName: string;
  /** Service of the new version during a rollout (canary / preview), for Rollouts. */
  readonly testServiceName?: string;
  /** Labels that select the pods. */
  readonly selectorLabels: Record<string, string>;
  /** The schedule that will really run. */
  readonly schedule: CompiledSchedule;
  /** The compiled Argo Rollouts plan, for Rollouts. */
  readonly argo?: ArgoRolloutPlan;
  /** The compiled Deployment strategy, for Deployments. */
  readonly deployment?: KubernetesDeploymentPlan;
}

/**
 * Canary, linear and blue-green run as an Argo Rollouts `Rollout` (with a `-canary` or `-preview`
 * Service for the new version); rolling and all-at-once as a `Deployment`.
 */
export function workloadShape(input: WorkloadShapeInput): WorkloadShape {
  const { name } = input;
  const plan: RolloutPlan =
    input.plan ??
    (usesArgoRollouts(input.rollout.rollout.strategy)
      ? { backend: Backend.ARGO_ROLLOUTS, ...compileArgoRollout(input.rollout) }
      : { backend: Backend.KUBERNETES_DEPLOYMENT, ...compileKubernetesDeployment(input.rollout) });
  const selectorLabels = input.selectorLabels ?? { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name };
  if (plan.backend === Backend.ARGO_ROLLOUTS) {
    return {
      kind: 'Rollout',
      name,
      serviceName: name,
      testServiceName: `${name}-${plan.canary ? 'canary' : 'preview'}`,
      selectorLabels,
      schedule: plan.schedule,
      argo: plan,
    };
  }
  if (plan.backend === Backend.KUBERNETES_DEPLOYMENT) {
    return { kind: 'Deployment', name, serviceName: name, selectorLabels, schedule: plan.schedule, deployment: plan };
  }
  throw new Error(
    `ProgressiveWorkload ${name}: 'plan.backend' is "${plan.backend}"; a Kubernetes workload runs "${Backend.ARGO_ROLLOUTS}" or "${Backend.KUBERNETES_DEPLOYMENT}" plans: compile it with compileRollout(env, backendFor(definition, Target.KUBERNETES, env))`,
  );
}
