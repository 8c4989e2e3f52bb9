import { Token } from 'aws-cdk-lib/core';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { IConstruct } from 'constructs';

/**
 * The literal physical name of a resource for the runbook: the name as given to the L1 resource
 * when the construct was created with one (its attribute is a token until deploy time), or the
 * concrete name of an imported resource. `undefined` when the name is only known after deploy.
 */
export function literalName(resource: IConstruct, attributeValue: string, l1Property: string): string | undefined {
  if (!Token.isUnresolved(attributeValue)) {
    return attributeValue;
  }
  const l1 = resource.node.defaultChild as unknown as Record<string, unknown> | undefined;
  const value = l1?.[l1Property];
  return typeof value === 'string' && !Token.isUnresolved(value) ? value : undefined;
}

/** The literal name of an SNS topic, see `literalName`. */
export function topicName(topic: sns.ITopic): string | undefined {
  return literalName(topic, topic.topicName, 'topicName');
}
