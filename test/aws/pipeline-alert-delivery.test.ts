import * as path from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PipelineStack } from '../../constructs/aws/pipeline-stack';
import { loadDefinitionFile } from '../../lib/model/load';
import { resolveIntrinsics } from './support/alarm-delivery';
import { evaluatePolicy, type PolicyDocument } from './support/policy-evaluator';

/*
 * The pipeline's failure rule publishes to its own alert topic through EventBridge: the topic
 * policy, evaluated the way AWS does, lets exactly that rule publish (aws:SourceArn,
 * aws:SourceAccount) over TLS, and the key lets EventBridge encrypt.
 */

const definition = loadDefinitionFile(path.join(__dirname, '..', '..', 'examples', 'checkout', 'definition.yaml'));
const app = new App();
const stack = new PipelineStack(app, 'checkout-pipeline', {
  definition,
  definitionPath: 'glidepath.yaml',
  env: { account: '111111111111', region: 'eu-west-1' },
});
const template = Template.fromStack(stack as Stack).toJSON();
const at = { account: '111111111111', region: 'eu-west-1' };
const resolved = (v: unknown) => resolveIntrinsics(v, template, at);
const of = (type: string) => Object.entries<any>(template.Resources).filter(([, r]) => r.Type === type);

const [ruleId, rule] = of('AWS::Events::Rule').find(([, r]) => String(r.Properties.Name).endsWith('-failed'))!;
const topicArn = resolved(rule.Properties.Targets[0].Arn) as string;
const ruleArn = `arn:aws:events:eu-west-1:111111111111:rule/${rule.Properties.Name}`;
const policy = resolved(
  of('AWS::SNS::TopicPolicy').find(([, r]) => (resolved(r.Properties.Topics) as string[]).includes(topicArn))![1].Properties.PolicyDocument,
) as PolicyDocument;
const publish = (context: Record<string, string>) =>
  evaluatePolicy(policy, { principal: { service: 'events.amazonaws.com' }, action: 'sns:Publish', resource: topicArn, context }).decision;

describe('the pipeline failure rule → its alert topic', () => {
  test('the rule may publish, over TLS, from this account', () => {
    expect(ruleId).toBeDefined();
    expect(publish({ 'aws:SourceArn': ruleArn, 'aws:SourceAccount': '111111111111', 'aws:SecureTransport': 'true' })).toBe('Allow');
  });

  test('another rule, another account or plain HTTP may not', () => {
    expect(publish({ 'aws:SourceArn': `${ruleArn}-other`, 'aws:SourceAccount': '111111111111', 'aws:SecureTransport': 'true' })).toBe(
      'ImplicitDeny',
    );
    expect(publish({ 'aws:SourceArn': ruleArn, 'aws:SourceAccount': '222222222222', 'aws:SecureTransport': 'true' })).toBe('ImplicitDeny');
    expect(publish({ 'aws:SourceArn': ruleArn, 'aws:SourceAccount': '111111111111', 'aws:SecureTransport': 'false' })).toBe('ExplicitDeny');
  });

  test('EventBridge may use the topic key (no source keys: EventBridge sends none to KMS)', () => {
    const topic = of('AWS::SNS::Topic').find(([id]) => resolved({ Ref: id }) === topicArn)![1];
    const keyArn = resolved(topic.Properties.KmsMasterKeyId) as string;
    const key = template.Resources[keyArn.split('/').pop()!];
    const decision = evaluatePolicy(resolved(key.Properties.KeyPolicy), {
      principal: { service: 'events.amazonaws.com' },
      action: 'kms:GenerateDataKey',
      resource: keyArn,
      context: { 'aws:SourceArn': ruleArn },
    }).decision;
    expect(decision).toBe('Allow');
  });
});
