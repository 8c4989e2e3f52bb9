import { evaluatePolicy, type PolicyDecision, type PolicyDocument } from './policy-evaluator';

/**
 * Follows each CloudWatch alarm of a synthesized CloudFormation template to where its notification
 * lands: the topics of its actions, whether the topic policy and the topic's KMS key policy let
 * CloudWatch publish on the alarm's behalf (`policy-evaluator`), and who is subscribed.
 *
 * The request is the one CloudWatch makes when an alarm changes state, as the SNS and CloudWatch
 * documentation describes it: principal `cloudwatch.amazonaws.com`, action `sns:Publish` on the
 * topic (and `kms:GenerateDataKey` / `kms:Decrypt` on its key), `aws:SourceAccount` the alarm's
 * account, `aws:SourceArn` the alarm's ARN `arn:aws:cloudwatch:<region>:<account>:alarm:<name>`,
 * and `aws:SecureTransport` true (AWS services call SNS over TLS).
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html (alarm ARN format)
 */

type Json = Record<string, any>;

/** Where the stack is deployed. */
export interface Deployment {
  readonly account: string;
  readonly region: string;
  readonly partition?: string;
}

/** Resolves the intrinsics glidepath's templates use in policies and ARNs. */
export function resolveIntrinsics(value: unknown, template: Json, at: Deployment): any {
  const resources: Json = template.Resources ?? {};
  const partition = at.partition ?? 'aws';
  const refOf = (id: string): string => {
    const pseudo: Record<string, string> = {
      'AWS::AccountId': at.account,
      'AWS::Region': at.region,
      'AWS::Partition': partition,
      'AWS::URLSuffix': 'amazonaws.com',
    };
    if (id in pseudo) return pseudo[id];
    const r = resources[id];
    if (!r) throw new Error(`Ref to unknown resource ${id}`);
    // Ref of an SNS topic is its ARN; of a KMS key its id; of a managed policy its ARN.
    if (r.Type === 'AWS::SNS::Topic') return `arn:${partition}:sns:${at.region}:${at.account}:${r.Properties.TopicName}`;
    if (r.Type === 'AWS::KMS::Key') return id;
    if (r.Type === 'AWS::IAM::ManagedPolicy') return `arn:${partition}:iam::${at.account}:policy/${r.Properties.ManagedPolicyName}`;
    return id;
  };
  const walk = (v: unknown): any => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    const o = v as Json;
    if ('Ref' in o) return refOf(o.Ref);
    if ('Fn::Join' in o) {
      const [sep, parts] = o['Fn::Join'];
      return (walk(parts) as unknown[]).join(sep);
    }
    if ('Fn::GetAtt' in o) {
      const [id, attr] = o['Fn::GetAtt'];
      const r = resources[id];
      if (r?.Type === 'AWS::KMS::Key' && attr === 'Arn') return `arn:${partition}:kms:${at.region}:${at.account}:key/${id}`;
      if (r?.Type === 'AWS::CloudWatch::Alarm' && attr === 'Arn') return alarmArn(r.Properties.AlarmName, at);
      if (r?.Type === 'AWS::Lambda::Function' && attr === 'Arn')
        return `arn:${partition}:lambda:${at.region}:${at.account}:function:${r.Properties.FunctionName}`;
      if (r?.Type === 'AWS::IAM::Role' && attr === 'Arn') return `arn:${partition}:iam::${at.account}:role/${r.Properties.RoleName ?? id}`;
      return `${id}.${attr}`;
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, walk(x)]));
  };
  return walk(value);
}

/** An alarm's ARN as CloudWatch puts it in `aws:SourceArn`. */
export function alarmArn(name: string, at: Deployment): string {
  return `arn:${at.partition ?? 'aws'}:cloudwatch:${at.region}:${at.account}:alarm:${name}`;
}

/** One hop of an alarm's notification: the topic, the two policy decisions, who is subscribed. */
export interface TopicDelivery {
  readonly topicArn: string;
  readonly publish: PolicyDecision;
  /** Decisions on the topic's key (GenerateDataKey and Decrypt); absent when the topic is not encrypted. */
  readonly key?: { readonly generateDataKey: PolicyDecision; readonly decrypt: PolicyDecision };
  /**
   * Who hears: `lambda:<function name>` for a function SNS may invoke (its permission evaluated
   * like the policies), `<protocol>:<endpoint>` for other subscriptions, `chatbot:<configuration>`.
   */
  readonly receivers: readonly string[];
}

/** An alarm and where each of its ALARM notifications goes. */
export interface AlarmDelivery {
  readonly alarmName: string;
  readonly alarmArn: string;
  readonly alarmActions: readonly TopicDelivery[];
  readonly okActions: readonly TopicDelivery[];
}

