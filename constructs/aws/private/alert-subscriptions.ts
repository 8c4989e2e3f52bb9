import { Duration, RemovalPolicy } from 'aws-cdk-lib/core';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { PAGER_FORWARDER_SOURCE } from '../../../lib/handlers/pager-forwarder-code';
import { functionRole } from './function-role';
import { Construct } from 'constructs';
import { PagerKind, type Pager, type Receivers } from '../../../lib/model/receivers';
import { CHAT_NOTIFICATION_ACTIONS } from '../../../lib/plan/chat-guardrail';
import { ACKNOWLEDGEMENTS } from '../../../lib/runbook/platforms/aws-accepted-risks';
import { acknowledge } from './acknowledge';

/** Props of `AlertSubscriptions`. */
export interface AlertSubscriptionsProps {
  readonly namePrefix: string;
  readonly receivers: Receivers;
  readonly critical: sns.ITopic;
  readonly warning: sns.ITopic;
  /** What happens to the forwarder's log group when the stack is deleted. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** @default one month */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The subscriptions of a service's alert topics: the pager on the critical topic, through a
 * function that reads the integration key from Secrets Manager at run time (an HTTPS subscription
 * would hold the key in its endpoint, which SNS shows to anyone allowed `sns:ListSubscriptions`), and the
 * chat channel (AWS Chatbot, now Amazon Q Developer in chat applications) on the warning topic, and
 * on the critical topic too when nobody is paged. AWS Chatbot needs the Slack workspace (or Teams
 * team) authorized once in its console before the channel configuration deploys.
 * @see https://docs.aws.amazon.com/chatbot/latest/adminguide/slack-setup.html
 */
export class AlertSubscriptions extends Construct {
  constructor(scope: Construct, id: string, props: AlertSubscriptionsProps) {
    super(scope, id);
    const { receivers } = props;
    if (receivers.critical) {
      this.pagerFunction = this.forwarder(props, receivers.critical);
      props.critical.addSubscription(new subscriptions.LambdaSubscription(this.pagerFunction));
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
      acknowledge(guardrail, ACKNOWLEDGEMENTS.chatGuardrail);
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
    }
  }

  /** The function forwarding critical notifications to the pager, when one is declared. */
  public readonly pagerFunction?: lambda.Function;

  private forwarder(props: AlertSubscriptionsProps, pager: Pager): lambda.Function {
    const name = `${props.namePrefix}-pager`;
    const logGroup = new logs.LogGroup(this, 'PagerLogs', {
      logGroupName: `/aws/lambda/${name}`,
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    const role = functionRole(this, 'PagerRole', logGroup, `Forwards the critical alerts of ${props.namePrefix} to the pager`);
    const secret = secretsmanager.Secret.fromSecretNameV2(this, 'PagerSecret', pager.secretName);
    secret.grantRead(role);
    acknowledge(role, ACKNOWLEDGEMENTS.pagerSecret(pager.secretName));
    return new lambda.Function(this, 'Pager', {
      functionName: name,
      description: `Forwards the critical alerts of ${props.namePrefix} to ${pagerLabel(pager)} with the key from Secrets Manager`,
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(PAGER_FORWARDER_SOURCE),
      timeout: Duration.seconds(30),
      memorySize: 128,
      role,
      logGroup,
      environment: { PAGER_KEY_SOURCE: pager.secretName, PAGER_KIND: pager.kind },
    });
  }
}

function pagerLabel(pager: Pager): string {
  return { [PagerKind.PAGERDUTY]: 'PagerDuty', [PagerKind.OPSGENIE]: 'Opsgenie', [PagerKind.HTTPS]: 'an HTTPS endpoint' }[pager.kind];
}
