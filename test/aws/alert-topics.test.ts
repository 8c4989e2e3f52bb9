import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AlertTopics } from '../../constructs/aws/alert-topics';

function build(removalPolicy?: RemovalPolicy) {
  const stack = new Stack(new App(), 'CheckoutProd');
  const topics = new AlertTopics(stack, 'AlertTopics', { namePrefix: 'checkout-prod', removalPolicy });
  return { stack, topics, template: Template.fromStack(stack) };
}

const built = build();
const { template } = built;
const KEY_ARN = { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlertTopicsKey'), 'Arn'] };

describe('AlertTopics', () => {
  test('a critical and a warning topic, named from the prefix and encrypted with the key', () => {
    template.resourceCountIs('AWS::SNS::Topic', 2);
    template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'checkout-prod-critical',
      DisplayName: 'checkout-prod critical alerts',
      KmsMasterKeyId: KEY_ARN,
    });
    template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'checkout-prod-warning',
      DisplayName: 'checkout-prod warning alerts',
      KmsMasterKeyId: KEY_ARN,
    });
  });

  test('the key rotates and is retained by default', () => {
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('the key follows the removal policy', () => {
    build(RemovalPolicy.DESTROY).template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
  });

  test('CloudWatch may use the key, so alarms can publish to the encrypted topics', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
          },
        ]),
      },
    });
  });

  test.each(['Critical', 'Warning'])('the %s topic refuses publishing without TLS', (id) => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: Match.stringLikeRegexp(`^AlertTopics${id}`) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Principal: '*',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  test('uses a given key instead of creating one', () => {
    const stack = new Stack(new App(), 'S');
    const key = new kms.Key(stack, 'Shared');
    new AlertTopics(stack, 'AlertTopics', { namePrefix: 'checkout-prod', encryptionKey: key });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::KMS::Key', 1);
    t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Shared'), 'Arn'] } });
    t.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' } })]) },
    });
  });

  test('runbook facts name both topics', () => {
    const facts = built.topics.runbookFacts();
    expect(facts.resources).toEqual([
      { type: 'AWS::SNS::Topic', name: 'checkout-prod-critical' },
      { type: 'AWS::SNS::Topic', name: 'checkout-prod-warning' },
    ]);
    expect(facts.watch?.[0]).toContain('`checkout-prod-critical`');
  });
});
