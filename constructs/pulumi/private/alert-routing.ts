import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { PAGER_FORWARDER_SOURCE } from '../../../lib/handlers/pager-forwarder-code';
import type { Pager } from '../../../lib/model/receivers';
import type { EnvironmentDefinition } from '../../../lib/model/environment';
import type { ResourceNames } from '../../../lib/plan/names';
import { AlarmSeverity } from '../../../lib/runbook/facts';
import type { AlarmSpec } from './alarm-specs';
import { CHAT_NOTIFICATION_ACTIONS } from '../../../lib/plan/chat-guardrail';
import { assumedBy } from './resource-context';

/** What `routeAlerts` needs: the topics, their key, and which alarms publish to which topic. */
export interface AlertRoutingInput {
  readonly names: ResourceNames;
  readonly env: EnvironmentDefinition;
  readonly region: pulumi.Input<string>;
  readonly account: pulumi.Input<string>;
  readonly topics: { readonly critical: aws.sns.Topic; readonly warning: aws.sns.Topic };
  readonly key: aws.kms.Key;
  /** Names of the alarms whose actions publish to each topic (deterministic: `names.alarm(kind)`). */
  readonly publishers: { readonly critical: readonly string[]; readonly warning: readonly string[] };
  readonly tags: Record<string, string>;
  readonly opts: pulumi.CustomResourceOptions;
}

/** The resources `routeAlerts` creates, for the component's outputs and tests. */
export interface AlertRouting {
  readonly topicPolicies: readonly aws.sns.TopicPolicy[];
  readonly keyPolicy: aws.kms.KeyPolicy;
}

