import { Stack, type CfnResource } from 'aws-cdk-lib/core';
import type { IConstruct } from 'constructs';
import { trafficRoutingFingerprint as fingerprintOf, type RenderedResource } from '../../../lib/runbook/platforms/aws-traffic-routing';

/**
 * The fingerprint of the listener rules ECS shifts traffic on, from the resources as this stack
 * renders them (`trafficRoutingFingerprint` in lib/runbook/platforms/aws-traffic-routing.ts says
 * what it covers and why; the runbook computes the same value from the definition).
 */
export function trafficRoutingFingerprint(
  rules: readonly IConstruct[],
  listeners: readonly IConstruct[],
  targetGroups: readonly IConstruct[],
): string {
  const stack = Stack.of(rules[0]);
  const props = (c: IConstruct, keys?: readonly string[]): RenderedResource => {
    const cfn = c.node.defaultChild as CfnResource;
    // aws-cdk-lib renders one resource's template fragment with `_toCloudFormation()` (internal, stable since v1).
    const rendered = stack.resolve((cfn as unknown as { _toCloudFormation(): unknown })._toCloudFormation()) as {
      Resources: Record<string, { Properties?: Record<string, unknown> }>;
    };
    const [[logicalId, resource]] = Object.entries(rendered.Resources);
    const p = resource.Properties ?? {};
    return [logicalId, keys ? Object.fromEntries(keys.map((k) => [k, p[k]])) : p];
  };
  return fingerprintOf({
    rules: rules.map((r) => props(r)),
    listeners: listeners.map((l) => props(l, ['Port', 'Protocol'])),
    targetGroups: targetGroups.map((g) => props(g, ['Port', 'Protocol', 'TargetType', 'VpcId', 'Name'])),
  });
}
