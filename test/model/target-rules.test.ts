/**
 * What a target refuses at synthesis, refused by validation first (lib/model/validate/targets.ts):
 * `loadDefinitionFile`, and so `glidepath validate`, names the field and where it is written.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { DefinitionError, loadDefinitionFile, validateDefinition } from '../../lib/model';

const ROOT = path.resolve(__dirname, '..', '..');
const CHECKOUT = fs.readFileSync(path.join(ROOT, 'examples', 'checkout', 'definition.yaml'), 'utf8');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-target-rules-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Loads `text` from `name` and returns the messages, with the temporary directory cut. */
function refusal(name: string, text: string): string[] {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  try {
    loadDefinitionFile(file);
  } catch (error) {
    expect(error).toBeInstanceOf(DefinitionError);
    return (error as DefinitionError).problems.map((p) => p.message.replaceAll(`${dir}/`, ''));
  }
  throw new Error(`${name} loaded`);
}

/** 1-based line of the first line of `text` that contains `needle` (after `after`). */
function lineOf(text: string, needle: string, after = 0): number {
  return text.split('\n').findIndex((l, i) => i >= after && l.includes(needle)) + 1;
}

const HTTPS_FIX =
  'set "tls.certificateArn", or "tls.domainName" with "tls.hostedZoneId" and "tls.hostedZoneName" to issue a DNS-validated certificate, or "tls: { enabled: false, reason: ... }" to accept plain HTTP';

describe('HTTPS in production (constructs/aws/deployment-stack.ts refused it at synthesis)', () => {
  test('fails when a production container environment says nothing about TLS', () => {
    const d = parse(CHECKOUT);
    delete d.environments[2].tls;
    const text = stringify(d);
    const line = lineOf(text, '- name: prod');
    expect(refusal('no-tls.yaml', text)).toEqual([
      `environments[2].tls is missing; production environment "prod" serves users through an internet-facing load balancer and needs HTTPS: ${HTTPS_FIX} (at no-tls.yaml:${line}:5)`,
    ]);
  });

  test('plain HTTP with a reason validates; the library API leaves the rule to the AWS target', () => {
    const d = parse(CHECKOUT);
    d.environments[2].tls = { enabled: false, reason: 'TLS terminates at the corporate proxy in front of the load balancer' };
    fs.writeFileSync(path.join(dir, 'plain.yaml'), stringify(d));
    expect(loadDefinitionFile(path.join(dir, 'plain.yaml')).environments[2].tls?.reason).toContain('corporate proxy');
    delete d.environments[2].tls;
    expect(() => validateDefinition(d, { baseDirectory: dir })).not.toThrow();
  });
});

describe('regions a target needs', () => {
  test('fails when an environment with secrets has no region (the Kubernetes SecretStore needs it)', () => {
    const d = parse(CHECKOUT);
    delete d.environments[0].region;
    const text = stringify(d);
    expect(refusal('no-region.yaml', text)).toEqual([
      `environments[0].region is missing; "dev" has secrets ("checkout/dev/db-password", "checkout/dev/session-signing-key"), and the Kubernetes SecretStore must name the AWS region that holds them; set "region", e.g. "eu-west-1" (at no-region.yaml:${lineOf(text, '- name: dev')}:5)`,
    ]);
  });

  test('fails when a function with feature flags has no region (the AppConfig Lambda extension is per region)', () => {
    const text = [
      'service: pay',
      'owners: { team: t, primary: "@a", backup: "@b", channel: "#c" }',
      'workload: { function: { runtime: nodejs22.x, handler: index.handler, code: src } }',
      'featureFlags: [{ name: new-form, description: The new form }]',
      'environments:',
      '  - name: staging',
      '    rollout: { strategy: canary }',
    ].join('\n');
    fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
    expect(refusal('function-flags.yaml', text)).toEqual([
      'environments[0].region is missing; the function reads its feature flags through the AppConfig Lambda extension, a layer published per region, so "staging" must name its region; set "region", e.g. "eu-west-1" (at function-flags.yaml:6:5)',
    ]);
  });
});

