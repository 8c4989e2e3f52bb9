import type { ServiceDefinition } from '../../lib/model/service-definition';
import { runbookFileName } from '../../lib/runbook/anchors';
import { awsPlanRunbook } from '../../lib/runbook/platforms/aws-runbook';
import { smokeTestArtifacts } from '../../lib/smoke/file';
import { Target, type DeploymentTarget, type TargetArtifacts } from '../../lib/targets/target';
import type * as synthesis from './synthesize';

/** Loaded on first use: choosing targets, or rendering a runbook, must not load aws-cdk-lib or cdk8s. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const load = (): typeof synthesis => require('./synthesize') as typeof synthesis;

/**
 * AWS CloudFormation: one `DeploymentStack` per environment, its template and its runbook; the
 * runbooks alone come from the plan (`awsPlanRunbook`), without aws-cdk-lib.
 */
export const awsTarget: DeploymentTarget = {
  id: Target.AWS,
  unsupportedReason: () => undefined,
  synthesize(definition: ServiceDefinition, environments: readonly string[]): TargetArtifacts {
    const aws = load().synthesizeAws(definition, environments);
    const files: Record<string, string> = { ...smokeTestArtifacts(definition) };
    for (const [name, text] of Object.entries(aws.templates)) files[`aws/${name}`] = text;
    for (const [name, text] of Object.entries(aws.runbooks)) files[`runbooks/${name}`] = text;
    return { files, warnings: aws.warnings };
  },
  renderRunbooks(definition: ServiceDefinition, environments: readonly string[]): TargetArtifacts {
    const files: Record<string, string> = {};
    const warnings: string[] = [];
    for (const env of environments) {
      const runbook = awsPlanRunbook(definition, env);
      files[`runbooks/${runbookFileName(definition.service, env, Target.AWS)}`] = runbook.content;
      warnings.push(...runbook.warnings);
    }
    return { files, warnings };
  },
};
