import { compliant, nonCompliant, notApplicable, PolicySeverity, type DefinitionRule } from '../policy-rule';

/** Silence longer than this in production is too long to notice an outage. */
const MAX_PRODUCTION_SILENCE_MINUTES = 15;

/** GP-PROD3: production has a dead-man's switch that notices silence within 15 minutes. */
export const deadMansSwitch: DefinitionRule = {
  id: 'GP-PROD3',
  summary: `A production environment has a dead-man's switch that fires within ${MAX_PRODUCTION_SILENCE_MINUTES} minutes of silence`,
  severity: PolicySeverity.WARNING,
  check: (definition) =>
    definition.environments.map((env) => {
      const subject = `environments[${env.order}] (${env.name})`;
      if (!env.production) return notApplicable(subject);
      if (!env.deadMansSwitch.enabled) {
        return nonCompliant(
          subject,
          `production environment "${env.name}" has no dead-man's switch; remove "deadMansSwitch.enabled: false"`,
        );
      }
      if (env.deadMansSwitch.missingFor.toMinutes() > MAX_PRODUCTION_SILENCE_MINUTES) {
        return nonCompliant(
          subject,
          `the dead-man's switch of "${env.name}" waits ${env.deadMansSwitch.missingFor} of silence; lower "deadMansSwitch.missingFor" to ${MAX_PRODUCTION_SILENCE_MINUTES}m or less`,
        );
      }
      return compliant(subject);
    }),
};
