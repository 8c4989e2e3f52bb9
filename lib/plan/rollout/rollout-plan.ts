import type { EnvironmentDefinition } from '../../model/environment';
import type { ServiceDefinition } from '../../model/service-definition';
import { Target } from '../../targets/target';
import {
  compileArgoRollout,
  compileKubernetesDeployment,
  usesArgoRollouts,
  type ArgoRolloutPlan,
  type KubernetesDeploymentPlan,
} from './argo-schedule';
import { compileLambdaRollout, type LambdaRolloutPlan } from './codedeploy-schedule';
import { compileEcsRollout, type EcsRolloutPlan } from './ecs-schedule';
import { Backend } from './schedule';

/** A rollout compiled once for one backend: the platform settings and the schedule that will really run. */
export type RolloutPlan =
  | ({ readonly backend: Backend.ECS } & EcsRolloutPlan)
  | ({ readonly backend: Backend.LAMBDA_CODEDEPLOY } & LambdaRolloutPlan)
  | ({ readonly backend: Backend.ARGO_ROLLOUTS } & ArgoRolloutPlan)
  | ({ readonly backend: Backend.KUBERNETES_DEPLOYMENT } & KubernetesDeploymentPlan);

/** The backend that runs an environment's rollout on a target: the workload kind and the strategy decide. */
export function backendFor(definition: ServiceDefinition, target: Target, env: EnvironmentDefinition): Backend {
  if (target === Target.KUBERNETES) {
    return usesArgoRollouts(env.rollout.strategy) ? Backend.ARGO_ROLLOUTS : Backend.KUBERNETES_DEPLOYMENT;
  }
  return awsBackend(definition);
}

/** A rollout on AWS (CloudFormation or Pulumi): ECS native deployments or a CodeDeploy-shifted Lambda alias. */
export type AwsRolloutPlan = Extract<RolloutPlan, { readonly backend: Backend.ECS | Backend.LAMBDA_CODEDEPLOY }>;

/** The rollout of an environment on AWS, compiled for the backend the workload runs on. */
export function planAwsRollout(definition: ServiceDefinition, env: EnvironmentDefinition): AwsRolloutPlan {
  return awsBackend(definition) === Backend.ECS
    ? { backend: Backend.ECS, ...compileEcsRollout(env) }
    : { backend: Backend.LAMBDA_CODEDEPLOY, ...compileLambdaRollout(env) };
}

/** On AWS a container runs on ECS, a function on Lambda shifted by CodeDeploy. */
function awsBackend(definition: ServiceDefinition): Backend.ECS | Backend.LAMBDA_CODEDEPLOY {
  return definition.workload.container ? Backend.ECS : Backend.LAMBDA_CODEDEPLOY;
}

/**
 * The rollout of an environment on a target, compiled once for the backend `backendFor` chooses:
 * the one call a target makes, so no target decides between ECS, Lambda and Kubernetes itself.
 */
export function planRollout(definition: ServiceDefinition, target: Target, env: EnvironmentDefinition): RolloutPlan {
  return compileRollout(env, backendFor(definition, target, env));
}

/**
 * Compiles an environment's rollout for a backend, once; constructs take the result and never
 * re-derive it from the definition. Adding a rollout strategy changes the compilers this calls.
 */
export function compileRollout(env: EnvironmentDefinition, backend: Backend): RolloutPlan {
  switch (backend) {
    case Backend.ECS:
      return { backend, ...compileEcsRollout(env) };
    case Backend.LAMBDA_CODEDEPLOY:
      return { backend, ...compileLambdaRollout(env) };
    case Backend.ARGO_ROLLOUTS:
      return { backend, ...compileArgoRollout(env) };
    case Backend.KUBERNETES_DEPLOYMENT:
      return { backend, ...compileKubernetesDeployment(env) };
  }
}
