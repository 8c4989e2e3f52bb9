import { RolloutStrategy } from '../../model/rollout';
import { compliant, nonCompliant, notApplicable, PolicySeverity, type DefinitionRule } from '../policy-rule';

const MIN_WINDOW_MINUTES = 10;

/** GP-REL2: production keeps the previous version for a rollback window after all traffic moved. */
export const rollbackWindow: DefinitionRule = {
  id: 'GP-REL2',
  summary: `A production rollout keeps watching (and, where the platform can, the previous version) for at least ${MIN_WINDOW_MINUTES} minutes at 100%`,
  severity: PolicySeverity.WARNING,
  check: (definition) =>
    definition.environments.map((env) => {
      const subject = `environments[${env.order}] (${env.name})`;
      const stages = env.rollout.stages;
      if (!env.production || stages.length === 0 || env.rollout.strategy === RolloutStrategy.ROLLING) return notApplicable(subject);
      const window = stages[stages.length - 1].bake;
      return window.toMinutes() >= MIN_WINDOW_MINUTES
        ? compliant(subject)
        : nonCompliant(
            subject,
            `the last stage of "${env.name}" bakes ${window}; make it at least ${MIN_WINDOW_MINUTES}m so that slow failures are caught while rollback is instant`,
          );
    }),
};