describe('secrets of a function (constructs/aws/progressive-function.ts refused them at synthesis)', () => {
  test("fails when the plain environment already sets the variable a secret's ARN goes to", () => {
    const text = [
      'service: pay',
      'owners: { team: t, primary: "@a", backup: "@b", channel: "#c" }',
      'workload:',
      '  function: { runtime: nodejs22.x, handler: index.handler, code: src, environment: { DB_SECRET_ARN: "arn:aws:secretsmanager:eu-west-1:111111111111:secret:x" } }',
      'secrets:',
      '  - { name: db, envVar: DB, generate: { rotation: 30d } }',
      'environments:',
      '  - { name: staging, region: eu-west-1, rollout: { strategy: canary } }',
    ].join('\n');
    fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
    expect(refusal('secret-arn.yaml', text)).toEqual([
      'secrets[0].envVar is "DB"; a function reads this secret\'s ARN from "DB_SECRET_ARN", which workload.function.environment also sets; remove "DB_SECRET_ARN" there (glidepath sets it) (at secret-arn.yaml:6:17)',
    ]);
  });
});

describe('Kubernetes settings (constructs/k8s refused them at synthesis)', () => {
  test('fails when the serving port is the metrics port (9090 by default)', () => {
    const text = CHECKOUT.replace('port: 8080', 'port: 9090');
    expect(refusal('metrics-port.yaml', text)).toEqual([
      `workload.container.port is 9090; the Kubernetes target serves metrics on kubernetes.metrics.port (9090), which must differ from the serving port so metrics stay out of the Services and the Ingress; set "kubernetes.metrics.port" to another port, e.g. 9091 (at metrics-port.yaml:${lineOf(text, 'port: 9090')}:5)`,
    ]);
  });

  test("fails when the dead-man's switch fires within three scrape intervals", () => {
    const d = parse(CHECKOUT);
    d.kubernetes = { ...(d.kubernetes ?? {}), scrapeInterval: '1m' };
    d.environments[2].deadMansSwitch = { missingFor: '2m' };
    const text = stringify(d);
    expect(refusal('scrape.yaml', text)).toEqual([
      `environments[2].deadMansSwitch.missingFor is "2m"; on Prometheus it must be at least 3 × the scrape interval (3m in "prod") so that one missed scrape does not page; raise it or lower "kubernetes.scrapeInterval" (at scrape.yaml:${lineOf(text, 'missingFor: 2m')}:7)`,
    ]);
  });
});

