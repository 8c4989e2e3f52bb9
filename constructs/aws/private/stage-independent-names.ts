import { Aspects, CfnResource, Names, Stage, TagManager, type CfnElement, type IAspect, type Stack } from 'aws-cdk-lib/core';
import * as applicationautoscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct, type IConstruct } from 'constructs';

/**
 * aws-cdk-lib derives some names from a construct's full path: security-group descriptions, the
 * logical ids of rules between security groups, `Name` tags, scaling policy names. A stack inside a
 * CDK Pipelines stage (`checkout-pipeline/Pipeline/prod/Deployment`) would therefore differ from
 * the same stack deployed on its own (`checkout-prod`), and switching between the two would replace
 * security groups. This maps every path-derived name of a staged stack to the one the standalone
 * stack of the same name has.
 */
export class StageIndependentNames {
  private replacements?: readonly (readonly [string, string])[];

  /** Whether `stack` sits in a stage below the app (a pipeline stage), where names need mapping. */
  public static isStaged(stack: Stack): boolean {
    return Stage.of(stack)?.node.scope !== undefined;
  }

  constructor(private readonly stack: Stack) {
    Aspects.of(stack).add(new RenameAspect(this));
  }

  /** Replaces the staged stack's unique ids and paths with the standalone ones. */
  public map(text: string): string {
    let out = text;
    for (const [from, to] of this.table()) {
      out = out.split(from).join(to);
    }
    return out;
  }

  /** The logical id the standalone stack gives `element`. */
  public logicalId(element: CfnElement): string {
    const scopes = element.node.scopes;
    const components = scopes.slice(scopes.indexOf(this.stack) + 1).map((c) => this.map(c.node.id));
    return Names.uniqueId(shadow(components));
  }

  private table(): readonly (readonly [string, string])[] {
    if (!this.replacements) {
      const prefix = this.stack.node.scopes.length;
      const pairs = this.stack.node.findAll().map((c) => {
        const relative = c.node.scopes.slice(prefix).map((s) => s.node.id);
        return [
          [Names.uniqueId(c), Names.uniqueId(shadow([this.stack.stackName, ...relative]))],
          [c.node.path, [this.stack.stackName, ...relative].join('/')],
        ] as const;
      });
      // Longest first, so a construct's id is replaced before its parent's prefix of it.
      this.replacements = pairs
        .flat()
        .filter(([a, b]) => a !== b && a !== '')
        .sort((a, b) => b[0].length - a[0].length);
    }
    return this.replacements;
  }
}

/** A throwaway construct at `components` below a root, for `Names.uniqueId`. */
function shadow(components: readonly string[]): IConstruct {
  let node: Construct = new Construct(undefined as unknown as Construct, '');
  for (const id of components) node = new Construct(node, id);
  return node;
}

class RenameAspect implements IAspect {
  constructor(private readonly names: StageIndependentNames) {}

  public visit(node: IConstruct): void {
    if (node instanceof ec2.CfnSecurityGroup) {
      node.groupDescription = this.names.map(node.groupDescription);
    }
    if (node instanceof applicationautoscaling.CfnScalingPolicy) {
      node.policyName = this.names.map(node.policyName);
    }
    if (node instanceof CfnResource && TagManager.isTaggable(node)) {
      const name = node.tags.tagValues().Name;
      if (name !== undefined && this.names.map(name) !== name) {
        node.tags.setTag('Name', this.names.map(name), 1000);
      }
    }
  }
}
