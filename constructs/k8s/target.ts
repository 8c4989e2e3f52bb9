import type { ServiceDefinition } from '../../lib/model/service-definition';
import { runbookFileName } from '../../lib/runbook/anchors';
import { renderRunbook } from '../../lib/runbook/render';
import { smokeTestArtifacts } from '../../lib/smoke/file';
import { Target, type DeploymentTarget, type PreviousArtifact, type TargetArtifacts } from '../../lib/targets/target';
import type * as synthesis from './synthesize';

/** Loaded on first use: choosing targets must not load aws-cdk-lib or cdk8s. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const load = (): typeof synthesis => require('./synthesize') as typeof synthesis;

/** Kubernetes: one `DeploymentChart` per environment, its manifest and its runbook. Containers only. */
export const kubernetesTarget: DeploymentTarget = {
  id: Target.KUBERNETES,
  unsupportedReason: (definition) =>
    definition.workload.container ? undefined : `"${definition.service}" is a function; the k8s target runs containers, use --target aws`,
  synthesize(definition: ServiceDefinition, environments: readonly string[], previous?: PreviousArtifact): TargetArtifacts {
    const files: Record<string, string> = { ...smokeTestArtifacts(definition) };
    const warnings: string[] = [];
    for (const env of environments) {
      const file = `k8s/${definition.service}-${env}.k8s.yaml`;
      const {
        manifest,
        facts,
        warnings: envWarnings,
      } = load().synthesizeKubernetes(definition, env, {
        previousManifest: previous?.(file),
      });
      warnings.push(...envWarnings);
      files[file] = manifest;
      files[`runbooks/${runbookFileName(definition.service, env, Target.KUBERNETES)}`] = renderRunbook(facts, {
        budgets: definition.rollbackBudgets,
      });
    }
    return { files, warnings };
  },
};
