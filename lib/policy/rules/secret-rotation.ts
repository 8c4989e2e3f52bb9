import { compliant, nonCompliant, PolicySeverity, type DefinitionRule } from '../policy-rule';

const MAX_ROTATION_DAYS = 90;

/** GP-SEC1: every generated secret rotates, at least every 90 days. */
export const secretRotation: DefinitionRule = {
  id: 'GP-SEC1',
  summary: `Every generated secret rotates at least every ${MAX_ROTATION_DAYS} days`,
  severity: PolicySeverity.WARNING,
  check: (definition) =>
    (definition.environments[0]?.secrets ?? [])
      .filter((s) => s.generated)
      .map((s) => {
        const subject = `secrets (${s.name})`;
        return s.rotationDays !== undefined && s.rotationDays <= MAX_ROTATION_DAYS
          ? compliant(subject)
          : nonCompliant(
              subject,
              `secret "${s.name}" rotates every ${s.rotationDays} days; rotate at least every ${MAX_ROTATION_DAYS} days ("generate.rotation: 90d")`,
            );
      }),
};
