import type { MergedFacts } from '../merge';
import type { RollbackLevelFact } from '../facts';
import { rollbackEffect } from '../private/decision';
import { table } from '../private/markdown';

/**
 * "Decision record": the rollout pattern, why it was chosen, its effect on rollback and the team's DORA targets.
 */
export function decisionRecord(out: string[], f: MergedFacts, levels: RollbackLevelFact[]): void {
  const ctx = f.context;
  if (!ctx) return;
  out.push('## Decision record', '');
  out.push(`- Pattern: **${ctx.strategy}**.`);
  out.push(`- Why: ${ctx.rationale ?? 'no rationale is recorded in the definition (add `rollout.rationale`).'}`);
  out.push(`- Effect on rollback: ${rollbackEffect(ctx.strategy, f.rollout?.schedule)}`, '');
  if (ctx.dora) {
    const d = ctx.dora;
    out.push(
      'DORA targets of the team:',
      '',
      table(
        ['Metric', 'Target'],
        [
          ['Deployment frequency', d.deploymentFrequency],
          ['Lead time for changes', d.leadTime.toString()],
          ['Change failure rate', `${d.changeFailureRatePercent}%`],
          ['Time to restore service', d.timeToRestore.toString()],
        ],
      ),
      '',
    );
    const restore = levels.find((l) => l.level === 2)?.bound;
    if (restore) {
      out.push(
        restore.total.toSeconds() <= d.timeToRestore.toSeconds()
          ? `Level 2 restores service in at most ${restore.total}, within the ${d.timeToRestore} time-to-restore target.`
          : `Level 2 takes up to ${restore.total}, **longer than the ${d.timeToRestore} time-to-restore target**.`,
        '',
      );
    }
  }
}
