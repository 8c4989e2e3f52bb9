import { DefinitionError, type Problem } from '../model/problems';
import type { EnvironmentDefinition } from '../model/environment';
import type { CompiledSchedule } from './rollout/schedule';
import type { TimeBound } from './timing';

/** Something a target found it cannot do exactly as the definition asks; a warning, or an error in strict mode. */
export interface PlanFinding {
  /** The definition field to change, as written (`rollbackBudgets.code`). */
  readonly path: string;
  /** The field's current value, quoted in the strict-mode error. */
  readonly value: string;
  /** What will happen instead, one sentence with the numbers. */
  readonly message: string;
  /** What to change to make the finding go away. */
  readonly fix: string;
}

/**
 * The same rule on every target: in strict mode every finding is an error of the field it names
 * (all of them at once); otherwise each is a warning, returned for the caller to report.
 */
export function applyStrictness(findings: readonly PlanFinding[], strict: boolean): string[] {
  if (strict && findings.length > 0) {
    const problems: Problem[] = findings.map((f) => ({
      path: f.path,
      message: `${f.path} is ${f.value}; ${f.message}; ${f.fix} (strict mode)`,
    }));
    throw new DefinitionError(problems);
  }
  return findings.map((f) => `${f.message}; ${f.fix}`);
}

/**
 * The findings of one target, gathered where each is found (the schedule, the detection model,
 * the rollback bounds) and refused together: in strict mode `warn` holds them and `refuse` throws
 * one error listing every field with its value and fix; otherwise `warn` returns the warnings at
 * once and `refuse` does nothing.
 */
export class StrictFindings {
  private readonly held: PlanFinding[] = [];

  constructor(private readonly strict: boolean) {}

  /** The warnings for these findings, or none in strict mode (they wait for `refuse`). */
  public warn(findings: readonly PlanFinding[]): string[] {
    if (!this.strict) return applyStrictness(findings, false);
    this.held.push(...findings);
    return [];
  }

  /** In strict mode, throws a `DefinitionError` naming every finding held so far. */
  public refuse(): void {
    applyStrictness(this.held, this.strict);
  }
}

/** The stages as written, for a finding's value: `canary 10% for 10m, full 100% for 10m`. */
function stagesAsWritten(env: EnvironmentDefinition): string {
  const stages = env.rollout.stages.map((s) => `${s.name} ${s.trafficPercent}% for ${s.bake}`).join(', ');
  return stages ? `${env.rollout.strategy} (${stages})` : env.rollout.strategy;
}

/**
 * Where the platform runs a different schedule than requested, as findings of
 * `environments[i].rollout` (strict mode refuses them with the other findings; `enforceStrict`
 * alone when the target has no others).
 */
export function scheduleFindings(schedule: CompiledSchedule, env: EnvironmentDefinition, service: string): PlanFinding[] {
  return schedule.deviations.map((d) => ({
    path: `environments[${env.order}].rollout`,
    value: stagesAsWritten(env),
    message: `environments[${env.order}].rollout (${service}-${env.name}, ${schedule.backend}) cannot run exactly as requested: ${d}`,
    fix: 'adjust the stages or set "strict: false" to accept the schedule that will run',
  }));
}

/** Which budget each rollback level is held to, and what the level does. */
const LEVELS = {
  1: { field: 'featureFlag', does: 'turn the feature flag off' },
  2: { field: 'configuration', does: 'redeploy the previous version' },
  3: { field: 'code', does: 'revert the code and deploy it through the rollout' },
} as const;

/**
 * Rollback levels whose computed bound is over the level's budget, as findings naming the budget
 * to raise (level 1 is "featureFlag": turn the flag off; level 2 is "configuration": redeploy the
 * previous version; level 3 is "code": revert and deploy through the rollout). `label` (e.g.
 * `checkout-prod`) starts each message when given.
 */
export function rollbackBudgetFindings(
  label: string | undefined,
  bounds: readonly { readonly level: 1 | 2 | 3; readonly bound?: TimeBound }[],
): PlanFinding[] {
  return bounds
    .filter((b) => b.bound !== undefined && !b.bound.withinBudget)
    .map(({ level, bound }) => {
      const b = bound as TimeBound;
      return {
        path: `rollbackBudgets.${LEVELS[level].field}`,
        value: String(b.budget),
        message: `${label ? `${label}: ` : ''}rollback level ${level} (${LEVELS[level].does}) takes up to ${b.total} with this configuration, over its ${b.budget} budget (${b.parts
          .map((p) => `${p.what} ${p.duration}`)
          .join(' + ')})`,
        fix:
          level === 1
            ? 'make the workload read its flags sooner or raise the budget'
            : 'shorten the bake times before 100% traffic or raise the budget',
      };
    });
}
