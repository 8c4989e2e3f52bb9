import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import Ajv from 'ajv';
import { Testing } from 'cdk8s';
import { DeploymentChart } from '../../constructs/k8s';
import { AlertmanagerRouting } from '../../constructs/k8s/alertmanager-routing';
import { loadDefinitionFile } from '../../lib/model';
import { resolveReceivers } from '../../lib/model/receivers';
import { collectRunbookFacts } from '../../lib/runbook/facts';
import { objectOf, validateObject, type Manifest } from './helpers';
import { amtoolVersion, checkConfig, operatorConfig, routesTest, writeConfig } from './support/alertmanager-operator';

/*
 * Every alert of every Kubernetes example environment, routed by the real Alertmanager code
 * (amtool) through the configuration the prometheus-operator builds from the generated
 * AlertmanagerConfig (support/alertmanager-operator.ts) merged into kube-prometheus-stack's default.
 */

const root = path.join(__dirname, '..', '..');
const EXAMPLES = ['storefront-web', 'checkout'].map((name) => loadDefinitionFile(path.join(root, 'examples', name, 'definition.yaml')));
/** Environments whose critical alerts page (the examples' dev opts out with a reason). */
const PAGED = ['staging', 'prod'];

/** What the Secrets hold in a cluster (test values: the manifests never carry any). */
function clusterSecrets(ns: string): Record<string, string> {
  return {
    [`${ns}-alerting-pager/value`]: 'test-routing-key-0000',
    [`${ns}-alerting-chat/value`]: 'https://hooks.slack.com/services/T000/B000/TEST',
    [`${ns}-alerting-heartbeat/value`]: 'https://hc-ping.example.invalid/test',
  };
}

/**
 * A closed schema of the AlertmanagerConfig fields glidepath writes, from the operator's CRD
 * (monitoring.coreos.com_alertmanagerconfigs.yaml): the npm model accepts unknown fields.
 */
const selector = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'key'],
  properties: { name: { type: 'string' }, key: { type: 'string' } },
};
const matcher = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1 }, value: { type: 'string' }, matchType: { enum: ['=', '!=', '=~', '!~'] } },
};
const duration = { type: 'string', pattern: '^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$' };
const route: Record<string, unknown> = {
  type: 'object',
  additionalProperties: false,
  properties: {
    receiver: { type: 'string' },
    groupBy: { type: 'array', items: { type: 'string' } },
    groupWait: duration,
    groupInterval: duration,
    repeatInterval: duration,
    continue: { type: 'boolean' },
    matchers: { type: 'array', items: matcher },
    routes: { type: 'array', items: { $ref: '#/$defs/route' } },
  },
};
const config = (secretField: string) => ({
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: false,
    required: [secretField],
    properties: { [secretField]: selector, sendResolved: { type: 'boolean' }, channel: { type: 'string' } },
  },
});
const specSchema = {
  $defs: { route },
  type: 'object',
  additionalProperties: false,
  required: ['route', 'receivers'],
  properties: {
    route: { $ref: '#/$defs/route' },
    receivers: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: { type: 'string', minLength: 1 },
          pagerdutyConfigs: config('routingKey'),
          opsgenieConfigs: config('apiKey'),
          webhookConfigs: config('urlSecret'),
          slackConfigs: config('apiURL'),
          msteamsConfigs: config('webhookUrl'),
        },
      },
    },
    inhibitRules: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          sourceMatch: { type: 'array', items: matcher },
          targetMatch: { type: 'array', items: matcher },
          equal: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
};
const validateSpec = new Ajv({ allErrors: true }).compile(specSchema);

let paths = 0;
const version = amtoolVersion();

