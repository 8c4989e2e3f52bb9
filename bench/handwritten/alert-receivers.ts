import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { CHECKOUT_SLACK } from './environments';
import { PAGER_FORWARDER_HANDLER } from './handlers';

/** Inputs of `addAlertReceivers`. */
export interface AlertReceiversOptions {
  /** `<service>-<environment>`: the prefix of every physical name. */
  readonly base: string;
  /** Secrets Manager name of the PagerDuty integration key; undefined when nobody is paged (dev). */
  readonly pagerSecretName?: string;
  readonly critical: sns.ITopic;
  readonly warning: sns.ITopic;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Who hears the alerts, by hand: a function on the critical topic that forwards each notification
 * to PagerDuty with the key read from Secrets Manager at run time, and the team's Slack channel
 * (AWS Chatbot, read-only guardrail) on the warning topic, and on the critical topic too where
 * nobody is paged.
 */
export function addAlertReceivers(scope: Construct, options: AlertReceiversOptions): void {
  const { base } = options;
  if (options.pagerSecretName) {
    const name = `${base}-pager`;
    const logGroup = new logs.LogGroup(scope, 'PagerLogs', {
      logGroupName: `/aws/lambda/${name}`,
      retention: options.logRetention,
      removalPolicy: options.removalPolicy,
    });
    const role = new iam.Role(scope, 'PagerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Forwards the critical alerts of ${base} to the pager`,
    });
    logGroup.grantWrite(role);
    secretsmanager.Secret.fromSecretNameV2(scope, 'PagerSecret', options.pagerSecretName).grantRead(role);
    const pager = new lambda.Function(scope, 'Pager', {
      description: `Forwards the critical alerts of ${base} to PagerDuty with the key from Secrets Manager`,
      functionName: name,
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(PAGER_FORWARDER_HANDLER),
      timeout: Duration.seconds(30),
      memorySize: 128,
      role,
      logGroup,
      environment: { PAGER_KEY_SOURCE: options.pagerSecretName, PAGER_KIND: 'pagerduty' },
    });
    options.critical.addSubscription(new subscriptions.LambdaSubscription(pager));
  }
  const guardrail = new iam.ManagedPolicy(scope, 'ChatGuardrail', {
    description: `What anyone in the alert channel of ${base} may do through chat: read alarms, nothing else`,
    managedPolicyName: `${base}-chat-guardrail`,
    statements: [
      new iam.PolicyStatement({
        actions: ['cloudwatch:DescribeAlarms', 'cloudwatch:DescribeAlarmHistory', 'cloudwatch:GetMetricData'],
        resources: ['*'],
      }),
    ],
  });
  const chatRole = new iam.Role(scope, 'ChatRole', {
    description: `AWS Chatbot channel role of ${base}: renders alarm notifications`,
    roleName: `${base}-chat`,
    assumedBy: new iam.ServicePrincipal('chatbot.amazonaws.com'),
    managedPolicies: [guardrail],
  });
  new chatbot.SlackChannelConfiguration(scope, 'Slack', {
    slackChannelConfigurationName: `${base}-alerts`,
    slackWorkspaceId: CHECKOUT_SLACK.workspaceId,
    slackChannelId: CHECKOUT_SLACK.channelId,
    role: chatRole,
    guardrailPolicies: [guardrail],
    notificationTopics: options.pagerSecretName ? [options.warning] : [options.warning, options.critical],
    loggingLevel: chatbot.LoggingLevel.ERROR,
    userRoleRequired: false,
  });
}
