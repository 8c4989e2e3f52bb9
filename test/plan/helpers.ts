import { validateDefinition, type EnvironmentDefinition } from '../../lib/model';
import type { CompiledSchedule } from '../../lib/plan';

/** One validated environment named "staging" with this rollout, for a container or a function. */
export function environmentWith(rollout: unknown, workload: 'container' | 'function' = 'container'): EnvironmentDefinition {
  return validateDefinition({
    service: 'checkout',
    owners: { team: 'payments', primary: '@ana', backup: '@ben', channel: '#checkout-releases' },
    workload:
      workload === 'container'
        ? { container: { image: 'public.ecr.aws/acme/checkout:1.0.0', port: 8080, healthCheckPath: '/healthz' } }
        : { function: { runtime: 'nodejs22.x', handler: 'index.handler', code: 'dist' } },
    environments: [{ name: 'staging', rollout }],
  }).environments[0];
}

/** A stage as written in a definition. */
export const stage = (trafficPercent: number, bake: string, name = `at-${trafficPercent}`) => ({ name, trafficPercent, bake });

/** The schedule's steps as `name traffic% bake`, easy to read in a failing assertion. */
export function stepsOf(schedule: CompiledSchedule): string[] {
  return schedule.steps.map((s) => `${s.name} ${s.trafficPercent}% ${s.bake}`);
}