/**
 * The Pulumi twin of CloudFormation's `AlertTopics` policies and `AlertSubscriptions`: each topic's
 * policy keeps the SSL-only deny and lets `cloudwatch.amazonaws.com` publish for exactly the alarms
 * that publish to it (`aws:SourceArn`, built from their deterministic names) from this account
 * (`aws:SourceAccount`); the key policy lets CloudWatch use the key on the same conditions; the
 * pager subscribes over HTTPS and the chat channel through AWS Chatbot with a read-only guardrail.
 *
 * The pager is a function subscribed to the critical topic that reads the integration key from
 * Secrets Manager when it runs, so the key is in no Pulumi state and no SNS subscription.
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 */
export function routeAlerts(input: AlertRoutingInput): AlertRouting {
  const { names, region, account, topics, key, publishers, opts } = input;
  const alarmArn = (name: string) => pulumi.interpolate`arn:aws:cloudwatch:${region}:${account}:alarm:${name}`;
  const conditions = (alarms: readonly string[]) => ({
    StringEquals: { 'aws:SourceAccount': account },
    ArnLike: { 'aws:SourceArn': alarms.map(alarmArn) },
  });
  const topicPolicies = (['critical', 'warning'] as const).map(
    (severity) =>
      new aws.sns.TopicPolicy(
        `${names.topic(severity)}-ssl`,
        {
          arn: topics[severity].arn,
          policy: pulumi.jsonStringify({
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'AllowPublishThroughSSLOnly',
                Effect: 'Deny',
                Principal: '*',
                Action: 'sns:Publish',
                Resource: topics[severity].arn,
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              },
              ...(publishers[severity].length > 0
                ? [
                    {
                      Sid: 'AllowCloudWatchAlarmsToPublish',
                      Effect: 'Allow',
                      Principal: { Service: 'cloudwatch.amazonaws.com' },
                      Action: 'sns:Publish',
                      Resource: topics[severity].arn,
                      Condition: conditions(publishers[severity]),
                    },
                  ]
                : []),
            ],
          }),
        },
        opts,
      ),
  );
  const all = [...publishers.critical, ...publishers.warning];
  const keyPolicy = new aws.kms.KeyPolicy(
    `${names.base}-alert-topics-key-policy`,
    {
      keyId: key.id,
      policy: pulumi.jsonStringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: pulumi.interpolate`arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' },
          ...(all.length > 0
            ? [
                {
                  Sid: 'AllowCloudWatchAlarmsToUseTheKey',
                  Effect: 'Allow',
                  Principal: { Service: 'cloudwatch.amazonaws.com' },
                  Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
                  Resource: '*',
                  Condition: conditions(all),
                },
              ]
            : []),
        ],
      }),
    },
    opts,
  );
  subscribe(input);
  return { topicPolicies, keyPolicy };
}

function subscribe(input: AlertRoutingInput): void {
  const { names, env, topics, tags, opts } = input;
  const receivers = env.receivers;
  if (receivers.critical) {
    pagerForwarder(input, receivers.critical);
  }
  const chat = receivers.warning;
  if (!chat) return;
  if (chat.channelId === undefined || (chat.workspaceId === undefined && chat.tenantId === undefined)) {
    const ids = chat.kind === 'slack' ? '"workspaceId" and "channelId"' : '"teamId", "tenantId" and "channelId"';
    throw new Error(
      `receivers.warning.${chat.kind} of ${names.base} has no AWS Chatbot ids; on AWS warnings reach the channel through AWS Chatbot, so give ${ids} (the webhook is for Kubernetes)`,
    );
  }
  const guardrail = new aws.iam.Policy(
    `${names.base}-chat-guardrail`,
    {
      name: names.chat.guardrail,
      description: `What anyone in the alert channel of ${names.base} may do through chat: read alarms, nothing else`,
      policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: CHAT_NOTIFICATION_ACTIONS, Resource: '*' }] }),
      tags,
    },
    opts,
  );
  const role = new aws.iam.Role(
    `${names.base}-chat`,
    {
      name: names.chat.role,
      description: `AWS Chatbot channel role of ${names.base}: renders alarm notifications`,
      assumeRolePolicy: assumedBy('chatbot.amazonaws.com'),
      managedPolicyArns: [guardrail.arn],
      tags,
    },
    opts,
  );
  const common = {
    configurationName: names.chat.configuration,
    iamRoleArn: role.arn,
    guardrailPolicyArns: [guardrail.arn],
    snsTopicArns: receivers.critical ? [topics.warning.arn] : [topics.warning.arn, topics.critical.arn],
    loggingLevel: 'ERROR',
    userAuthorizationRequired: false,
    tags,
  };
  if (chat.kind === 'slack') {
    new aws.chatbot.SlackChannelConfiguration(
      `${names.base}-slack`,
      { ...common, slackTeamId: chat.workspaceId as string, slackChannelId: chat.channelId },
      opts,
    );
  } else {
    new aws.chatbot.TeamsChannelConfiguration(
      `${names.base}-teams`,
      { ...common, teamId: chat.teamId as string, tenantId: chat.tenantId as string, channelId: chat.channelId },
      opts,
    );
  }
}

/**
 * Which alarms publish to which topic, as `metricAlarm` and `deadMansSwitchAlarm` wire them:
 * warnings to the warning topic, everything else (critical, rollback, the dead-man's switch) to the
 * critical topic.
 */
export function publishersOf(
  specs: readonly Pick<AlarmSpec, 'kind' | 'severity'>[],
  names: ResourceNames,
  env: EnvironmentDefinition,
): { critical: string[]; warning: string[] } {
  const of = (warning: boolean) => specs.filter((s) => (s.severity === AlarmSeverity.WARNING) === warning).map((s) => names.alarm(s.kind));
  return {
    critical: [...of(false), ...(env.deadMansSwitch.enabled ? [names.alarm('dead-mans-switch')] : [])],
    warning: of(true),
  };
}

/**
 * The function that forwards the critical topic's notifications to the pager, reading the key
 * from Secrets Manager at run time (the CloudFormation target's twin): the key is never in the
 * Pulumi state, the SNS subscription or the function's configuration.
 */
function pagerForwarder({ names, region, account, topics, tags, opts }: AlertRoutingInput, pager: Pager): void {
  const name = `${names.base}-pager`;
  const logGroup = new aws.cloudwatch.LogGroup(`/aws/lambda/${name}`, { name: `/aws/lambda/${name}`, retentionInDays: 30, tags }, opts);
  const role = new aws.iam.Role(
    name,
    {
      description: `Forwards the critical alerts of ${names.base} to the pager`,
      assumeRolePolicy: assumedBy('lambda.amazonaws.com'),
      tags,
    },
    opts,
  );
  const policy = new aws.iam.RolePolicy(
    name,
    {
      role: role.id,
      policy: pulumi.jsonStringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: logGroup.arn },
          {
            Effect: 'Allow',
            Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
            // Secrets Manager appends six random characters to the name.
            Resource: pulumi.interpolate`arn:aws:secretsmanager:${region}:${account}:secret:${pager.secretName}-??????`,
          },
        ],
      }),
    },
    opts,
  );
  const fn = new aws.lambda.Function(
    name,
    {
      name,
      description: `Forwards the critical alerts of ${names.base} to the pager with the key from Secrets Manager`,
      runtime: aws.lambda.Runtime.NodeJS24dX,
      handler: 'index.handler',
      role: role.arn,
      timeout: 30,
      memorySize: 128,
      code: new pulumi.asset.AssetArchive({ 'index.js': new pulumi.asset.StringAsset(PAGER_FORWARDER_SOURCE) }),
      environment: { variables: { PAGER_KEY_SOURCE: pager.secretName, PAGER_KIND: pager.kind } },
      loggingConfig: { logFormat: 'Text', logGroup: logGroup.name },
      tags,
    },
    { ...opts, dependsOn: [policy] },
  );
  new aws.lambda.Permission(
    name,
    { action: 'lambda:InvokeFunction', function: fn.name, principal: 'sns.amazonaws.com', sourceArn: topics.critical.arn },
    opts,
  );
  new aws.sns.TopicSubscription(name, { topic: topics.critical.arn, protocol: 'lambda', endpoint: fn.arn }, opts);
}
