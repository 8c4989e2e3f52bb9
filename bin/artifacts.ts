/**
 * Everything `glidepath synth` and the quick-start app produce for one definition, in memory:
 * file path (relative to the output directory) → content. Nothing is written here, so a failure
 * anywhere leaves no half-written output.
 */
import type { ServiceDefinition } from '../lib/model/service-definition';
import { Target, type TargetArtifacts } from '../lib/targets/target';
import { synthesizeTargets, targetsFor } from './targets';

export { Target, targetsFor };

/** Files and warnings for one definition. */
export type Artifacts = TargetArtifacts;

/** Renders the Kubernetes manifests and runbooks of a definition's environments. */
export function kubernetesArtifacts(definition: ServiceDefinition, environments: readonly string[]): Artifacts {
  return synthesizeTargets(definition, [Target.KUBERNETES], environments);
}

/** Renders every requested target of a definition (default: every target it can run on). */
export function synthesizeArtifacts(
  definition: ServiceDefinition,
  options: { environments?: readonly string[]; targets?: readonly Target[] } = {},
): Artifacts {
  const environments = options.environments ?? definition.environments.map((e) => e.name);
  return synthesizeTargets(definition, options.targets ?? targetsFor(definition), environments);
}
