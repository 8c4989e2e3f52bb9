import * as path from 'node:path';
import { DeploymentComponent, DeploymentPlatform } from '../../constructs/pulumi';
import { loadDefinitionFile, type ServiceDefinition } from '../../lib/model';
import { alarmArn } from '../aws/support/alarm-delivery';
import { evaluatePolicy, type PolicyDecision, type PolicyDocument } from '../aws/support/policy-evaluator';
import { checkout, installMocks, network, payments, setMockRegion, settle, type Registered } from './helpers';

/*
 * The Pulumi AWS target, every alarm of every example environment: the topic policy and the key
 * policy it writes, evaluated the way AWS does (test/aws/support/policy-evaluator) with the request
 * of CloudWatch publishing for that alarm, and the subscription of the declared receiver.
 */

const registered = installMocks('prod');
const ACCOUNT = '123456789012'; // what the mocks answer for aws.getCallerIdentity
const storefront = loadDefinitionFile(path.join(__dirname, '..', '..', 'examples', 'storefront-web', 'definition.yaml'));
const cases = [checkout(), payments(), storefront].flatMap((d) =>
  d.environments.map((e) => [`${d.service}-${e.name}`, d, e.name] as const),
);
/** Environments whose critical alarms page (the examples' dev opts out with a reason). */
const PAGED = ['staging', 'prod'];

type Json = Record<string, any>;
const unwrap = (v: any): any =>
  v && typeof v === 'object' && 'value' in v && Object.keys(v).some((k) => /^[0-9a-f]{32}$/.test(k)) ? v.value : v;

async function deploy(definition: ServiceDefinition, environment: string): Promise<Registered[]> {
  const region = definition.environments.find((e) => e.name === environment)!.region!;
  setMockRegion(region);
  const from = registered.length;
  new DeploymentComponent(`${definition.service}-${environment}-delivery`, {
    definition,
    environment,
    platform: DeploymentPlatform.AWS,
    network: definition.workload.container ? network : undefined,
  });
  await settle();
  return registered.slice(from);
}

/** Every (alarm, topic) hop: the publish and key decisions, and the subscribers of the topic. */
function hops(resources: Registered[], region: string, overrides: Record<string, string> = {}) {
  const of = (type: string) => resources.filter((r) => r.type === type);
  const arnOf = (r: Registered) => `arn:aws:mock:eu-west-1:123456789012:${r.type}/${r.name}`;
  const topics = of('aws:sns/topic:Topic');
  const at = { account: ACCOUNT, region };
  return of('aws:cloudwatch/metricAlarm:MetricAlarm').flatMap((alarm) =>
    [...(alarm.inputs.alarmActions ?? []), ...(alarm.inputs.okActions ?? [])].map((topicArn: string) => {
      const topic = topics.find((t) => arnOf(t) === topicArn);
      if (!topic) throw new Error(`alarm ${alarm.inputs.name} publishes to ${topicArn}, which this component did not create`);
      const context = {
        'aws:SourceAccount': ACCOUNT,
        'aws:SourceArn': alarmArn(alarm.inputs.name, at),
        'aws:SecureTransport': 'true',
        ...overrides,
      };
      const request = { principal: { service: 'cloudwatch.amazonaws.com' }, action: 'sns:Publish', resource: topicArn, context };
      const policies = of('aws:sns/topicPolicy:TopicPolicy').filter((p) => p.inputs.arn === topicArn);
      if (policies.length !== 1) throw new Error(`topic ${topic.name} has ${policies.length} topic policies`);
      const publish = evaluatePolicy(JSON.parse(policies[0].inputs.policy) as PolicyDocument, request);
      const key = of('aws:kms/key:Key').find((k) => arnOf(k) === topic.inputs.kmsMasterKeyId)!;
      const keyPolicies = of('aws:kms/keyPolicy:KeyPolicy').filter((p) => p.inputs.keyId === `${key.name}-id`);
      if (keyPolicies.length !== 1) throw new Error(`key ${key.name} has ${keyPolicies.length} key policies`);
      const keyDecision = (action: string): PolicyDecision =>
        evaluatePolicy(JSON.parse(keyPolicies[0].inputs.policy) as PolicyDocument, { ...request, action, resource: arnOf(key) });
      const receivers = [
        ...of('aws:sns/topicSubscription:TopicSubscription')
          .filter((s) => s.inputs.topic === topicArn)
          .map((s) => {
            if (s.inputs.protocol !== 'lambda') return `${s.inputs.protocol}:${unwrap(s.inputs.endpoint)}`;
            const fn = of('aws:lambda/function:Function').find((f) => arnOf(f) === s.inputs.endpoint)!;
            // The function's resource policy: its Permission resources, evaluated for SNS invoking it for this topic.
            const statements = of('aws:lambda/permission:Permission')
              .filter((p) => p.inputs.function === fn.inputs.name)
              .map((p) => ({
                Effect: 'Allow' as const,
                Principal: { Service: p.inputs.principal as string },
                Action: p.inputs.action as string,
                Resource: arnOf(fn),
                ...(p.inputs.sourceArn ? { Condition: { ArnLike: { 'aws:SourceArn': p.inputs.sourceArn as string } } } : {}),
              }));
            const invoke = evaluatePolicy(
              { Statement: statements },
              {
                principal: { service: 'sns.amazonaws.com' },
                action: 'lambda:InvokeFunction',
                resource: arnOf(fn),
                context: { 'aws:SourceArn': topicArn },
              },
            );
            const env = fn.inputs.environment.variables;
            return `lambda:${fn.inputs.name}:${env.PAGER_KIND}:${env.PAGER_KEY_SOURCE}${invoke.decision === 'Allow' ? '' : ' (SNS may not invoke it)'}`;
          }),
        ...[
          ...of('aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration'),
          ...of('aws:chatbot/teamsChannelConfiguration:TeamsChannelConfiguration'),
        ]
          .filter((c: Json) => (c.inputs.snsTopicArns ?? []).includes(topicArn))
          .map((c: Json) => `chatbot:${c.inputs.configurationName}`),
      ];
      return {
        alarm: alarm.inputs.name as string,
        topic: topic.inputs.name as string,
        publish: publish.decision,
        key: [keyDecision('kms:GenerateDataKey').decision, keyDecision('kms:Decrypt').decision],
        receivers,
      };
    }),
  );
}

