import { compliant, nonCompliant, PolicySeverity, type TemplateRule } from '../policy-rule';

/** GP-SEC2: every secret the stack generates has a rotation schedule. */
export const generatedSecretRotates: TemplateRule = {
  id: 'GP-SEC2',
  summary: 'Every generated Secrets Manager secret has a rotation schedule',
  severity: PolicySeverity.ERROR,
  check: (template) => {
    const resources = template.Resources ?? {};
    const rotated = new Set(
      Object.values(resources)
        .filter((r) => r.Type === 'AWS::SecretsManager::RotationSchedule')
        .map((r) => JSON.stringify((r.Properties as Record<string, unknown>)?.SecretId)),
    );
    return Object.entries(resources)
      .filter(([, r]) => r.Type === 'AWS::SecretsManager::Secret' && r.Properties?.GenerateSecretString !== undefined)
      .map(([id]) =>
        rotated.has(JSON.stringify({ Ref: id }))
          ? compliant(id)
          : nonCompliant(id, `generated secret ${id} has no rotation schedule; use ManagedSecret (rotates by itself)`),
      );
  },
};
