import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { synthesizeAws } from '../../../constructs/aws/synthesize';
import { validateDefinition } from '../../../lib/model/validate';
import { cdkLogicalId } from '../../../lib/runbook/platforms/aws-logical-id';
import { awsPlanRunbook } from '../../../lib/runbook/platforms/aws-runbook';

const CHECKOUT = path.join(__dirname, '..', '..', '..', 'examples', 'checkout', 'definition.yaml');

/** The checkout example, changed by `edit` (a parsed copy of the YAML). */
function checkout(edit: (raw: any) => void) {
  const raw = parseYaml(fs.readFileSync(CHECKOUT, 'utf8'));
  edit(raw);
  return validateDefinition(raw);
}

/**
 * Shapes the examples do not have, each synthesized (without aws-cdk-lib's cfn-lint rules, which
 * change no runbook) and rendered from the plan: the same runbook and warnings. The examples
 * themselves are compared in test/bin/runbook-from-plan.test.ts.
 */
describe('awsPlanRunbook equals the synthesized runbook beyond the examples', () => {
  const cases: [string, string, (raw: any) => void, string][] = [
    [
      'prod on plain HTTP with a reason: the listener acknowledges it, the routing guard fingerprints the HTTP listener',
      'prod',
      (raw) => (raw.environments[2].tls = { enabled: false, reason: 'internal tool behind the VPN' }),
      'glidepath-https',
    ],
    [
      'staging without a region: placeholders in the migration runner, no access logs (a warning instead)',
      'staging',
      (raw) => delete raw.environments[1].region,
      'load balancer access logs need a region',
    ],
    [
      'staging without smoke tests: no hook, a canary warning',
      'staging',
      (raw) => delete raw.smokeTests,
      'ECS has no circuit breaker for canary deployments',
    ],
  ];

  test.each(cases)('%s', (_name, env, edit, expectedText) => {
    const definition = checkout(edit);
    const synthesized = synthesizeAws(definition, [env], { specValidation: false });
    const fromPlan = awsPlanRunbook(definition, env);
    expect(fromPlan.content).toBe(synthesized.runbooks[`checkout-${env}.md`]);
    expect(fromPlan.warnings).toEqual(synthesized.warnings);
    // Each variant shows what it is about, so the comparison covers that branch.
    expect([fromPlan.content, ...fromPlan.warnings].join('\n')).toContain(expectedText);
  });
});

describe('cdkLogicalId', () => {
  // Logical ids of the checkout-prod template, as aws-cdk-lib allocated them.
  test.each([
    [['Service', 'ProductionRule', 'Resource'], 'ServiceProductionRule8EBE4446'],
    [['Service', 'LoadBalancer', 'Https', 'Resource'], 'ServiceLoadBalancerHttpsD6ACD686'],
    [['Vpc', 'Resource'], 'Vpc8378EB38'],
    [['SmokeTests', 'Resource', 'Resource'], 'SmokeTestsE572CFFE'],
    [['Default', 'Certificate', 'Resource'], 'Certificate4E7ABB08'],
  ])('%j → %s', (components, id) => {
    expect(cdkLogicalId(components)).toBe(id);
  });

  test('a single component is the id itself, without non-alphanumerics', () => {
    expect(cdkLogicalId(['Release-Commit'])).toBe('ReleaseCommit');
  });
});