describe.each(EXAMPLES.flatMap((d) => d.environments.map((e) => [`${d.service}-${e.name}`, d, e.name] as const)))(
  '%s: every alert reaches its receiver through Alertmanager',
  (ns, definition, environment) => {
    const chart = new DeploymentChart(Testing.app(), 'Chart', { definition, environment });
    const manifests = Testing.synth(chart) as Manifest[];
    const am = objectOf(manifests, 'AlertmanagerConfig');
    const file = writeConfig(operatorConfig([am], clusterSecrets(ns)));
    const receiver = (name: string) => `${ns}/${ns}-alerting/${name}`;

    test('the AlertmanagerConfig is valid (npm model and the closed schema) and labelled for the selector', () => {
      validateObject(am);
      expect(validateSpec(am.spec) ? [] : validateSpec.errors).toEqual([]);
      expect(am.metadata).toEqual({ name: `${ns}-alerting`, namespace: ns, labels: { release: 'kube-prometheus-stack' } });
    });

    test('credentials come from Secrets that External Secrets copies from Secrets Manager; the manifest holds names only', () => {
      const remote = manifests.filter((m) => m.kind === 'ExternalSecret' && m.metadata.name.startsWith(`${ns}-alerting-`));
      expect(Object.fromEntries(remote.map((m) => [m.metadata.name, m.spec.data[0].remoteRef.key]))).toEqual(
        Object.fromEntries(
          Object.entries({
            pager: `${definition.service}/${environment}/${definition.service === 'checkout' ? 'pagerduty-integration-key' : 'pagerduty-routing-key'}`,
            chat: `${definition.service}/${environment}/slack-webhook-url`,
            heartbeat: `${definition.service}/${environment}/${definition.service === 'checkout' ? 'healthchecks-ping-url' : 'snitch-url'}`,
          })
            .filter(([name]) => name !== 'pager' || PAGED.includes(environment))
            .map(([name, key]) => [`${ns}-alerting-${name}`, key]),
        ),
      );
      expect(JSON.stringify(am)).not.toMatch(/https?:\/\//);
    });

    test(`amtool ${version} check-config accepts what the operator generates`, () => {
      const r = checkConfig(file);
      expect(r.output).toContain('SUCCESS');
      expect(r.status).toBe(0);
    });

    test('amtool config routes test: every generated alert, with its labels, reaches the declared receiver', () => {
      const rules = chart.alerts.spec.groups.flatMap((g) => g.rules);
      expect(rules.length).toBeGreaterThanOrEqual(6);
      for (const rule of rules) {
        const labels = { alertname: rule.alert, ...rule.labels };
        const expected =
          rule.alert === 'Watchdog'
            ? // Ours first (continue: true), then kube-prometheus-stack's own Watchdog route.
              [receiver('heartbeat'), 'null']
            : rule.labels.severity === 'critical'
              ? [receiver(PAGED.includes(environment) ? 'pager' : 'chat')]
              : [receiver('chat')];
        expect({ alert: rule.alert, receivers: routesTest(file, labels) }).toEqual({ alert: rule.alert, receivers: expected });
        paths += 1;
      }
    });

    test("an alert of another namespace is not this service's business (the operator's namespace matcher)", () => {
      expect(routesTest(file, { alertname: 'CriticalErrorRate', severity: 'critical', namespace: 'someone-else' })).toEqual(['null']);
    });

    test('a critical alert inhibits the warnings of the same service and environment, in this namespace only', () => {
      const generated = operatorConfig([am], clusterSecrets(ns));
      expect(generated.inhibit_rules.at(-1)).toEqual({
        source_matchers: ['severity="critical"', `namespace="${ns}"`],
        target_matchers: ['severity="warning"', `namespace="${ns}"`],
        equal: ['service', 'environment'],
      });
    });

    test('the Watchdog is re-sent at every 1m flush (repeat_interval under group_interval), so the heartbeat service hears it every minute', () => {
      const watchdog = am.spec.route.routes.find((r: Manifest) => r.matchers.some((m: Manifest) => m.value === 'Watchdog'));
      expect(watchdog).toMatchObject({ receiver: 'heartbeat', groupWait: '0s', groupInterval: '1m', repeatInterval: '50s' });
    });

    test("the runbook's paging check runs with the real amtool: its flags and labels parse (the Alertmanager is unreachable here)", () => {
      const paging = collectRunbookFacts(chart).find((f) => f.paging)?.paging;
      const amtool = (paging?.test ?? []).filter((c) => c.command.startsWith('amtool '));
      expect(amtool.map((c) => c.command.split(' ').slice(0, 3).join(' '))).toEqual(['amtool config routes', 'amtool alert add']);
      for (const c of amtool) {
        const r = spawnSync('bash', ['-c', c.command.replace('http://127.0.0.1:9093', 'http://127.0.0.1:1')], { encoding: 'utf8' });
        expect(r.stderr).toMatch(/127\.0\.0\.1:1\/api\/v2\/(status|alerts)".*connection refused/);
      }
      expect(paging?.test.find((c) => c.command.startsWith('amtool config'))?.expected).toContain(
        `${ns}/${ns}-alerting/${PAGED.includes(environment) ? 'pager' : 'chat'}`,
      );
    });

    test('the runbook names the operator settings the routing needs', () => {
      const prerequisites = collectRunbookFacts(chart).flatMap((f) => f.prerequisites ?? []);
      expect(prerequisites.join('\n')).toMatch(/alertmanagerConfigSelector matches labels release=kube-prometheus-stack/);
      expect(prerequisites.join('\n')).toMatch(new RegExp(`alertmanagerConfigNamespaceSelector matches namespace ${ns}`));
      expect(prerequisites.join('\n')).toMatch(/alertmanagerConfigMatcherStrategy is OnNamespace/);
    });
  },
);

describe('AlertmanagerRouting', () => {
  const build = (receivers: Parameters<typeof resolveReceivers>[1]) =>
    new AlertmanagerRouting(Testing.chart(), 'Alerting', {
      name: 'shop-prod-alerting',
      namespace: 'shop-prod',
      region: 'eu-west-1',
      receivers: resolveReceivers('prod', receivers),
    });

  test('Teams, Opsgenie and an HTTPS pager render their own integrations', () => {
    const spec = build({
      critical: { opsgenie: { apiKeySecret: 'shop/{env}/opsgenie' } },
      warning: { teams: { webhookUrlSecret: 'shop/{env}/teams' } },
    }).spec;
    expect(spec.receivers).toEqual([
      { name: 'pager', opsgenieConfigs: [{ apiKey: { name: 'shop-prod-alerting-pager', key: 'value' }, sendResolved: true }] },
      { name: 'chat', msteamsConfigs: [{ webhookUrl: { name: 'shop-prod-alerting-chat', key: 'value' }, sendResolved: true }] },
      { name: 'none' },
    ]);
    expect(build({ critical: { https: { urlSecret: 'shop/prod/pager-url' } } }).spec.receivers[0]).toEqual({
      name: 'pager',
      webhookConfigs: [{ urlSecret: { name: 'shop-prod-alerting-pager', key: 'value' }, sendResolved: true }],
    });
  });

  test('fails when a chat channel has no webhook on Kubernetes, naming the field and the fix', () => {
    expect(() => build({ warning: { slack: { workspaceId: 'T1', channelId: 'C1' } } })).toThrow(
      /receivers.warning.slack of shop-prod has no "webhookUrlSecret"; on Kubernetes Alertmanager posts to the channel's incoming webhook/,
    );
  });

  test('without a heartbeat service the Watchdog goes to an empty receiver, never to people', () => {
    const routing = build({ critical: { pagerDuty: { integrationKeySecret: 'shop/prod/pd' } } });
    expect(routing.receiverFor('none', 'Watchdog')).toBe('none');
    expect(routing.receiverFor('critical', 'CriticalErrorRate')).toBe('pager');
  });
});

afterAll(() => {
  process.stdout.write(`alertmanager-routing: ${paths} alert → receiver paths tested with amtool ${version}\n`);
});
