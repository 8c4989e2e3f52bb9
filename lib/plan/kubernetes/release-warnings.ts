import type { DetectionReport } from '../detection/detection-plan';
import type { CompiledSchedule } from '../rollout/schedule';
import type { EnvironmentDefinition } from '../../model/environment';
import { applyStrictness, rollbackBudgetFindings, scheduleFindings, StrictFindings } from '../strictness';
import type { RollbackLevelFact } from '../../runbook/facts';

/** What the warnings of a Kubernetes release are computed from. */
export interface KubernetesWarningsInput {
  /** The schedule that will really run. */
  readonly schedule: CompiledSchedule;
  readonly detection?: DetectionReport;
  /** The definition's `strict`: findings become errors. */
  readonly strict: boolean;
  readonly runbookBaseUrl?: string;
  /** The rollback levels of the flags and the workload, to check against their budgets. */
  readonly rollbackLevels: readonly RollbackLevelFact[];
}

/** Rollback levels over budget: warnings, or an error in strict mode, by the rule every target uses. */
export function rollbackBudgetWarnings(input: Pick<KubernetesWarningsInput, 'strict' | 'rollbackLevels'>): string[] {
  return applyStrictness(rollbackBudgetFindings(undefined, input.rollbackLevels), input.strict);
}

/**
 * Strict mode: refuses every finding of the release at once (the schedule Argo cannot run exactly,
 * the steps that cannot catch a regression, the rollback levels over budget), as DeploymentStack does.
 */
export function refuseStrictFindings(input: KubernetesWarningsInput, env: EnvironmentDefinition, service: string): void {
  const findings = new StrictFindings(input.strict);
  findings.warn([...scheduleFindings(input.schedule, env, service), ...(input.detection?.findings ?? [])]);
  findings.warn(rollbackBudgetFindings(undefined, input.rollbackLevels));
  findings.refuse();
}

/**
 * Where the platform runs a different schedule than requested, or a rollback level cannot meet
 * its budget, or detection is weak; one sentence each (synth and runbook warn; strict mode throws).
 */
export function kubernetesWarnings(input: KubernetesWarningsInput): string[] {
  return [
    ...input.schedule.deviations,
    ...input.schedule.unheldWaits,
    ...rollbackBudgetWarnings(input),
    ...(input.runbookBaseUrl
      ? []
      : [
          "runbookBaseUrl is not set: the alerts' runbook_url annotations are relative links (runbooks/<file>#<anchor>) that Alertmanager receivers cannot open; set runbookBaseUrl to where the runbooks are published",
        ]),
    ...(input.detection?.notes ?? []),
    ...applyStrictness(input.detection?.findings ?? [], input.strict),
  ];
}