/** The request context of CloudWatch publishing for `alarm`; override a key to ask "what if". */
export function cloudWatchContext(alarmName: string, at: Deployment, overrides: Record<string, string> = {}): Record<string, string> {
  return { 'aws:SourceAccount': at.account, 'aws:SourceArn': alarmArn(alarmName, at), 'aws:SecureTransport': 'true', ...overrides };
}

/** Follows every alarm of a template to its topics, policies and subscribers. */
export function alarmDeliveries(template: Json, at: Deployment, overrides: Record<string, string> = {}): AlarmDelivery[] {
  const resources: Json = template.Resources ?? {};
  const resolved = (v: unknown) => resolveIntrinsics(v, template, at);
  const byType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const deliver = (alarmName: string, topicArn: string): TopicDelivery => {
    const topicEntry = byType('AWS::SNS::Topic').find(([id]) => resolved({ Ref: id }) === topicArn);
    const context = cloudWatchContext(alarmName, at, overrides);
    const policies = byType('AWS::SNS::TopicPolicy')
      .filter(([, r]) => (resolved(r.Properties.Topics) as string[]).includes(topicArn))
      .map(([, r]) => resolved(r.Properties.PolicyDocument) as PolicyDocument);
    // A topic without a TopicPolicy keeps SNS's default policy; glidepath always writes one.
    if (policies.length !== 1) throw new Error(`topic ${topicArn} has ${policies.length} topic policies; expected 1`);
    const request = { principal: { service: 'cloudwatch.amazonaws.com' }, action: 'sns:Publish', resource: topicArn, context };
    const publish = evaluatePolicy(policies[0], request);
    let key: TopicDelivery['key'];
    const keyArn = topicEntry ? resolved(topicEntry[1].Properties.KmsMasterKeyId) : undefined;
    if (keyArn) {
      const keyId = String(keyArn).split('/').pop()!;
      const keyResource = resources[keyId];
      if (!keyResource) throw new Error(`topic ${topicArn} is encrypted with ${keyArn}, which is not in this template`);
      const policy = resolved(keyResource.Properties.KeyPolicy) as PolicyDocument;
      const ask = (action: string) => evaluatePolicy(policy, { ...request, action, resource: keyArn });
      key = { generateDataKey: ask('kms:GenerateDataKey'), decrypt: ask('kms:Decrypt') };
    }
    const receivers = [
      ...byType('AWS::SNS::Subscription')
        .filter(([, r]) => resolved(r.Properties.TopicArn) === topicArn)
        .map(([, r]) => {
          const endpoint = resolved(r.Properties.Endpoint) as string;
          if (r.Properties.Protocol !== 'lambda') return `${r.Properties.Protocol}:${endpoint}`;
          // A function's resource policy is its AWS::Lambda::Permission resources.
          const statements = byType('AWS::Lambda::Permission')
            .filter(([, p]) => resolved(p.Properties.FunctionName) === endpoint)
            .map(([, p]) => ({
              Effect: 'Allow' as const,
              Principal: { Service: p.Properties.Principal as string },
              Action: p.Properties.Action as string,
              Resource: endpoint,
              ...(p.Properties.SourceArn ? { Condition: { ArnLike: { 'aws:SourceArn': resolved(p.Properties.SourceArn) } } } : {}),
            }));
          const invoke = evaluatePolicy(
            { Statement: statements },
            {
              principal: { service: 'sns.amazonaws.com' },
              action: 'lambda:InvokeFunction',
              resource: endpoint,
              context: { 'aws:SourceArn': topicArn },
            },
          );
          return invoke.decision === 'Allow'
            ? `lambda:${endpoint.split(':').pop()}`
            : `lambda:${endpoint.split(':').pop()} (SNS may not invoke it)`;
        }),
      ...[...byType('AWS::Chatbot::SlackChannelConfiguration'), ...byType('AWS::Chatbot::MicrosoftTeamsChannelConfiguration')]
        .filter(([, r]) => (resolved(r.Properties.SnsTopicArns ?? []) as string[]).includes(topicArn))
        .map(([, r]) => `chatbot:${r.Properties.ConfigurationName}`),
    ];
    return { topicArn, publish, key, receivers };
  };
  return byType('AWS::CloudWatch::Alarm').map(([, r]) => {
    const name = r.Properties.AlarmName as string;
    if (typeof name !== 'string') throw new Error('an alarm without a literal AlarmName cannot be followed');
    return {
      alarmName: name,
      alarmArn: alarmArn(name, at),
      alarmActions: (resolved(r.Properties.AlarmActions ?? []) as string[]).map((t) => deliver(name, t)),
      okActions: (resolved(r.Properties.OKActions ?? []) as string[]).map((t) => deliver(name, t)),
    };
  });
}

/** Whether CloudWatch's notification reaches the topic: publish allowed and, if encrypted, the key usable. */
export function delivered(d: TopicDelivery): boolean {
  return d.publish.decision === 'Allow' && (!d.key || (d.key.generateDataKey.decision === 'Allow' && d.key.decrypt.decision === 'Allow'));
}
