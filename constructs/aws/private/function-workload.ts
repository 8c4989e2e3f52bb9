import * as path from 'node:path';
import { Duration as CdkDuration, type RemovalPolicy, type Stack } from 'aws-cdk-lib/core';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { ServiceDefinition } from '../../../lib/model/service-definition';
import type { LambdaRolloutPlan } from '../../../lib/plan/rollout/codedeploy-schedule';
import type { ResourceNames } from '../../../lib/plan/names';
import { platformSmokeTests } from '../../../lib/smoke/inline';
import { HealthProbeTarget } from '../health-probe';
import { ProgressiveFunction } from '../progressive-function';
import { SmokeTestHook, SmokeTestTarget } from '../smoke-test-hook';
import type { ServiceProbe } from './service-dead-mans-switch';
import type { WorkloadSecret } from './environment-secrets';
import { ACKNOWLEDGEMENTS } from '../../../lib/runbook/platforms/aws-accepted-risks';
import { acknowledge } from './acknowledge';

/** Inputs of `functionWorkload`. */
export interface FunctionWorkloadOptions {
  /** The definition (its function workload and smoke tests). */
  readonly definition: ServiceDefinition;
  /** Physical names (the function is named after the service). */
  readonly names: ResourceNames;
  /** The CodeDeploy routing and the schedule it was compiled with. */
  readonly plan: LambdaRolloutPlan;
  /** Extra environment variables (where the flags are read). */
  readonly flagsEnvironment: Record<string, string>;
  /** The secrets the function reads. */
  readonly secrets: readonly WorkloadSecret[];
  /** The rollback alarm's per-period request gate. @default - none */
  readonly minimumRequests?: number;
  /** Retention of the log groups. */
  readonly logRetention: logs.RetentionDays;
  /** Removal policy of the log groups. */
  readonly removalPolicy: RemovalPolicy;
}

/** The function workload of a stack. */
export interface FunctionWorkload {
  /** The function and its CodeDeploy-shifted alias (the stack's child `Function`). */
  readonly canaryFunction: ProgressiveFunction;
  /** The pre-traffic smoke tests (`SmokeTests`), when the definition has smoke tests. */
  readonly smokeTestHook?: SmokeTestHook;
  /** What the dead-man's switch probes: the live alias, with the first smoke check. */
  readonly probe?: ServiceProbe;
}

/**
 * A function workload: the function shifted by CodeDeploy, and its smoke tests as the
 * deployment's pre-traffic hook.
 */
export function functionWorkload(stack: Stack, options: FunctionWorkloadOptions): FunctionWorkload {
  const { definition: def, names, plan, logRetention, removalPolicy } = options;
  const fn = def.workload.function!;
  const canaryFunction = new ProgressiveFunction(stack, 'Function', {
    minimumRequests: options.minimumRequests,
    functionName: names.base,
    runtime: lambdaRuntime(fn.runtime),
    handler: fn.handler,
    code: lambda.Code.fromAsset(path.resolve(def.baseDirectory, fn.code)),
    memoryMiB: fn.memoryMiB,
    timeout: CdkDuration.seconds(fn.timeout.toSeconds()),
    environment: { ...fn.environment, ...options.flagsEnvironment },
    secrets: options.secrets,
    routing: plan.routing,
    schedule: plan.schedule,
    logRetention,
    removalPolicy,
  });
  // A function has no URL in this stack: the probe invokes the live alias with the first smoke check.
  const [first] = def.smokeTests ? platformSmokeTests(def.smokeTests).checks : [];
  const probe = first
    ? {
        target: HealthProbeTarget.functionAlias(canaryFunction.alias),
        check: first,
        where: `the live alias (smoke check ${first.name})`,
      }
    : undefined;
  if (!def.smokeTests) return { canaryFunction, probe };
  const smokeTestHook = new SmokeTestHook(stack, 'SmokeTests', {
    functionName: `${names.base}-smoke-tests`,
    tests: def.smokeTests,
    target: SmokeTestTarget.functionVersion(canaryFunction.function.currentVersion),
    logRetention,
    removalPolicy,
  });
  canaryFunction.deploymentGroup.addPreHook(smokeTestHook.function);
  const hookId = stack.getLogicalId(smokeTestHook.function.node.defaultChild as lambda.CfnFunction);
  acknowledge(canaryFunction.deploymentGroup, ACKNOWLEDGEMENTS.preTrafficHook(hookId));
  return { canaryFunction, smokeTestHook, probe };
}

/**
 * The aws-cdk-lib runtime of a name. Reuses the library's instance where there is one: every
 * `new lambda.Runtime()` is appended to the global `Runtime.ALL`, which would make two syntheses in
 * one process differ.
 */
function lambdaRuntime(name: string): lambda.Runtime {
  return lambda.Runtime.ALL.find((r) => r.name === name && r.family !== undefined) ?? new lambda.Runtime(name, lambda.RuntimeFamily.NODEJS);
}
