/**
 * Everything `glidepath synth` and the quick-start app produce for one definition, in memory:
 * file path (relative to the output directory) → content. Nothing is written here, so a failure
 * anywhere leaves no half-written output.
 */
import type { ServiceDefinition } from '../lib/model/service-definition';
import { runbookFileName } from '../lib/runbook/anchors';
import { RunbookTarget } from '../lib/runbook/facts';
import { renderRunbook } from '../lib/runbook/render';
import { renderSmokeTestsFile, smokeTestsFileName } from '../lib/smoke/file';
import { awsRenderer, kubernetesRenderer, Target } from './targets';

export { Target } from './targets';

/** Files and warnings for one definition. */
export interface Artifacts {
  readonly files: Record<string, string>;
  readonly warnings: readonly string[];
}

/** Targets a definition can render to: functions run on AWS only. */
export function targetsFor(definition: ServiceDefinition): Target[] {
  return definition.workload.container ? [Target.AWS, Target.KUBERNETES] : [Target.AWS];
}

/** Renders the Kubernetes manifests and runbooks of a definition's environments. */
export function kubernetesArtifacts(definition: ServiceDefinition, environments: readonly string[]): Artifacts {
  const files: Record<string, string> = {};
  const warnings: string[] = [];
  const { synthesizeKubernetes } = kubernetesRenderer('synth');
  for (const env of environments) {
    const { manifest, facts, warnings: envWarnings } = synthesizeKubernetes(definition, env);
    warnings.push(...envWarnings);
    files[`k8s/${definition.service}-${env}.k8s.yaml`] = manifest;
    files[`runbooks/${runbookFileName(definition.service, env, RunbookTarget.KUBERNETES)}`] = renderRunbook(facts, {
      budgets: definition.rollbackBudgets,
    });
  }
  return { files, warnings };
}

/** Renders every requested target of a definition. */
export function synthesizeArtifacts(
  definition: ServiceDefinition,
  options: { environments?: readonly string[]; targets?: readonly Target[] } = {},
): Artifacts {
  const environments = options.environments ?? definition.environments.map((e) => e.name);
  const targets = options.targets ?? targetsFor(definition);
  const files: Record<string, string> = {};
  const warnings: string[] = [];
  if (targets.includes(Target.AWS)) {
    const aws = awsRenderer('synth').synthesizeAws(definition, environments);
    for (const [name, text] of Object.entries(aws.templates)) files[`aws/${name}`] = text;
    for (const [name, text] of Object.entries(aws.runbooks)) files[`runbooks/${name}`] = text;
    warnings.push(...aws.warnings);
  }
  if (targets.includes(Target.KUBERNETES)) {
    const k8s = kubernetesArtifacts(definition, environments);
    Object.assign(files, k8s.files);
    warnings.push(...k8s.warnings);
  }
  // The runbooks' `glidepath smoke-test --config` reads this file.
  if (definition.smokeTests) {
    files[smokeTestsFileName(definition.service)] = renderSmokeTestsFile(definition.smokeTests);
  }
  return { files, warnings };
}
