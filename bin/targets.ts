/**
 * The registry of targets the CLI and the quick-start app synthesize to. Each entry loads its
 * target folder only when used, so `glidepath validate` needs neither aws-cdk-lib nor cdk8s, and
 * a CDK-only project never loads cdk8s. Adding a target: a folder with a `target.ts` exporting a
 * `DeploymentTarget`, and one line here.
 */
import type { ServiceDefinition } from '../lib/model/service-definition';
import { assertPeers, AWS_PEERS, KUBERNETES_PEERS, missingPeers, type Peer } from '../lib/private/peers';
import { Target, type DeploymentTarget, type PreviousArtifact, type TargetArtifacts } from '../lib/targets/target';
import type * as awsSynthesis from '../constructs/aws/synthesize';
import type * as kubernetesSynthesis from '../constructs/k8s/synthesize';

export { Target };

/* eslint-disable @typescript-eslint/no-require-imports -- lazy loading keeps each target's peer dependencies optional */
const REGISTRY: ReadonlyArray<{
  readonly id: Target;
  readonly peers: readonly Peer[];
  /** Whether `synth` renders it when no `--target` is given. */
  readonly byDefault: boolean;
  readonly load: () => DeploymentTarget;
}> = [
  {
    id: Target.AWS,
    peers: AWS_PEERS,
    byDefault: true,
    load: () => (require('../constructs/aws/target') as { awsTarget: DeploymentTarget }).awsTarget,
  },
  {
    id: Target.KUBERNETES,
    peers: KUBERNETES_PEERS,
    byDefault: true,
    load: () => (require('../constructs/k8s/target') as { kubernetesTarget: DeploymentTarget }).kubernetesTarget,
  },
  // A Pulumi stack is deployed by `pulumi up` of a program; the CLI renders its runbook from the
  // plan (the AWS platform's), which needs no peer: neither @pulumi/* nor aws-cdk-lib.
  {
    id: Target.PULUMI,
    peers: [],
    byDefault: false,
    load: () => (require('../constructs/pulumi/target') as { pulumiTarget: DeploymentTarget }).pulumiTarget,
  },
];

/** The AWS synthesis functions, for commands that work on stacks (`check`); names the missing peer. */
export function awsRenderer(command: string): typeof awsSynthesis {
  assertPeers(`glidepath ${command} (target aws)`, AWS_PEERS);
  return require('../constructs/aws/synthesize') as typeof awsSynthesis;
}

/** The Kubernetes synthesis functions; names the missing peer. */
export function kubernetesRenderer(command: string): typeof kubernetesSynthesis {
  assertPeers(`glidepath ${command} (target k8s)`, KUBERNETES_PEERS);
  return require('../constructs/k8s/synthesize') as typeof kubernetesSynthesis;
}
/* eslint-enable @typescript-eslint/no-require-imports */

/** Whether a target's peer dependencies are installed. */
export function isTargetInstalled(id: Target): boolean {
  const entry = REGISTRY.find((e) => e.id === id);
  return entry !== undefined && missingPeers(entry.peers).length === 0;
}

/** Targets the CLI can synthesize to, in registry order. */
export const CLI_TARGETS: readonly Target[] = REGISTRY.map((entry) => entry.id);

/**
 * The target unit of an id; an error naming the ones there are for an id the CLI cannot synthesize.
 * The unit is light (it loads its constructs when it synthesizes); `synthesizeTargets` checks peers.
 */
export function targetUnit(id: Target): DeploymentTarget {
  const entry = REGISTRY.find((e) => e.id === id);
  if (!entry) {
    throw new Error(`target "${id}" cannot be synthesized by the CLI; use one of ${CLI_TARGETS.map((t) => `"${t}"`).join(', ')}`);
  }
  return entry.load();
}

/**
 * The targets `synth` renders by default that can deploy a definition (functions run on AWS
 * only); Pulumi is rendered on request (`--target pulumi`).
 */
export function targetsFor(definition: ServiceDefinition): Target[] {
  return REGISTRY.filter((e) => e.byDefault)
    .map((e) => e.id)
    .filter((id) => targetUnit(id).unsupportedReason(definition) === undefined);
}

/** Throws, naming the file, when a requested target cannot deploy the definition. */
export function assertSupported(file: string, definition: ServiceDefinition, targets: readonly Target[]): void {
  for (const id of targets) {
    const reason = targetUnit(id).unsupportedReason(definition);
    if (reason) throw new Error(`${file}: ${reason}`);
  }
}

/** Renders each requested target, in memory; a missing peer is named with the command that needed it. */
export function synthesizeTargets(
  definition: ServiceDefinition,
  targets: readonly Target[],
  environments: readonly string[],
  previous?: PreviousArtifact,
  command = 'synth',
): TargetArtifacts {
  for (const id of targets) {
    assertPeers(`glidepath ${command} (target ${id})`, REGISTRY.find((e) => e.id === id)?.peers ?? []);
  }
  const units = targets.map(targetUnit);
  const files: Record<string, string> = {};
  const warnings: string[] = [];
  for (const unit of units) {
    const out = unit.synthesize(definition, environments, previous);
    Object.assign(files, out.files);
    warnings.push(...out.warnings);
  }
  return { files, warnings };
}

/**
 * Renders the runbooks of each requested target, in memory: from the plan where the target can
 * (`renderRunbooks`, which needs none of its peers), else through synthesis.
 */
export function renderTargetRunbooks(
  definition: ServiceDefinition,
  targets: readonly Target[],
  environments: readonly string[],
): TargetArtifacts {
  const files: Record<string, string> = {};
  const warnings: string[] = [];
  for (const id of targets) {
    const unit = targetUnit(id);
    const out = unit.renderRunbooks
      ? unit.renderRunbooks(definition, environments)
      : synthesizeTargets(definition, [id], environments, undefined, 'runbook');
    Object.assign(files, out.files);
    warnings.push(...out.warnings);
  }
  return { files, warnings };
}
