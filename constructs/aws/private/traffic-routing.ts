import { createHash } from 'node:crypto';
import { Stack, type CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * A fingerprint of everything that makes CloudFormation rewrite or replace the listener rules ECS
 * shifts traffic on: the rules themselves, their listeners and the target groups' replacement
 * properties. ECS changes the rules' weights at every deployment; a stack update that touches the
 * rules writes the template's 100/0 weights back and may point production at the empty target
 * group (aws/aws-cdk#36649). While the fingerprint is unchanged, CloudFormation leaves the live
 * weights alone.
 */
export function trafficRoutingFingerprint(
  rules: readonly IConstruct[],
  listeners: readonly IConstruct[],
  targetGroups: readonly IConstruct[],
): string {
  const stack = Stack.of(rules[0]);
  const props = (c: IConstruct, keys?: readonly string[]) => {
    const cfn = c.node.defaultChild as CfnResource;
    // aws-cdk-lib renders one resource's template fragment with `_toCloudFormation()` (internal, stable since v1).
    const rendered = stack.resolve((cfn as unknown as { _toCloudFormation(): unknown })._toCloudFormation()) as {
      Resources: Record<string, { Properties?: Record<string, unknown> }>;
    };
    const [[logicalId, resource]] = Object.entries(rendered.Resources);
    const p = resource.Properties ?? {};
    return [logicalId, keys ? Object.fromEntries(keys.map((k) => [k, p[k]])) : p];
  };
  const input = JSON.stringify({
    rules: rules.map((r) => props(r)),
    listeners: listeners.map((l) => props(l, ['Port', 'Protocol'])),
    targetGroups: targetGroups.map((g) => props(g, ['Port', 'Protocol', 'TargetType', 'VpcId', 'Name'])),
  });
  return createHash('sha256').update(input).digest('hex').slice(0, 16);
}
