import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { DeploymentStack } from '../../../constructs/aws/deployment-stack';
import { loadDefinitionFile } from '../../../lib/model/load';
import { isRunbookContributor, type IRunbookContributor, type RunbookFacts } from '../../../lib/runbook/facts';
import { awsPlanRunbookFacts } from '../../../lib/runbook/platforms/aws-plan';
import { renderRunbook } from '../../../lib/runbook/render';

const EXAMPLES = path.join(__dirname, '..', '..', '..', 'examples');
const CASES = [
  ['checkout/definition.yaml', 'dev'],
  ['checkout/definition.yaml', 'staging'],
  ['checkout/definition.yaml', 'prod'],
  ['storefront-web/definition.yaml', 'dev'],
  ['storefront-web/definition.yaml', 'staging'],
  ['storefront-web/definition.yaml', 'prod'],
  ['payments-api/definition.ts', 'staging'],
  ['payments-api/definition.ts', 'prod'],
] as const;

/** The facts of every contributor of the synthesized stack's tree, in tree order. */
function stackFacts(file: string, environment: string): RunbookFacts[] {
  const definition = loadDefinitionFile(path.join(EXAMPLES, file));
  const stack = new DeploymentStack(new App(), `${definition.service}-${environment}`, { definition, environment });
  return stack.node
    .findAll()
    .filter((c): c is typeof c & IRunbookContributor => isRunbookContributor(c))
    .map((c) => c.runbookFacts());
}

/**
 * The listener-rule guard compares a fingerprint of the rendered CloudFormation rules, tags
 * included, which an unsynthesized stack has not applied yet; test/bin/runbook-from-plan.test.ts
 * compares the plan's guard with the synthesized one.
 */
function withoutRoutingGuard(facts: RunbookFacts[]): RunbookFacts[] {
  return facts.map((f) => (f.preDeploy ? { ...f, preDeploy: f.preDeploy.filter((c) => !c.command.includes("'TrafficRouting'")) } : f));
}

describe('awsPlanRunbookFacts: the DeploymentStack runbook facts without aws-cdk-lib', () => {
  test.each(CASES)('%s %s: the same facts as the constructs of the stack, in tree order', (file, environment) => {
    const definition = loadDefinitionFile(path.join(EXAMPLES, file));
    const fromStack = withoutRoutingGuard(stackFacts(file, environment));
    const fromPlan = withoutRoutingGuard(awsPlanRunbookFacts(definition, environment));
    expect(fromPlan).toEqual(fromStack);
    // Byte for byte in the rendered runbook too (Duration instances and all).
    expect(renderRunbook(fromPlan)).toBe(renderRunbook(fromStack));
  });

  test('the shifting ECS service of checkout prod has the routing guard in the stack and in the plan', () => {
    const definition = loadDefinitionFile(path.join(EXAMPLES, 'checkout/definition.yaml'));
    for (const facts of [stackFacts('checkout/definition.yaml', 'prod'), awsPlanRunbookFacts(definition, 'prod')]) {
      const guard = facts.flatMap((f) => f.preDeploy ?? []).filter((c) => c.command.includes("'TrafficRouting'"));
      expect(guard).toHaveLength(1);
    }
  });
});
