import type { ServiceDefinition } from '../../lib/model/service-definition';
import { runbookFileName } from '../../lib/runbook/anchors';
import { renderRunbook } from '../../lib/runbook/render';
import { smokeTestArtifacts } from '../../lib/smoke/file';
import { Target, type DeploymentTarget, type TargetArtifacts } from '../../lib/targets/target';
import { awsRunbookFacts } from './private/runbook-facts';

/** The stack output the example programs export the service URL under (`DeploymentComponentArgs.serviceUrlOutput`). */
const SERVICE_URL_OUTPUT = 'serviceUrl';

/**
 * Pulumi, for the CLI: the runbook of a `DeploymentComponent` on `DeploymentPlatform.AWS` in a
 * Pulumi stack named after the environment (`pulumi stack init prod`, as the examples do). The
 * resources themselves are created by `pulumi up` of a program, so the CLI writes no template;
 * the runbook comes from the plan, so rendering needs neither `@pulumi/*` nor aws-cdk-lib. Not
 * among `synth`'s defaults: pass `--target pulumi`.
 */
export const pulumiTarget: DeploymentTarget = {
  id: Target.PULUMI,
  unsupportedReason: () => undefined,
  synthesize(definition: ServiceDefinition, environments: readonly string[]): TargetArtifacts {
    const files: Record<string, string> = { ...smokeTestArtifacts(definition) };
    for (const env of environments) {
      const facts = awsRunbookFacts(definition, env, { stack: env, serviceUrlOutput: SERVICE_URL_OUTPUT });
      files[`runbooks/${runbookFileName(definition.service, env, Target.PULUMI)}`] = renderRunbook(facts, {
        budgets: definition.rollbackBudgets,
      });
    }
    return { files, warnings: [] };
  },
};