describe('the Kubernetes network (constructs/k8s/deployment-chart.ts refused it at synthesis)', () => {
  const EGRESS_FIX = 'add the database, e.g. kubernetes.egress: [{ cidr: "10.0.32.0/20", port: 5432 }]';
  const API_FIX =
    'set it to the block of "kubectl get endpoints kubernetes -n default -o jsonpath=\'{.subsets[*].addresses[*].ip}\'", e.g. "10.0.0.0/16"';

  test('fails when migrations have no egress entry and no API server CIDR, at the kubernetes block, once per environment', () => {
    const d = parse(CHECKOUT);
    d.kubernetes = { egress: [] };
    const text = stringify(d);
    const at = `(at no-egress.yaml:${lineOf(text, 'egress: []')}:3)`;
    const found = refusal('no-egress.yaml', text);
    expect(found).toHaveLength(6);
    expect(found[0]).toBe(
      `kubernetes.egress is []; the migrations ("add-order-notes", "drop-legacy-coupons") must reach the database, but the NetworkPolicy of environment "dev" allows only DNS; ${EGRESS_FIX} ${at}`,
    );
    // Not written: reported at the nearest written field, the kubernetes block.
    expect(found[1]).toBe(
      `kubernetes.apiServerCidr is missing; the migration gate of environment "dev" reads its Job from the Kubernetes API, and the NetworkPolicy opens 443/6443 only to the API server; ${API_FIX} (at no-egress.yaml:${lineOf(text, 'kubernetes:')}:1)`,
    );
    expect(found.filter((m) => m.includes('environment "prod"'))).toHaveLength(2);
  });

  test('fails when a database credential has no egress entry (no migrations)', () => {
    const d = parse(CHECKOUT);
    delete d.migrations;
    delete d.kubernetes;
    const text = stringify(d);
    const found = refusal('db-secret.yaml', text);
    expect(found[0]).toMatch(
      /^kubernetes\.egress is \[\]; secret "db-password" \(DB_PASSWORD\) is a database credential, so the pods must reach the database, but the NetworkPolicy of environment "dev" allows only DNS; add the database/,
    );
    expect(found.every((m) => / \(at db-secret\.yaml:\d+:\d+\)$/.test(m))).toBe(true);
  });

  test("fails at the environment's own ingress when its class is one glidepath cannot route", () => {
    const d = parse(CHECKOUT);
    d.environments[2].kubernetes.ingress.className = 'traefik';
    const text = stringify(d);
    expect(refusal('traefik.yaml', text)).toEqual([
      `environments[2].kubernetes.ingress.className is "traefik"; glidepath splits traffic through ingress-nginx (class "nginx") or the AWS Load Balancer Controller (class "alb"), which Argo Rollouts routes; set kubernetes.ingress.controller to "nginx" or "alb" if one of them serves this class (at traefik.yaml:${lineOf(text, 'className: traefik')}:9)`,
    ]);
  });

  test('fails when the ALB controller has no source CIDR: one problem for the service-wide value of three environments', () => {
    const d = parse(CHECKOUT);
    d.kubernetes.ingress = { className: 'alb' };
    delete d.environments[2].kubernetes.ingress.tls;
    d.environments[2].tls = { certificateArn: 'arn:aws:acm:eu-west-1:111111111111:certificate/0123' };
    const text = stringify(d);
    const found = refusal('alb.yaml', text);
    // Not written: reported at the nearest written field, the service's ingress.
    expect(found).toEqual([
      `kubernetes.ingress.sourceCidr is missing; the AWS Load Balancer Controller in IP target mode sends traffic from the load balancer's addresses in the VPC, which the NetworkPolicy must admit; set it to the VPC CIDR, e.g. "10.0.0.0/16" (at alb.yaml:${lineOf(text, 'className: alb') - 1}:3)`,
    ]);
  });
});

describe('receivers each target delivers to (constructs/aws/private/alert-subscriptions.ts, constructs/k8s refused them at synthesis)', () => {
  test('fails when a Slack channel has no AWS Chatbot workspace id (AWS)', () => {
    const text = CHECKOUT.replace(/^ {6}workspaceId: .*\n/m, '');
    expect(refusal('no-workspace.yaml', text)).toEqual([
      `receivers.warning.slack.workspaceId is missing; on AWS warnings reach the Slack channel through AWS Chatbot, which needs "workspaceId", "channelId"; add "workspaceId" (the ids of the channel authorized in AWS Chatbot) (at no-workspace.yaml:${lineOf(text, 'slack:')}:5)`,
    ]);
  });

  test('fails when a chat channel has no webhook secret (Kubernetes Alertmanager posts to the webhook)', () => {
    const text = CHECKOUT.replace(/^ {6}webhookUrlSecret: .*\n/m, '');
    expect(refusal('no-webhook.yaml', text)).toEqual([
      `receivers.warning.slack.webhookUrlSecret is missing; on Kubernetes Alertmanager posts warnings to the channel's incoming webhook; store its URL in Secrets Manager and name the secret, e.g. "checkout/{env}/slack-webhook-url" (at no-webhook.yaml:${lineOf(text, 'slack:')}:5)`,
    ]);
  });

  test('a function service needs no webhook (the Kubernetes target renders containers only)', () => {
    const d = parse(CHECKOUT);
    delete d.receivers.warning.slack.webhookUrlSecret;
    d.workload = { function: { runtime: 'nodejs22.x', handler: 'index.handler', code: '.' } };
    // What a function cannot have either: migrations and a rolling dev.
    delete d.migrations;
    d.environments[0].rollout = { strategy: 'canary' };
    expect(() => validateDefinition(d, { baseDirectory: dir, targetRules: true })).not.toThrow();
  });

  test("fails when an environment without secrets has receivers' credentials and no region (the Kubernetes SecretStore)", () => {
    const d = parse(CHECKOUT);
    delete d.secrets;
    delete d.migrations;
    delete d.environments[1].region;
    const text = stringify(d);
    expect(refusal('receivers-region.yaml', text)).toEqual([
      `environments[1].region is missing; on Kubernetes Alertmanager of "staging" reads the receivers' credentials ("checkout/staging/pagerduty-integration-key", "checkout/staging/slack-webhook-url", "checkout/staging/healthchecks-ping-url") from Secrets Manager through the SecretStore, which must name their AWS region; set "region", e.g. "eu-west-1" (at receivers-region.yaml:${lineOf(text, '- name: staging')}:5)`,
    ]);
  });
});

