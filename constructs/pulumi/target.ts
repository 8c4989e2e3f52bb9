import type { ServiceDefinition } from '../../lib/model/service-definition';
import { runbookFileName } from '../../lib/runbook/anchors';
import { renderRunbook } from '../../lib/runbook/render';
import { smokeTestArtifacts } from '../../lib/smoke/file';
import { Target, type DeploymentTarget, type TargetArtifacts } from '../../lib/targets/target';
import type * as referenceStack from './private/reference-stack';
import type * as runbookFacts from './private/runbook-facts';

/** Loaded on first use: choosing targets must not load aws-cdk-lib. */
/* eslint-disable @typescript-eslint/no-require-imports */
const load = () => ({
  ...(require('./private/reference-stack') as typeof referenceStack),
  ...(require('./private/runbook-facts') as typeof runbookFacts),
});
/* eslint-enable @typescript-eslint/no-require-imports */

/** The stack output the example programs export the service URL under (`DeploymentComponentArgs.serviceUrlOutput`). */
const SERVICE_URL_OUTPUT = 'serviceUrl';

/**
 * Pulumi, for the CLI: the runbook of a `DeploymentComponent` on `DeploymentPlatform.AWS` in a
 * Pulumi stack named after the environment (`pulumi stack init prod`, as the examples do). The
 * resources themselves are created by `pulumi up` of a program, so the CLI writes no template;
 * rendering needs no `@pulumi/*` package. Not among `synth`'s defaults: pass `--target pulumi`.
 */
export const pulumiTarget: DeploymentTarget = {
  id: Target.PULUMI,
  unsupportedReason: () => undefined,
  synthesize(definition: ServiceDefinition, environments: readonly string[]): TargetArtifacts {
    const { ReferenceStack, awsRunbookFacts } = load();
    const files: Record<string, string> = { ...smokeTestArtifacts(definition) };
    const warnings: string[] = [];
    for (const env of environments) {
      const reference = new ReferenceStack(definition, env);
      if (reference.missing.length > 0) {
        warnings.push(
          `${reference.stack.names.base} (Pulumi/AWS): not deployed by the Pulumi target yet, though DeploymentStack deploys them: ${reference.missing.join(', ')}`,
        );
      }
      const facts = awsRunbookFacts(definition, reference, { stack: env, serviceUrlOutput: SERVICE_URL_OUTPUT });
      files[`runbooks/${runbookFileName(definition.service, env, Target.PULUMI)}`] = renderRunbook(facts, {
        budgets: definition.rollbackBudgets,
      });
    }
    return { files, warnings };
  },
};
