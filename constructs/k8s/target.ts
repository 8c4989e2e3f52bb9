import type { ServiceDefinition } from '../../lib/model/service-definition';
import { runbookFileName } from '../../lib/runbook/anchors';
import { kubernetesRunbookFacts } from '../../lib/runbook/platforms/kubernetes-runbook';
import { renderRunbook } from '../../lib/runbook/render';
import { smokeTestArtifacts } from '../../lib/smoke/file';
import { Target, type DeploymentTarget, type PreviousArtifact, type TargetArtifacts } from '../../lib/targets/target';
import type * as synthesis from './synthesize';

/** Loaded on first use: choosing targets, or rendering a runbook, must not load aws-cdk-lib or cdk8s. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const load = (): typeof synthesis => require('./synthesize') as typeof synthesis;

/** Where the manifest of an environment is written, relative to the output directory. */
const manifestFile = (definition: ServiceDefinition, env: string): string => `k8s/${definition.service}-${env}.k8s.yaml`;

/** The runbook of one environment, from the plan (no cdk8s), and the warnings synthesis would print. */
function runbookOf(definition: ServiceDefinition, env: string): { file: string; content: string; warnings: string[] } {
  const { facts, warnings } = kubernetesRunbookFacts(definition, env);
  return {
    file: `runbooks/${runbookFileName(definition.service, env, Target.KUBERNETES)}`,
    content: renderRunbook(facts, { budgets: definition.rollbackBudgets }),
    warnings,
  };
}

/** Kubernetes: one `DeploymentChart` per environment, its manifest and its runbook. Containers only. */
export const kubernetesTarget: DeploymentTarget = {
  id: Target.KUBERNETES,
  unsupportedReason: (definition) =>
    definition.workload.container ? undefined : `"${definition.service}" is a function; the k8s target runs containers, use --target aws`,
  synthesize(definition: ServiceDefinition, environments: readonly string[], previous?: PreviousArtifact): TargetArtifacts {
    const files: Record<string, string> = { ...smokeTestArtifacts(definition) };
    const warnings: string[] = [];
    for (const env of environments) {
      const file = manifestFile(definition, env);
      const { manifest, warnings: envWarnings } = load().synthesizeKubernetes(definition, env, { previousManifest: previous?.(file) });
      warnings.push(...envWarnings);
      files[file] = manifest;
      const runbook = runbookOf(definition, env);
      files[runbook.file] = runbook.content;
    }
    return { files, warnings };
  },
  renderRunbooks(definition: ServiceDefinition, environments: readonly string[]): TargetArtifacts {
    const files: Record<string, string> = {};
    const warnings: string[] = [];
    for (const env of environments) {
      const runbook = runbookOf(definition, env);
      files[runbook.file] = runbook.content;
      warnings.push(...runbook.warnings);
    }
    return { files, warnings };
  },
};
