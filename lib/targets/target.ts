import type { ServiceDefinition } from '../model/service-definition';

/**
 * Every place glidepath can deploy a definition to. One enum for the CLI, the runbooks and the
 * quick-start app; `RunbookTarget` is a deprecated alias.
 */
export enum Target {
  /** AWS CloudFormation through aws-cdk-lib (`constructs/aws`). */
  AWS = 'aws',
  /** Kubernetes manifests through cdk8s (`constructs/k8s`). */
  KUBERNETES = 'k8s',
  /** A Pulumi stack (`constructs/pulumi`); its AWS or Kubernetes resources are managed by `pulumi up`. */
  PULUMI = 'pulumi',
}

/** How a target is named in runbooks and file names. */
export interface TargetDescription {
  /** Title in a runbook's heading, e.g. "Kubernetes". */
  readonly title: string;
  /** The runbook header's "Target" row for a scope (stack, namespace, Pulumi stack). */
  readonly scope: (scope: string) => string;
  /** Suffix of the runbook file name before `.md` (`checkout-prod.k8s.md`); empty for none. */
  readonly runbookSuffix: string;
}

/** Presentation of every target: adding a target adds one entry here. */
export const TARGET_DESCRIPTIONS: Readonly<Record<Target, TargetDescription>> = {
  [Target.AWS]: { title: 'AWS', scope: (s) => `AWS CloudFormation stack \`${s}\``, runbookSuffix: '' },
  [Target.KUBERNETES]: { title: 'Kubernetes', scope: (s) => `Kubernetes namespace \`${s}\``, runbookSuffix: '.k8s' },
  [Target.PULUMI]: { title: 'Pulumi', scope: (s) => `Pulumi stack \`${s}\``, runbookSuffix: '.pulumi' },
};

/** The content a previous synthesis wrote at a path relative to the output directory, if any. */
export type PreviousArtifact = (file: string) => string | undefined;

/** What a target renders for a definition, in memory: nothing is written until every target succeeded. */
export interface TargetArtifacts {
  /** Path relative to the output directory (`aws/checkout-prod.template.json`) → content. */
  readonly files: Readonly<Record<string, string>>;
  /** Warnings of the synthesis (schedule deviations, rollback budgets), once per environment. */
  readonly warnings: readonly string[];
}

/**
 * A target the CLI and the quick-start app can synthesize to: one object per target folder
 * (`constructs/<target>/target.ts`), listed in the registry (`bin/targets.ts`).
 */
export interface DeploymentTarget {
  readonly id: Target;
  /** Why this target cannot deploy the definition (a sentence with the fix), or undefined when it can. */
  unsupportedReason(definition: ServiceDefinition): string | undefined;
  /**
   * Renders the given environments: manifests or templates and one runbook per environment.
   * `previous` returns what the last synthesis wrote at a path, for state carried across
   * releases (the Kubernetes migration Job names).
   */
  synthesize(definition: ServiceDefinition, environments: readonly string[], previous?: PreviousArtifact): TargetArtifacts;
  /**
   * Renders only the runbooks of the given environments, from the plan, without synthesizing
   * templates or manifests (so without the target's construct library), with the warnings
   * synthesis would print. Targets without it render runbooks through `synthesize`.
   */
  renderRunbooks?(definition: ServiceDefinition, environments: readonly string[], previous?: PreviousArtifact): TargetArtifacts;
}
