import { createHash } from 'node:crypto';

/**
 * The CloudFormation logical id aws-cdk-lib gives the resource at `path` (construct ids below the
 * stack, e.g. `['Service', 'ProductionRule', 'Resource']` → `ServiceProductionRule8EBE4446`), for
 * runbook text that names one without synthesis. The same rule as aws-cdk-lib's `makeUniqueId`
 * (core/lib/private/uniqueid.ts): `Default` ids dropped, the human part without `Resource` and
 * repeated components, plus the first 8 hex digits of the MD5 of the path. Stacks that rename
 * their logical ids (a `DeploymentStack` inside a pipeline stage keeps the standalone ones) are
 * not covered; the plan-versus-synthesis test holds the two together.
 */
export function cdkLogicalId(path: readonly string[]): string {
  const components = path.filter((c) => c !== 'Default');
  const alphanumeric = (s: string) => s.replace(/[^A-Za-z0-9]/g, '');
  if (components.length === 1 && alphanumeric(components[0]).length <= 255) return alphanumeric(components[0]);
  const hash = createHash('md5').update(components.join('/')).digest('hex').slice(0, 8).toUpperCase();
  const human: string[] = [];
  for (const c of components) {
    if (human.length === 0 || !human[human.length - 1].endsWith(c)) human.push(c);
  }
  return (
    human
      .filter((c) => c !== 'Resource')
      .map(alphanumeric)
      .join('')
      .slice(0, 240) + hash
  );
}
