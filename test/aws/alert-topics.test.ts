import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { AlarmPublishAction, AlertTopics } from '../../constructs/aws/alert-topics';
import { resolveReceivers } from '../../lib/model/receivers';
import { collectRunbookFacts } from '../../lib/runbook/facts';

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

  test('an alarm publishing through AlarmPublishAction may publish and use the key, for itself and from this account only', () => {
    const stack = new Stack(new App(), 'CheckoutProd', { env: { account: '111111111111', region: 'eu-west-1' } });
    const topics = new AlertTopics(stack, 'AlertTopics', { namePrefix: 'checkout-prod' });
    const alarm = new cloudwatch.Alarm(stack, 'Alarm', {
      alarmName: 'checkout-prod-critical-error-rate',
      metric: new cloudwatch.Metric({ namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_Target_5XX_Count' }),
      threshold: 1,
      evaluationPeriods: 1,
    });
    alarm.addAlarmAction(new AlarmPublishAction(topics.critical));
    const t = Template.fromStack(stack);
    const conditions = {
      StringEquals: { 'aws:SourceAccount': '111111111111' },
      ArnLike: {
        'aws:SourceArn': [
          {
            'Fn::Join': [
              '',
              ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:eu-west-1:111111111111:alarm:checkout-prod-critical-error-rate'],
            ],
          },
        ],
      },
    };
    t.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: Match.stringLikeRegexp('^AlertTopicsCritical') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCloudWatchAlarmsToPublish',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: conditions,
          }),
        ]),
      },
    });
    t.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCloudWatchAlarmsToUseTheKey',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: conditions,
          }),
        ]),
      },
    });
    // The warning topic has no publisher, so no allow.
    const warning = Object.values(t.findResources('AWS::SNS::TopicPolicy')).find((r) => JSON.stringify(r).includes('AlertTopicsWarning'));
    expect(warning?.Properties.PolicyDocument.Statement).toHaveLength(1);
  });

  test('without alarms, nobody but the account may use the key (no unconditioned service grant)', () => {
    const statements = Object.values(template.findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy.Statement;
    expect(statements.map((st: { Principal: unknown }) => st.Principal)).toEqual([
      { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } },
    ]);
  });

  test('receivers: a forwarder reading the key from Secrets Manager subscribes for the pager, the chat channel through AWS Chatbot', () => {
    const stack = new Stack(new App(), 'S');
    new AlertTopics(stack, 'AlertTopics', {
      namePrefix: 'checkout-prod',
      receivers: resolveReceivers('prod', {
        critical: { pagerDuty: { integrationKeySecret: 'checkout/{env}/pagerduty' } },
        warning: { slack: { workspaceId: 'T0123', channelId: 'C0123' } },
      }),
    });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: Match.stringLikeRegexp('^AlertTopicsCritical') },
      Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('Pager'), 'Arn'] },
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'checkout-prod-pager',
      Environment: { Variables: { PAGER_KIND: 'pagerduty', PAGER_KEY_SOURCE: 'checkout/prod/pagerduty' } },
    });
    // No credential, and no reference that would resolve one into the template.
    expect(JSON.stringify(t.toJSON())).not.toContain('{{resolve:');
    t.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      ConfigurationName: 'checkout-prod-alerts',
      SlackWorkspaceId: 'T0123',
      SlackChannelId: 'C0123',
      SnsTopicArns: [{ Ref: Match.stringLikeRegexp('^AlertTopicsWarning') }],
      GuardrailPolicies: [{ Ref: Match.stringLikeRegexp('ChatGuardrail') }],
      UserRoleRequired: false,
    });
    t.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      ManagedPolicyName: 'checkout-prod-chat-guardrail',
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['cloudwatch:DescribeAlarms', 'cloudwatch:DescribeAlarmHistory', 'cloudwatch:GetMetricData'],
            Resource: '*',
          },
        ],
      },
    });
  });

  test('paging turned off: the chat channel hears critical alarms too, and the reason is an accepted risk', () => {
    const stack = new Stack(new App(), 'S');
    const topics = new AlertTopics(stack, 'AlertTopics', {
      namePrefix: 'checkout-dev',
      receivers: resolveReceivers('dev', {
        critical: { enabled: false, reason: 'Dev serves no users' },
        warning: {
          teams: {
            teamId: '5f0c2a1e-8d3b-4c6a-9e7f-1a2b3c4d5e6f',
            tenantId: '0e1d2c3b-4a59-4687-8796-a5b4c3d2e1f0',
            channelId: '19%3Aa%40thread.tacv2',
          },
        },
      }),
    });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::SNS::Subscription', 0);
    t.hasResourceProperties('AWS::Chatbot::MicrosoftTeamsChannelConfiguration', {
      SnsTopicArns: [{ Ref: Match.stringLikeRegexp('^AlertTopicsWarning') }, { Ref: Match.stringLikeRegexp('^AlertTopicsCritical') }],
    });
    expect(collectRunbookFacts(stack).flatMap((f) => (f.acceptedRisks ?? []).filter((r) => r.rule === 'glidepath-paging'))).toEqual([
      { rule: 'glidepath-paging', resource: 'S/AlertTopics/Critical', reason: 'Nobody is paged: Dev serves no users' },
    ]);
    expect(topics.runbookFacts().watch?.[1]).toContain('Warnings and critical alarms reach Microsoft Teams channel');
  });

  test('fails when a chat channel has no AWS Chatbot ids on AWS, naming the fields', () => {
    expect(
      () =>
        new AlertTopics(new Stack(new App(), 'S'), 'AlertTopics', {
          namePrefix: 'checkout-prod',
          receivers: resolveReceivers('prod', { warning: { slack: { channelId: 'C0123', webhookUrlSecret: 'a/b' } } }),
        }),
    ).toThrow(
      'receivers.warning.slack of checkout-prod has no AWS Chatbot ids; on AWS warnings reach the channel through AWS Chatbot, so give "workspaceId" and "channelId" (the webhook is for Kubernetes)',
    );
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

  test('uses a given key instead of creating one, and grants alarms on it', () => {
    const stack = new Stack(new App(), 'S');
    const key = new kms.Key(stack, 'Shared');
    const topics = new AlertTopics(stack, 'AlertTopics', { namePrefix: 'checkout-prod', encryptionKey: key });
    new cloudwatch.Alarm(stack, 'Alarm', {
      alarmName: 'checkout-prod-warning-cpu',
      metric: new cloudwatch.Metric({ namespace: 'AWS/ECS', metricName: 'CPUUtilization' }),
      threshold: 80,
      evaluationPeriods: 1,
    }).addAlarmAction(new AlarmPublishAction(topics.warning));
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