describe('smoke checks a deployment hook can run (constructs/aws/smoke-test-hook.ts, constructs/k8s/smoke-test-analysis.ts)', () => {
  test('fails when every check needs a credential', () => {
    const d = parse(CHECKOUT);
    for (const check of d.smokeTests.checks) check.headers = { Authorization: '${SMOKE_TOKEN}' };
    const text = stringify(d);
    const found = refusal('credentials.yaml', text);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      /^smokeTests\.checks is \["health","cart-page",.*; every check needs a credential from the environment, so none can run inside the platform \(the deployment hook or the analysis Job\) and every release would roll back; add a check without credentials, e\.g\. the health check \(at credentials\.yaml:\d+:3\)$/,
    );
  });

  test('fails when the checks can outlast a hook (15 minutes of Lambda, one kept for reporting)', () => {
    const d = parse(CHECKOUT);
    d.smokeTests.attempts = 10;
    d.smokeTests.timeout = '30s';
    const text = stringify(d);
    const found = refusal('slow.yaml', text);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(
      /^smokeTests is "\d+ checks × 10 attempts × 30000 ms"; the checks can take \d+s, longer than a deployment hook may run \(840s\); lower "attempts" or "timeout", or run fewer checks \(at slow\.yaml:\d+:1\)$/,
    );
  });
});

/**
 * Each rule is a refusal a target really makes, at the same boundary: the definition the rule
 * refuses makes the target throw when validated without the rule (the library path), and the
 * nearest definition the rule accepts synthesizes.
 */
