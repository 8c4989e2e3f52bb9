import { SecretValue, Validations } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { PagerKind, type Pager, type Receivers } from '../../../lib/model/receivers';
import { CHAT_NOTIFICATION_ACTIONS } from '../../../lib/plan/chat-guardrail';

/** Props of `AlertSubscriptions`. */
export interface AlertSubscriptionsProps {
  readonly namePrefix: string;
  readonly receivers: Receivers;
  readonly critical: sns.ITopic;
  readonly warning: sns.ITopic;
}

/**
 * Where each pager's CloudWatch integration receives SNS notifications, with the credential from
 * the secret in the middle. The credential reaches CloudFormation as a Secrets Manager dynamic
 * reference (`{{resolve:secretsmanager:…}}`), so it is never in the template, the repository or
 * the CloudFormation console; SNS stores the resolved endpoint and shows it to principals allowed
 * `sns:ListSubscriptionsByTopic` / `sns:GetSubscriptionAttributes` on the topic.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html
 * @see https://support.pagerduty.com/main/docs/amazon-cloudwatch-integration-guide
 * @see https://support.atlassian.com/opsgenie/docs/integrate-opsgenie-with-amazon-cloudwatch/
 */
export function pagerEndpoint(pager: Pager): string {
  const secret = SecretValue.secretsManager(pager.secretName).unsafeUnwrap();
  switch (pager.kind) {
    case PagerKind.PAGERDUTY:
      return `https://events.pagerduty.com/integration/${secret}/enqueue`;
    case PagerKind.OPSGENIE:
      return `https://api.opsgenie.com/v1/json/cloudwatch?apiKey=${secret}`;
    default:
      return secret;
  }
}


/**
 * The subscriptions of a service's alert topics: the pager (HTTPS) on the critical topic, and the
 * chat channel (AWS Chatbot, now Amazon Q Developer in chat applications) on the warning topic, and
 * on the critical topic too when nobody is paged. AWS Chatbot needs the Slack workspace (or Teams
 * team) authorized once in its console before the channel configuration deploys.
 * @see https://docs.aws.amazon.com/chatbot/latest/adminguide/slack-setup.html
 */
export class AlertSubscriptions extends Construct {
  private readonly lines: string[] = [];

  constructor(scope: Construct, id: string, props: AlertSubscriptionsProps) {
    super(scope, id);
    const { receivers } = props;
    if (receivers.critical) {
      new sns.Subscription(this, 'Pager', {
        topic: props.critical,
        protocol: sns.SubscriptionProtocol.HTTPS,
        endpoint: pagerEndpoint(receivers.critical),
      });
      this.lines.push(
        `Critical alarms page through ${pagerLabel(receivers.critical)} (HTTPS subscription of \`${props.namePrefix}-critical\`; the key is read from Secrets Manager secret \`${receivers.critical.secretName}\` at deploy).`,
      );
    }
    const chat = receivers.warning;
    if (chat && (chat.channelId === undefined || (chat.workspaceId === undefined && chat.tenantId === undefined))) {
      const ids = chat.kind === 'slack' ? '"workspaceId" and "channelId"' : '"teamId", "tenantId" and "channelId"';
      throw new Error(
        `receivers.warning.${chat.kind} of ${props.namePrefix} has no AWS Chatbot ids; on AWS warnings reach the channel through AWS Chatbot, so give ${ids} (the webhook is for Kubernetes)`,
      );
    }
    if (chat) {
      const topics = receivers.critical ? [props.warning] : [props.warning, props.critical];
      const guardrail = new iam.ManagedPolicy(this, 'ChatGuardrail', {
        managedPolicyName: `${props.namePrefix}-chat-guardrail`,
        description: `What anyone in the alert channel of ${props.namePrefix} may do through chat: read alarms, nothing else`,
        statements: [new iam.PolicyStatement({ actions: [...CHAT_NOTIFICATION_ACTIONS], resources: ['*'] })],
      });
      const role = new iam.Role(this, 'ChatRole', {
        roleName: `${props.namePrefix}-chat`,
        description: `AWS Chatbot channel role of ${props.namePrefix}: renders alarm notifications`,
        assumedBy: new iam.ServicePrincipal('chatbot.amazonaws.com'),
        managedPolicies: [guardrail],
      });
      const acknowledgement = {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'CloudWatch DescribeAlarms, DescribeAlarmHistory and GetMetricData support no resource-level permissions; the actions are read-only',
      };
      Validations.of(guardrail).acknowledge(acknowledgement);
      const common = {
        configurationName: `${props.namePrefix}-alerts`,
        iamRoleArn: role.roleArn,
        guardrailPolicyArns: [guardrail.managedPolicyArn],
        snsTopicArns: topics.map((t) => t.topicArn),
        loggingLevel: 'ERROR',
        userRoleRequired: false,
      };
      if (chat.kind === 'slack') {
        new chatbot.CfnSlackChannelConfiguration(this, 'Slack', {
          configurationName: common.configurationName,
          iamRoleArn: common.iamRoleArn,
          guardrailPolicies: common.guardrailPolicyArns,
          snsTopicArns: common.snsTopicArns,
          loggingLevel: common.loggingLevel,
          userRoleRequired: common.userRoleRequired,
          slackWorkspaceId: chat.workspaceId as string,
          slackChannelId: chat.channelId as string,
        });
      } else {
        new chatbot.CfnMicrosoftTeamsChannelConfiguration(this, 'Teams', {
          configurationName: common.configurationName,
          iamRoleArn: common.iamRoleArn,
          guardrailPolicies: common.guardrailPolicyArns,
          snsTopicArns: common.snsTopicArns,
          loggingLevel: common.loggingLevel,
          userRoleRequired: common.userRoleRequired,
          teamId: chat.teamId as string,
          teamsTenantId: chat.tenantId as string,
          teamsChannelId: chat.channelId as string,
        });
      }
      this.lines.push(
        `${receivers.critical ? 'Warnings' : 'Warnings and critical alarms'} reach ${chat.kind === 'slack' ? 'Slack' : 'Microsoft Teams'} channel \`${chat.channelId}\` through AWS Chatbot configuration \`${common.configurationName}\` (read-only guardrail \`${props.namePrefix}-chat-guardrail\`).`,
      );
    }
  }

  /** One sentence per subscription, for the runbook. */
  public describe(): string[] {
    return [...this.lines];
  }
}

function pagerLabel(pager: Pager): string {
  return { [PagerKind.PAGERDUTY]: 'PagerDuty', [PagerKind.OPSGENIE]: 'Opsgenie', [PagerKind.HTTPS]: 'an HTTPS endpoint' }[pager.kind];
}
