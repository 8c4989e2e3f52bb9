import { Duration } from '../../model/duration';
import type { RollbackBudgets } from '../../model/service-definition';
import type { RollbackLevelFact } from '../facts';
import type { MergedFacts } from '../merge';
import { commandSteps } from '../private/command-steps';

/** Budgets of the rollback levels when neither the options nor the context give them. */
export const DEFAULT_BUDGETS: RollbackBudgets = {
  featureFlag: Duration.minutes(1),
  configuration: Duration.minutes(5),
  code: Duration.minutes(15),
};
const LEVEL_BUDGET_KEY = { 1: 'featureFlag', 2: 'configuration', 3: 'code' } as const;
const LEVEL_TITLES = { 1: 'Feature flag', 2: 'Configuration', 3: 'Code' } as const;

/** All three levels, in order, whether or not a construct contributed each. */
export function ladder(f: MergedFacts): RollbackLevelFact[] {
  return ([1, 2, 3] as const).map(
    (level) => f.rollback.find((l) => l.level === level) ?? { level, title: LEVEL_TITLES[level], when: '', commands: [], verify: [] },
  );
}

/**
 * "Rollback": the automatic behaviour, what a rollback does not undo, and the three levels with their budgets and time bounds.
 */
export function rollbackSection(out: string[], f: MergedFacts, levels: RollbackLevelFact[], budgets: RollbackBudgets): void {
  out.push('## Rollback', '');
  if (f.automaticRollback.length > 0) {
    out.push(...f.automaticRollback, '');
  }
  if (f.migrations.length > 0) {
    out.push(
      `Rolling back code does not roll back the database: ${f.migrations
        .map((m) => `\`${m.name}\` (${m.phase}) ${m.rollback.replace(/\.$/, '')}`)
        .join('; ')}.`,
      '',
    );
  }
  for (const level of levels) {
    const budget = budgets[LEVEL_BUDGET_KEY[level.level]];
    out.push(`### Level ${level.level}: ${level.title} (budget ${budget})`, '');
    if (level.when) {
      out.push(`When: ${level.when}`, '');
    }
    if (level.commands.length === 0) {
      out.push(
        level.level === 1
          ? 'Not available: no feature flags are provisioned for this service on this target, so start at level 2.'
          : f.automaticRollback.length > 0
            ? 'No commands: see the automatic behaviour at the top of this section.'
            : 'No commands are provided for this level on this target.',
        '',
      );
    } else {
      out.push(...commandSteps(level.commands), '');
    }
    if (level.verify.length > 0) {
      out.push('Verify:', '', ...commandSteps(level.verify), '');
    }
    if (level.afterwards) {
      out.push(`Afterwards: ${level.afterwards}`, '');
    }
    if (level.bound) {
      const b = level.bound;
      out.push(
        `Time bound: **${b.total}** (${b.parts.map((p) => `${p.what} ${p.duration}`).join(' + ')}), ${
          b.withinBudget ? `within the ${b.budget} budget` : `**over the ${b.budget} budget**`
        }.`,
        '',
      );
    }
  }
}