describe('each rule agrees with the target it stands for', () => {
  const kubernetes = () => require('../../constructs/k8s/synthesize') as typeof import('../../constructs/k8s/synthesize');
  const aws = () => require('../../constructs/aws/synthesize') as typeof import('../../constructs/aws/synthesize');
  const { App } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  const library = (d: unknown) => validateDefinition(d, { baseDirectory: dir });
  const refusedByRules = (d: unknown) =>
    expect(() => validateDefinition(d, { baseDirectory: dir, targetRules: true })).toThrow(DefinitionError);

  test('metrics port: the Kubernetes chart refuses 9090 = 9090 and renders 9091', () => {
    const same = parse(CHECKOUT.replace('port: 8080', 'port: 9090'));
    refusedByRules(same);
    expect(() => kubernetes().synthesizeKubernetes(library(same), 'dev')).toThrow('the same as workload.container.port');
    const next = parse(CHECKOUT.replace('port: 8080', 'port: 9091'));
    expect(() => validateDefinition(next, { baseDirectory: dir, targetRules: true })).not.toThrow();
    expect(() => kubernetes().synthesizeKubernetes(library(next), 'dev')).not.toThrow();
  });

  test('region: the SecretStore refuses secrets without a region', () => {
    const d = parse(CHECKOUT);
    delete d.environments[0].region;
    refusedByRules(d);
    expect(() => kubernetes().synthesizeKubernetes(library(d), 'dev')).toThrow('environments[0].region is not set for "dev"');
  });

  test('scrape interval: Prometheus alerts refuse missingFor 2m at a 1m scrape and render 3m', () => {
    const d = parse(CHECKOUT);
    d.kubernetes = { ...(d.kubernetes ?? {}), scrapeInterval: '1m' };
    d.environments[0].deadMansSwitch = { missingFor: '2m' };
    refusedByRules(d);
    expect(() => kubernetes().synthesizeKubernetes(library(d), 'dev')).toThrow('deadMansSwitch.missingFor is 2m');
    d.environments[0].deadMansSwitch = { missingFor: '3m' };
    expect(() => validateDefinition(d, { baseDirectory: dir, targetRules: true })).not.toThrow();
    expect(() => kubernetes().synthesizeKubernetes(library(d), 'dev')).not.toThrow();
  });

  test('smoke checks: the Kubernetes analysis refuses checks that all need credentials', () => {
    const d = parse(CHECKOUT);
    for (const check of d.smokeTests.checks) check.headers = { Authorization: '${SMOKE_TOKEN}' };
    refusedByRules(d);
    expect(() => kubernetes().synthesizeKubernetes(library(d), 'staging')).toThrow('needs a credential header');
  });

  test("network: the Kubernetes chart refuses migrations without egress and renders with the example's", () => {
    const d = parse(CHECKOUT);
    d.kubernetes = { egress: [] };
    refusedByRules(d);
    expect(() => kubernetes().synthesizeKubernetes(library(d), 'dev')).toThrow('kubernetes.egress is []');
    expect(() => kubernetes().synthesizeKubernetes(library(parse(CHECKOUT)), 'dev')).not.toThrow();
  });

  test('network: the Kubernetes chart refuses an ingress class it cannot route, and "alb" without a source CIDR', () => {
    const traefik = parse(CHECKOUT);
    traefik.kubernetes.ingress = { className: 'traefik' };
    refusedByRules(traefik);
    expect(() => kubernetes().synthesizeKubernetes(library(traefik), 'dev')).toThrow('kubernetes.ingress.className is "traefik"');
    const alb = parse(CHECKOUT);
    alb.kubernetes.ingress = { className: 'alb' };
    refusedByRules(alb);
    expect(() => kubernetes().synthesizeKubernetes(library(alb), 'dev')).toThrow('kubernetes.ingress.sourceCidr is missing');
    alb.kubernetes.ingress.sourceCidr = '10.0.0.0/16';
    expect(() => kubernetes().synthesizeKubernetes(library(alb), 'dev')).not.toThrow();
  });

  test('receivers: the Kubernetes chart refuses a chat channel without webhook secret, and receivers without a region', () => {
    const chat = parse(CHECKOUT);
    delete chat.receivers.warning.slack.webhookUrlSecret;
    refusedByRules(chat);
    expect(() => kubernetes().synthesizeKubernetes(library(chat), 'prod')).toThrow('has no "webhookUrlSecret"');
    const region = parse(CHECKOUT);
    delete region.secrets;
    delete region.migrations;
    delete region.environments[1].region;
    refusedByRules(region);
    expect(() => kubernetes().synthesizeKubernetes(library(region), 'staging')).toThrow("the AWS region of the receivers' credentials");
  });

  test('receivers: the AWS stack refuses a Slack channel without AWS Chatbot workspace id', () => {
    const d = parse(CHECKOUT);
    delete d.receivers.warning.slack.workspaceId;
    refusedByRules(d);
    expect(() => aws().addDeploymentStacks(new App(), library(d), ['staging'])).toThrow('has no AWS Chatbot ids');
  }, 60_000);

  test('HTTPS: the AWS stack refuses a production container environment without TLS', () => {
    const d = parse(CHECKOUT);
    delete d.environments[2].tls;
    refusedByRules(d);
    expect(() => aws().addDeploymentStacks(new App(), library(d), ['prod'])).toThrow('environments[2].tls is not set');
  }, 60_000);

  test('smoke checks: the AWS hook refuses checks that can outlast it', () => {
    const d = parse(CHECKOUT);
    d.smokeTests.attempts = 10;
    d.smokeTests.timeout = '30s';
    refusedByRules(d);
    expect(() => aws().addDeploymentStacks(new App(), library(d), ['staging'])).toThrow('longer than a hook may run (840s)');
  }, 60_000);
});
