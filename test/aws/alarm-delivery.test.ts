import * as path from 'node:path';
import { loadDefinitionFile, type ServiceDefinition } from '../../lib/model';
import { exampleTemplates } from '../support/example-outputs';
import { alarmDeliveries, delivered, type AlarmDelivery } from './support/alarm-delivery';

/*
 * Every alarm of every example environment on AWS, followed from CloudWatch to the receiver: the
 * topic policy and key policy evaluated the way AWS does (support/policy-evaluator), with the
 * request context of an alarm publishing, and the subscription of the declared receiver.
 */

const root = path.join(__dirname, '..', '..');
const ACCOUNT = '111111111111';

const examples: Record<string, () => ServiceDefinition> = {
  checkout: () => loadDefinitionFile(path.join(root, 'examples', 'checkout', 'definition.yaml')),
  'storefront-web': () => loadDefinitionFile(path.join(root, 'examples', 'storefront-web', 'definition.yaml')),
  'payments-api': () =>
    (require('../../examples/payments-api/definition') as typeof import('../../examples/payments-api/definition')).definition,
};

/** The pager each example declares: kind and Secrets Manager secret (literals from the definitions). */
const PAGER: Record<string, { kind: string; secret: string }> = {
  checkout: { kind: 'pagerduty', secret: 'checkout/prod/pagerduty-integration-key' },
  'storefront-web': { kind: 'pagerduty', secret: 'storefront-web/prod/pagerduty-routing-key' },
  'payments-api': { kind: 'opsgenie', secret: 'payments-api/prod/opsgenie-api-key' },
};

/** The environments whose critical alarms page (dev opts out in two examples, with a reason). */
const PAGED: Record<string, string[]> = {
  checkout: ['staging', 'prod'],
  'storefront-web': ['staging', 'prod'],
  'payments-api': ['staging', 'prod'],
};

const synthesized = new Map<string, { env: string; at: { account: string; region: string }; template: Record<string, any> }[]>();
/** Each environment's template, as `synthesizeAws` writes it: read from the run's synthesized examples. */
function templatesOf(example: string) {
  if (!synthesized.has(example)) {
    const def = examples[example]();
    const templates = exampleTemplates(example);
    synthesized.set(
      example,
      def.environments.map((env) => ({
        env: env.name,
        at: { account: ACCOUNT, region: env.region! },
        template: templates[`${def.service}-${env.name}`],
      })),
    );
  }
  return synthesized.get(example)!;
}

const paths = (deliveries: AlarmDelivery[]) => deliveries.flatMap((d) => [...d.alarmActions, ...d.okActions]);
let counted = 0;

describe.each(Object.keys(examples))('%s on AWS: every alarm reaches its receiver', (example) => {
  test('CloudWatch may publish every ALARM and OK notification, through the topic policy and the key policy', () => {
    for (const { env, at, template } of templatesOf(example)) {
      const deliveries = alarmDeliveries(template, at);
      expect(deliveries.length).toBeGreaterThanOrEqual(5);
      for (const d of deliveries) {
        expect(d.alarmActions.length).toBeGreaterThan(0);
        for (const hop of [...d.alarmActions, ...d.okActions]) {
          expect({ env, alarm: d.alarmName, topic: hop.topicArn, delivered: delivered(hop), publish: hop.publish.decision }).toEqual({
            env,
            alarm: d.alarmName,
            topic: hop.topicArn,
            delivered: true,
            publish: 'Allow',
          });
        }
      }
      counted += paths(deliveries).length;
    }
  });

  test('critical alarms page the declared pager where paging is on; the rest reach the chat channel', () => {
    const def = examples[example]();
    for (const { env, at, template } of templatesOf(example)) {
      for (const d of alarmDeliveries(template, at)) {
        const [hop] = d.alarmActions;
        const critical = hop.topicArn.endsWith('-critical');
        expect(hop.topicArn).toBe(`arn:aws:sns:${at.region}:111111111111:${def.service}-${env}-${critical ? 'critical' : 'warning'}`);
        if (critical && PAGED[example].includes(env)) {
          // The forwarder SNS may invoke, which reads the declared pager's key at run time.
          expect({ alarm: d.alarmName, receivers: hop.receivers }).toEqual({
            alarm: d.alarmName,
            receivers: [`lambda:${def.service}-${env}-pager`],
          });
          const fn = Object.values<any>(template.Resources).find(
            (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.FunctionName === `${def.service}-${env}-pager`,
          );
          expect(fn.Properties.Environment.Variables).toEqual({
            PAGER_KIND: PAGER[example].kind,
            PAGER_KEY_SOURCE: PAGER[example].secret.replace('/prod/', `/${env}/`),
          });
        } else {
          expect({ alarm: d.alarmName, receivers: hop.receivers }).toEqual({
            alarm: d.alarmName,
            receivers: [`chatbot:${def.service}-${env}-alerts`],
          });
        }
      }
    }
  });

  test('the publish is refused without TLS, from another account, or for an alarm the policy does not name', () => {
    const { at, template } = templatesOf(example).at(-1)!;
    const refused = (overrides: Record<string, string>) =>
      paths(alarmDeliveries(template, at, overrides)).every((hop) => !delivered(hop) && hop.publish.decision !== 'Allow');
    expect(refused({ 'aws:SecureTransport': 'false' })).toBe(true);
    expect(refused({ 'aws:SourceAccount': '222222222222' })).toBe(true);
    expect(refused({ 'aws:SourceArn': `arn:aws:cloudwatch:${at.region}:111111111111:alarm:someone-elses-alarm` })).toBe(true);
    expect(paths(alarmDeliveries(template, at, { 'aws:SecureTransport': 'false' }))[0].publish).toEqual({
      decision: 'ExplicitDeny',
      statement: 'AllowPublishThroughSSLOnly',
    });
  });
});

describe('the topic policy before issue 26 (the SSL-only deny alone)', () => {
  test('fails the same evaluation: CloudWatch may not publish, so nobody is paged', () => {
    const { at, template } = templatesOf('checkout').at(-1)!;
    // What aws-cdk-lib's enforceSSL wrote, and all glidepath's topic policies held.
    const denyOnly = structuredClone(template);
    for (const r of Object.values<any>(denyOnly.Resources)) {
      if (r.Type === 'AWS::SNS::TopicPolicy') {
        r.Properties.PolicyDocument.Statement = r.Properties.PolicyDocument.Statement.filter((s: any) => s.Effect === 'Deny');
        expect(r.Properties.PolicyDocument.Statement).toHaveLength(1);
      }
    }
    const hops = paths(alarmDeliveries(denyOnly, at));
    expect(hops.length).toBeGreaterThan(0);
    expect(hops.every((hop) => hop.publish.decision === 'ImplicitDeny')).toBe(true);
  });
});

afterAll(() => {
  // The number of alarm → receiver paths the evaluation followed (reported in the issue).
  process.stdout.write(`alarm-delivery: ${counted} CloudFormation alarm notification paths evaluated\n`);
});
