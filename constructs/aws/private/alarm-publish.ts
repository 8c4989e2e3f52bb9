import { ArnFormat, Lazy, Stack, Token } from 'aws-cdk-lib/core';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

/**
 * The ARN of an alarm as CloudWatch sends it in `aws:SourceArn` when it publishes:
 * `arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>`. Built from the literal alarm name
 * when there is one, so a policy needs no dependency on the alarm resource.
 */
export function alarmArnOf(alarm: cloudwatch.IAlarm): string {
  const l1 = alarm.node.defaultChild as cloudwatch.CfnAlarm | undefined;
  const name = l1?.alarmName;
  if (typeof name === 'string' && !Token.isUnresolved(name)) {
    return Stack.of(alarm).formatArn({
      service: 'cloudwatch',
      resource: 'alarm',
      resourceName: name,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }
  return alarm.alarmArn;
}

/** The alarm ARNs each topic and key already lets publish, so one statement per topic or key grows. */
const granted = new WeakMap<Construct, string[]>();
/** The literal names of the alarms publishing to each topic, for the runbook's test page. */
const names = new WeakMap<Construct, string[]>();

/** Names of the alarms granted to publish to a topic (those with a literal name), in grant order. */
export function alarmNamesPublishingTo(topic: sns.ITopic): string[] {
  return [...(names.get(topic) ?? [])];
}

/**
 * Lets CloudWatch publish one alarm's notifications to a topic: an `Allow` for
 * `cloudwatch.amazonaws.com` on the topic and, when it is encrypted with a key in this app, on the
 * key, both conditioned on `aws:SourceAccount` (this account) and `aws:SourceArn` (the alarms).
 *
 * A topic policy replaces SNS's default policy, whose same-account allow is what lets alarms
 * publish; without this statement every alarm action fails ("no resource-based policy allows").
 * The conditions keep the grant from acting for another account's alarms (confused deputy).
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html#source-account-versus-source-owner
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 */
export function grantAlarmPublish(topic: sns.ITopic, alarm: cloudwatch.IAlarm): void {
  // An imported topic's policy is not ours to change; its owner grants publishing.
  if (!(topic instanceof sns.Topic)) return;
  const arn = alarmArnOf(alarm);
  const name = (alarm.node.defaultChild as cloudwatch.CfnAlarm | undefined)?.alarmName;
  if (typeof name === 'string' && !Token.isUnresolved(name)) {
    const list = names.get(topic) ?? [];
    if (!list.includes(name)) list.push(name);
    names.set(topic, list);
  }
  grow(topic, arn, (arns) => {
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: conditions(topic, arns),
      }),
    );
  });
  const key = topic.masterKey as kms.IKey | undefined;
  if (key) {
    grow(key, arn, (arns) => {
      key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowCloudWatchAlarmsToUseTheKey',
          principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
          conditions: conditions(key, arns),
        }),
      );
    });
  }
}

function grow(owner: Construct, arn: string, create: (arns: string[]) => void): void {
  let arns = granted.get(owner);
  if (!arns) {
    arns = [];
    granted.set(owner, arns);
    create(arns);
  }
  if (!arns.includes(arn)) arns.push(arn);
}

function conditions(scope: Construct, arns: string[]): Record<string, Record<string, unknown>> {
  return {
    StringEquals: { 'aws:SourceAccount': Stack.of(scope).account },
    ArnLike: { 'aws:SourceArn': Lazy.list({ produce: () => [...arns] }) },
  };
}

/**
 * An EventBridge rule target that publishes to a topic and lets exactly that rule publish: an
 * `Allow` for `events.amazonaws.com` conditioned on `aws:SourceAccount` and `aws:SourceArn` (the
 * rule's ARN), where aws-cdk-lib's `SnsTopic` target grants the service unconditioned. The key
 * statement for EventBridge stays unconditioned: EventBridge's KMS requests carry no source keys.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions
 */
export class EventRulePublishTarget implements events.IRuleTarget {
  constructor(
    private readonly topic: sns.ITopic,
    private readonly message?: events.RuleTargetInput,
  ) {}

  public bind(rule: events.IRuleRef): events.RuleTargetConfig {
    const r = rule as events.IRule;
    if (this.topic instanceof sns.Topic) {
      const l1 = r.node.defaultChild as { name?: string } | undefined;
      const arn =
        typeof l1?.name === 'string' && !Token.isUnresolved(l1.name)
          ? Stack.of(r).formatArn({ service: 'events', resource: 'rule', resourceName: l1.name })
          : r.ruleArn;
      this.topic.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowEventBridgeRuleToPublish',
          principals: [new iam.ServicePrincipal('events.amazonaws.com')],
          actions: ['sns:Publish'],
          resources: [this.topic.topicArn],
          conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(r).account }, ArnEquals: { 'aws:SourceArn': arn } },
        }),
      );
    }
    return { arn: this.topic.topicArn, input: this.message, targetResource: this.topic };
  }
}

/**
 * An alarm action that publishes to a topic and grants the alarm the right to (`grantAlarmPublish`).
 * Use it instead of `SnsAction` for topics whose policy this app writes.
 */
export class AlarmPublishAction implements cloudwatch.IAlarmAction {
  constructor(private readonly topic: sns.ITopic) {}

  public bind(scope: Construct, alarm: cloudwatch.IAlarm): cloudwatch.AlarmActionConfig {
    grantAlarmPublish(this.topic, alarm);
    return new actions.SnsAction(this.topic).bind(scope, alarm);
  }
}
