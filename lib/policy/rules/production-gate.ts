import { RolloutStrategy } from '../../model/rollout';
import { compliant, nonCompliant, notApplicable, PolicySeverity, type DefinitionRule } from '../policy-rule';

const PROGRESSIVE = [RolloutStrategy.CANARY, RolloutStrategy.LINEAR, RolloutStrategy.BLUE_GREEN];

/** GP-PROD1: production is gated by a human approval or a progressive rollout (ideally both). */
export const productionGate: DefinitionRule = {
  id: 'GP-PROD1',
  summary: 'A production environment needs a human approval or a progressive rollout (canary, linear or blue-green)',
  severity: PolicySeverity.ERROR,
  check: (definition) =>
    definition.environments.map((env) => {
      const subject = `environments[${env.order}] (${env.name})`;
      if (!env.production) return notApplicable(subject);
      if (env.approval || PROGRESSIVE.includes(env.rollout.strategy)) return compliant(subject);
      return nonCompliant(
        subject,
        `production environment "${env.name}" deploys "${env.rollout.strategy}" without an approval; set "approval: true" or use "canary", "linear" or "blue-green"`,
      );
    }),
};
