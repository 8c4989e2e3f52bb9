import type { EnvironmentDefinition } from '../model/environment';
import type { SecretReference } from '../model/secrets';
import { environmentOf, type ServiceDefinition } from '../model/service-definition';
import { Target } from '../targets/target';
import { alarmCatalogue, type AlarmDefinition } from './alarm-catalogue';
import { ResourceNames } from './names';
import { backendFor, compileRollout, type RolloutPlan } from './rollout/rollout-plan';
import { Backend } from './rollout/schedule';
import { secretVariable } from './secret-bindings';

/** A secret as the workload receives it: the reference from the definition and the variable it lands in. */
export interface SecretBinding {
  readonly secret: SecretReference;
  /**
   * The environment variable the workload reads: the value under `envVar` in a container, the ARN
   * under `<envVar>_SECRET_ARN` in a function (lib/plan/secret-bindings).
   */
  readonly variable: string;
}

/**
 * Everything decided about one environment on one target, once: the targets and the runbook render
 * this and decide nothing it could decide.
 */
export interface DeploymentPlan {
  readonly definition: ServiceDefinition;
  readonly environment: EnvironmentDefinition;
  /** The target the plan is for (`Target.PULUMI` plans AWS resources, like `Target.AWS`). */
  readonly target: Target;
  /** What runs the rollout: ECS, Lambda + CodeDeploy, Argo Rollouts or a plain Deployment. */
  readonly backend: Backend;
  /** Whether the workload is a function (Lambda): secrets arrive as ARNs, no load balancer, no saturation alarms. */
  readonly isFunction: boolean;
  /** Physical names (`checkout-prod`, alarm and topic names). */
  readonly names: ResourceNames;
  /** The rollout compiled for the backend: platform settings and the schedule that will really run. */
  readonly rollout: RolloutPlan;
  /**
   * The alarm catalogue with thresholds, empty when alarms are off: saturation alarms for
   * containers, the dead-man's switch when enabled, the Watchdog on Kubernetes.
   */
  readonly alarms: readonly AlarmDefinition[];
  /** Secrets with the variable each lands in. */
  readonly secrets: readonly SecretBinding[];
  /** Where the platform will run a different schedule than requested, one sentence each (synth warns; strict fails). */
  readonly deviations: readonly string[];
  /** Waits the platform does not hold (informational). */
  readonly unheldWaits: readonly string[];
}

/**
 * Plans one environment of a definition on a target: the one entry every target and the runbook
 * call. `environment` is the environment's name (or its already-resolved definition).
 */
export function planDeployment(
  definition: ServiceDefinition,
  environment: string | EnvironmentDefinition,
  platform: Target,
): DeploymentPlan {
  const env = typeof environment === 'string' ? environmentOf(definition, environment) : environment;
  const backend = backendFor(definition, platform === Target.KUBERNETES ? Target.KUBERNETES : Target.AWS, env);
  const isFunction = backend === Backend.LAMBDA_CODEDEPLOY;
  const rollout = compileRollout(env, backend);
  const kubernetes = platform === Target.KUBERNETES;
  return {
    definition,
    environment: env,
    target: platform,
    backend,
    isFunction,
    names: new ResourceNames(definition.service, env.name),
    rollout,
    alarms: env.alarms.enabled
      ? alarmCatalogue(env.alarms, { deadMansSwitch: env.deadMansSwitch, saturation: !isFunction, watchdog: kubernetes })
      : [],
    secrets: env.secrets.map((secret) => ({ secret, variable: secretVariable(secret.envVar, isFunction) })),
    deviations: rollout.schedule.deviations,
    unheldWaits: rollout.schedule.unheldWaits,
  };
}
