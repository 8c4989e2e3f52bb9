import { compliant, nonCompliant, notApplicable, PolicySeverity, type DefinitionRule } from '../policy-rule';

/** GP-REL1: a release reaches production only after a non-production environment. */
export const promotionPath: DefinitionRule = {
  id: 'GP-REL1',
  summary: 'Every production environment is preceded by a non-production environment that runs the same release first',
  severity: PolicySeverity.WARNING,
  check: (definition) =>
    definition.environments.map((env) => {
      const subject = `environments[${env.order}] (${env.name})`;
      if (!env.production) return notApplicable(subject);
      return definition.environments.some((e) => !e.production && e.order < env.order)
        ? compliant(subject)
        : nonCompliant(subject, `production environment "${env.name}" is the first stop of a release; add a staging environment before it`);
    }),
};
