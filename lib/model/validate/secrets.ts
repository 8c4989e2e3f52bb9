import { problem, type Problem } from '../problems';
import type { SecretInput } from '../secrets';
import type { Checkable } from './checkable';

/** Refuses secret values written in the definition, a secret with neither or both sources, and bad rotations. */
export function checkSecret(secret: SecretInput, i: number, def: Checkable, problems: Problem[]): void {
  const at = (...rest: PropertyKey[]) => ['secrets', i, ...rest];
  if (secret.value !== undefined) {
    problems.push(
      problem(
        at('value'),
        '<redacted>',
        'secret values are never written in a definition; store the value in Secrets Manager and reference it with "existing.secretName", or use "generate"',
      ),
    );
  }
  if (secret.existing === undefined && secret.generate === undefined) {
    problems.push(
      problem(
        at('existing'),
        undefined,
        `secret "${secret.name}" needs exactly one of "existing" (a secret you manage) or "generate" (created and rotated for you)`,
      ),
    );
  } else if (secret.existing !== undefined && secret.generate !== undefined) {
    problems.push(
      problem(
        at('existing'),
        secret.existing,
        `secret "${secret.name}" also has "generate"; keep one: "existing" for a secret you manage, or "generate" to have it created and rotated`,
      ),
    );
  }
  if (secret.generate) {
    const days = secret.generate.rotation.toSeconds() / 86400;
    if (!Number.isInteger(days) || days < 1 || days > 1000) {
      problems.push(
        problem(
          at('generate', 'rotation'),
          secret.generate.rotation.toString(),
          'rotation must be a whole number of days between "1d" and "1000d"',
        ),
      );
    }
  }
  const plain = def.workload?.container?.environment ?? def.workload?.function?.environment ?? {};
  if (Object.hasOwn(plain, secret.envVar)) {
    problems.push(
      problem(at('envVar'), secret.envVar, `"${secret.envVar}" is also set in the workload's plain environment; remove it there`),
    );
  }
}