let counted = 0;

describe.each(cases)('%s on Pulumi: every alarm reaches its receiver', (base, definition, environment) => {
  let resources: Registered[];
  const region = definition.environments.find((e) => e.name === environment)!.region!;
  beforeAll(async () => {
    resources = await deploy(definition, environment);
  });

  test('CloudWatch may publish every ALARM and OK notification (topic policy and key policy), to the declared receiver', () => {
    const all = hops(resources, region);
    expect(all.length).toBeGreaterThanOrEqual(5);
    for (const hop of all) {
      const critical = hop.topic === `${base}-critical`;
      const pager =
        definition.service === 'payments-api'
          ? `lambda:${base}-pager:opsgenie:${definition.service}/${environment}/opsgenie-api-key`
          : `lambda:${base}-pager:pagerduty:${definition.service}/${environment}/${definition.service === 'checkout' ? 'pagerduty-integration-key' : 'pagerduty-routing-key'}`;
      expect(hop).toEqual({
        alarm: hop.alarm,
        topic: hop.topic,
        publish: 'Allow',
        key: ['Allow', 'Allow'],
        receivers: critical && PAGED.includes(environment) ? [pager] : [`chatbot:${base}-alerts`],
      });
    }
    counted += all.length;
  });

  test('refused without TLS, from another account, or for an alarm the policy does not name', () => {
    expect(hops(resources, region, { 'aws:SecureTransport': 'false' }).every((h) => h.publish === 'ExplicitDeny')).toBe(true);
    expect(hops(resources, region, { 'aws:SourceAccount': '222222222222' }).every((h) => h.publish === 'ImplicitDeny')).toBe(true);
    const stranger = { 'aws:SourceArn': `arn:aws:cloudwatch:${region}:${ACCOUNT}:alarm:someone-elses-alarm` };
    expect(hops(resources, region, stranger).every((h) => h.publish === 'ImplicitDeny' && h.key.every((d) => d === 'ImplicitDeny'))).toBe(
      true,
    );
  });
});

afterAll(() => {
  process.stdout.write(`pulumi alarm-delivery: ${counted} Pulumi alarm notification paths evaluated\n`);
});
