import { App, Stack, Validations } from 'aws-cdk-lib/core';
import * as sns from 'aws-cdk-lib/aws-sns';
import { acknowledge } from '../../constructs/aws/private/acknowledge';

// aws-cdk-lib records each acknowledgement as construct metadata of this type, with a trace
// (aws-cdk-lib core/lib/validation/validations.ts, `recordAcknowledgment`).
const ACKNOWLEDGED = 'aws:cdk:acknowledged-rules';

function acknowledgementsOf(scope: { node: Stack['node'] }) {
  return scope.node.metadata.filter((entry) => entry.type === ACKNOWLEDGED);
}

function acknowledgeFromANamedCaller(topic: sns.Topic): void {
  acknowledge(topic, { id: 'AwsSolutions-SNS3', reason: 'a test topic' });
}

/** Calls `fn` from `depth` frames of this file, each of which a full trace would list. */
function nested(depth: number, fn: () => void): void {
  if (depth === 0) {
    fn();
    return;
  }
  nested(depth - 1, fn);
}

describe('acknowledge', () => {
  test('records the rule and its reason as Validations.acknowledge does, with a trace naming the caller in at most 4 frames', () => {
    const stack = new Stack(new App(), 'S');
    const topic = new sns.Topic(stack, 'Topic');
    nested(12, () => acknowledgeFromANamedCaller(topic));

    const [entry] = acknowledgementsOf(topic);
    expect(entry.data).toEqual({ 'Annotation::AwsSolutions-SNS3': 'a test topic' });
    const frames = entry.trace!.filter((line) => !line.trim().startsWith('...'));
    expect(frames.length).toBeLessThanOrEqual(4);
    expect(entry.trace!.join('\n')).toContain('acknowledgeFromANamedCaller');
  });

  test('suppresses the acknowledged warning like Validations.acknowledge', () => {
    const stack = new Stack(new App(), 'S');
    const topic = new sns.Topic(stack, 'Topic');
    Validations.of(topic).addWarning('glidepath-test', 'a warning to acknowledge');
    acknowledge(topic, { id: 'glidepath-test', reason: 'accepted in a test' });
    const warnings = topic.node.metadata.filter((entry) => entry.type === 'aws:cdk:warning');
    expect(warnings).toEqual([]);
  });

  test("leaves the process's Error.stackTraceLimit as it was, also when acknowledging throws", () => {
    const before = Error.stackTraceLimit;
    try {
      Error.stackTraceLimit = 25;
      const stack = new Stack(new App(), 'S');
      acknowledge(stack, { id: 'AwsSolutions-IAM5', reason: 'a reason' });
      expect(Error.stackTraceLimit).toBe(25);
      expect(() => acknowledge(stack, { id: 7 as unknown as string, reason: 'an id that is not a string' })).toThrow();
      expect(Error.stackTraceLimit).toBe(25);
      Error.stackTraceLimit = Infinity;
      acknowledge(stack, { id: 'AwsSolutions-IAM4', reason: 'another reason' });
      expect(Error.stackTraceLimit).toBe(Infinity);
      expect(acknowledgementsOf(stack).map((entry) => entry.data)).toContainEqual({ 'Annotation::AwsSolutions-IAM4': 'another reason' });
    } finally {
      Error.stackTraceLimit = before;
    }
  });
});
