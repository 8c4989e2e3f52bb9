import { RolloutStrategy } from '../../model/rollout';
import { compliant, nonCompliant, notApplicable, PolicySeverity, type DefinitionRule } from '../policy-rule';

/** GP-PROD2: production rolls back by itself: alarms on, and a strategy the platform can roll back. */
export const productionAutoRollback: DefinitionRule = {
  id: 'GP-PROD2',
  summary: 'A production deployment rolls back automatically on its alarms',
  severity: PolicySeverity.ERROR,
  check: (definition) =>
    definition.environments.map((env) => {
      const subject = `environments[${env.order}] (${env.name})`;
      if (!env.production) return notApplicable(subject);
      if (!env.alarms.enabled) {
        return nonCompliant(
          subject,
          `production environment "${env.name}" has alarms disabled, so nothing can roll a deployment back; remove "alarms.enabled: false"`,
        );
      }
      if (env.rollout.strategy === RolloutStrategy.ALL_AT_ONCE) {
        return nonCompliant(
          subject,
          `production environment "${env.name}" uses "all-at-once": the old version is gone before the alarms can judge the new one; use "blue-green", "canary" or "rolling"`,
        );
      }
      return compliant(subject);
    }),
};
