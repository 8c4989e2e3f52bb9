import { HeartbeatSource } from '../../model/dead-mans-switch';
import { environmentOf, type ServiceDefinition } from '../../model/service-definition';
import { TlsMode } from '../../model/tls';
import { compileLambdaRollout } from '../../plan/rollout/codedeploy-schedule';
import { detectionReport } from '../../plan/detection/detection-plan';
import { compileEcsRollout } from '../../plan/rollout/ecs-schedule';
import { ResourceNames } from '../../plan/names';
import { rollbackBudgetFindings, scheduleFindings, StrictFindings } from '../../plan/strictness';
import type { RunbookFacts } from '../facts';
import { awsLevelBounds } from './aws-bounds';
import { platformSmokeTests } from '../../smoke/inline';

/**
 * The warnings `DeploymentStack` annotates for an environment, in the order synthesis reports them
 * (service without a test-listener hook, schedule deviations, traffic notes, detection power, the
 * dead-man's switch without a probe, rollback budgets, access logs without a region), from the
 * definition alone; in strict mode the same `DefinitionError` synthesis throws. `facts` are the
 * environment's runbook facts (`awsPlanRunbookFacts`), whose feature flags bound level 1.
 */
export function awsPlanWarnings(definition: ServiceDefinition, environment: string, facts: readonly RunbookFacts[]): string[] {
  const def = definition;
  const env = environmentOf(def, environment);
  const base = new ResourceNames(def.service, env.name).base;
  const container = def.workload.container;
  const findings = new StrictFindings(def.strict);
  const warnings: string[] = [];
  const ecs = container ? compileEcsRollout(env) : undefined;
  const schedule = (ecs ?? compileLambdaRollout(env)).schedule;
  if (ecs && !def.smokeTests && (ecs.settings.strategy === 'CANARY' || ecs.settings.strategy === 'LINEAR')) {
    warnings.push(
      `${base}: ECS has no circuit breaker for ${ecs.settings.strategy.toLowerCase()} deployments, so a new revision whose tasks crash before taking traffic trips no alarm and the deployment waits; add smokeTests so the test-listener hook fails it before production traffic shifts`,
    );
  }
  if (def.strict) findings.warn(scheduleFindings(schedule, env, def.service));
  else warnings.push(...schedule.deviations.map((d) => `${base}: ${d}`));
  const detection = detectionReport(env, { label: `${def.service}-${env.name}`, environmentIndex: env.order, schedule });
  warnings.push(...(detection?.notes ?? []), ...findings.warn(detection?.findings ?? []));
  if (env.deadMansSwitch.enabled && env.deadMansSwitch.source !== HeartbeatSource.HEARTBEAT && !probed(def, env)) {
    warnings.push(
      container
        ? `${base}: the dead-man's switch watches CPU samples, which prove that tasks run, not that users reach the service; set tls.domainName so a probe can call it by the certificate's name`
        : `${base}: the dead-man's switch watches invocations, which stop on a quiet night as when the function is down; add smokeTests so a probe can invoke the live alias each minute`,
    );
  }
  const { level2, level3 } = awsLevelBounds(schedule, container !== undefined, def.rollbackBudgets);
  const level1 = facts.flatMap((f) => f.rollback ?? []).find((l) => l.level === 1)?.bound;
  const budgets = rollbackBudgetFindings(base, [
    { level: 1, bound: level1 },
    { level: 2, bound: level2 },
    { level: 3, bound: level3 },
  ]);
  warnings.push(...findings.warn(budgets).map((w) => `${w} (the runbook's rollback ladder has the steps)`));
  findings.refuse();
  if (container && !env.region) {
    warnings.push(`${base}: load balancer access logs need a region; set the environment's region (or the stack's env) to enable them`);
  }
  return warnings;
}

/** Whether the dead-man's switch has a probe: a container by its URL (HTTPS only by name), a function by a smoke check. */
export function probed(def: ServiceDefinition, env: ReturnType<typeof environmentOf>): boolean {
  if (!def.workload.container) return def.smokeTests !== undefined && platformSmokeTests(def.smokeTests).checks[0] !== undefined;
  const tls = env.tls;
  return tls === undefined || tls.mode === TlsMode.DISABLED || tls.domainName !== undefined;
}
