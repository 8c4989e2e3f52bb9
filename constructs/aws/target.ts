import type { ServiceDefinition } from '../../lib/model/service-definition';
import { smokeTestArtifacts } from '../../lib/smoke/file';
import { Target, type DeploymentTarget, type TargetArtifacts } from '../../lib/targets/target';
import type * as synthesis from './synthesize';

/** Loaded on first use: choosing targets must not load aws-cdk-lib or cdk8s. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const load = (): typeof synthesis => require('./synthesize') as typeof synthesis;

/** AWS CloudFormation: one `DeploymentStack` per environment, its template and its runbook. */
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
};
