/**
 * What a target refuses at synthesis, refused by validation first (lib/model/validate/targets.ts),
 * through `validateDefinition` with the target rules, on small definitions built in each test: each
 * rule where it starts and stops, at the field the user wrote, with the value and the fix.
 * The limits come from the platforms: a CodeDeploy or ECS lifecycle hook runs a Lambda function,
 * which stops at 15 minutes (https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html),
 * one kept for reporting; the External Secrets SecretStore for AWS Secrets Manager names its region
 * (https://external-secrets.io/latest/provider/aws-secrets-manager/); the AppConfig Lambda
 * extension is a layer published per region
 * (https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-integration-lambda-extensions-versions.html).
 * The smoke checks' worst case is documented in lib/model/smoke-tests.ts: every attempt of every
 * check times out, the backoff doubling after each retry.
 */
import { DefinitionError, validateDefinition } from '../../lib/model';
import { baseDefinition } from './support-definition';

/** The messages (path first) the target rules add to a definition that validates without them. */
function targetMessages(input: unknown): string[] {
  expect(() => validateDefinition(input)).not.toThrow();
  try {
    validateDefinition(input, { targetRules: true });
    return [];
  } catch (err) {
    if (!(err instanceof DefinitionError)) throw err;
    return err.problems.map((p) => p.message);
  }
}

const PLAIN_HTTP = { enabled: false, reason: 'TLS ends at the corporate proxy' };

/** A container service, staging then prod, that every target accepts; tests change one thing in a fresh copy. */
function container(): any {
  const def = baseDefinition();
  def.environments[1].tls = PLAIN_HTTP;
  return def;
}

/** The same service as a Lambda function (code in the current directory). */
function lambda(): any {
  const def = container();
  def.workload = { function: { runtime: 'nodejs22.x', handler: 'index.handler', code: '.' } };
  delete def.environments[1].tls;
  return def;
}

const HTTPS_FIX =
  'set "tls.certificateArn", or "tls.domainName" with "tls.hostedZoneId" and "tls.hostedZoneName" to issue a DNS-validated certificate, or "tls: { enabled: false, reason: ... }" to accept plain HTTP';

test('the small definitions are accepted by every target', () => {
  expect(targetMessages(container())).toEqual([]);
  expect(targetMessages(lambda())).toEqual([]);
});

describe('HTTPS in production (the AWS target serves a container through an internet-facing load balancer)', () => {
  test('a production container environment without "tls" is refused, once, at its own field', () => {
    const def = container();
    delete def.environments[1].tls;
    expect(targetMessages(def)).toEqual([
      `environments[1].tls is missing; production environment "prod" serves users through an internet-facing load balancer and needs HTTPS: ${HTTPS_FIX}`,
      'environments[1].kubernetes.ingress.host is missing; production environment "prod" renders for Kubernetes an Ingress that answers every host over plain HTTP; set "kubernetes.ingress.host" (e.g. "shop.acme.example") and "kubernetes.ingress.tls" with "clusterIssuer" (a cert-manager ClusterIssuer, e.g. "letsencrypt-prod") or "secretName" (an existing TLS Secret in the namespace), or "tls: { enabled: false, reason: ... }" to accept plain HTTP',
    ]);
  });

  test('a certificate is HTTPS; an environment that is not production needs none; a function has no load balancer', () => {
    const def = container();
    def.environments[1].tls = { certificateArn: 'arn:aws:acm:eu-west-1:111111111111:certificate/0123' };
    def.environments[1].kubernetes = { ingress: { host: 'shop.acme.example', tls: { secretName: 'shop-acme-example-tls' } } };
    expect(targetMessages(def)).toEqual([]);
    // staging (not production) has no "tls" in container(), and lambda()'s prod has none either.
    expect(targetMessages(lambda())).toEqual([]);
  });
});

describe('the metrics port (the Kubernetes target keeps metrics off the Services and the Ingress)', () => {
  const fix = (metrics: number, other: number) =>
    `the Kubernetes target serves metrics on kubernetes.metrics.port (${metrics}), which must differ from the serving port so metrics stay out of the Services and the Ingress; set "kubernetes.metrics.port" to another port, e.g. ${other}`;

  test('a serving port of 9090 (the default metrics port) is reported at the serving port, proposing 9091', () => {
    const def = container();
    def.workload.container.port = 9090;
    expect(targetMessages(def)).toEqual([`workload.container.port is 9090; ${fix(9090, 9091)}`]);
  });

  test('a kubernetes block without metrics, at the service and in the environment, still reports the serving port', () => {
    const def = container();
    def.workload.container.port = 9090;
    def.kubernetes = { scrapeInterval: '30s' };
    def.environments[0].kubernetes = { scrapeInterval: '30s' };
    def.environments[1].kubernetes = { metrics: { path: '/metrics' } };
    expect(targetMessages(def)).toEqual([`workload.container.port is 9090; ${fix(9090, 9091)}`]);
  });

  test('a service-wide metrics port equal to the serving port: one problem at the service field, proposing 9090', () => {
    const def = container();
    def.kubernetes = { metrics: { port: 8080 } };
    expect(targetMessages(def)).toEqual([`kubernetes.metrics.port is 8080; ${fix(8080, 9090)}`]);
  });

  test("an environment's own metrics port is reported at the environment; the other environment keeps 9090", () => {
    const def = container();
    def.environments[1].kubernetes = { metrics: { port: 8080 } };
    expect(targetMessages(def)).toEqual([`environments[1].kubernetes.metrics.port is 8080; ${fix(8080, 9090)}`]);
  });

  test('a service-wide port that one environment overrides: reported at the service field for the other', () => {
    const def = container();
    def.kubernetes = { metrics: { port: 8080 } };
    def.environments[1].kubernetes = { metrics: { port: 9100 } };
    expect(targetMessages(def)).toEqual([`kubernetes.metrics.port is 8080; ${fix(8080, 9090)}`]);
  });

  test('different ports are accepted, and a function has no metrics port to clash', () => {
    const def = container();
    def.kubernetes = { metrics: { port: 9100 } };
    expect(targetMessages(def)).toEqual([]);
    const fn = lambda();
    fn.kubernetes = { metrics: { port: 8080 } };
    expect(targetMessages(fn)).toEqual([]);
  });
});

describe('the region of secrets (the Kubernetes SecretStore names the region that holds them)', () => {
  const SECRETS = [
    { name: 'stripe-api-key', envVar: 'STRIPE_API_KEY', existing: { secretName: 'checkout/{env}/stripe-api-key' } },
    { name: 'session-key', envVar: 'SESSION_KEY', existing: { secretName: 'shared/session-key' } },
  ];

  test('an environment with secrets and no region is refused, naming each secret as resolved for it', () => {
    const def = container();
    def.secrets = SECRETS;
    def.environments[1].region = 'eu-west-1';
    expect(targetMessages(def)).toEqual([
      'environments[0].region is missing; "staging" has secrets ("checkout/staging/stripe-api-key", "shared/session-key"), and the Kubernetes SecretStore must name the AWS region that holds them; set "region", e.g. "eu-west-1"',
    ]);
  });

  test('with a region in each environment they are accepted; without secrets no region is needed', () => {
    const def = container();
    def.secrets = SECRETS;
    def.environments[0].region = 'eu-west-1';
    def.environments[1].region = 'eu-central-1';
    expect(targetMessages(def)).toEqual([]);
    expect(targetMessages(container())).toEqual([]);
  });
});

describe("the dead-man's switch on Prometheus (at least 3 scrape intervals, so one missed scrape does not page)", () => {
  const fix = (three: string, env: string) =>
    `on Prometheus it must be at least 3 × the scrape interval (${three} in "${env}") so that one missed scrape does not page; raise it or lower "kubernetes.scrapeInterval"`;

  test('"1m" at the default 30s scrape interval is refused at the service field, for each environment', () => {
    const def = container();
    def.deadMansSwitch = { missingFor: '1m' };
    expect(targetMessages(def)).toEqual([
      `deadMansSwitch.missingFor is "1m"; ${fix('1m30s', 'staging')}`,
      `deadMansSwitch.missingFor is "1m"; ${fix('1m30s', 'prod')}`,
    ]);
  });

  test('an environment that writes its own "missingFor" is reported at its field', () => {
    const def = container();
    def.environments[1].deadMansSwitch = { missingFor: '1m' };
    expect(targetMessages(def)).toEqual([`environments[1].deadMansSwitch.missingFor is "1m"; ${fix('1m30s', 'prod')}`]);
  });

  test('exactly 3 scrape intervals is accepted (2m at a 40s scrape interval), 2m at 41s is refused', () => {
    const def = container();
    def.kubernetes = { scrapeInterval: '40s' };
    def.deadMansSwitch = { missingFor: '2m' };
    expect(targetMessages(def)).toEqual([]);
    def.kubernetes = { scrapeInterval: '41s' };
    def.environments[0].deadMansSwitch = { missingFor: '3m' };
    expect(targetMessages(def)).toEqual([`deadMansSwitch.missingFor is "2m"; ${fix('2m3s', 'prod')}`]);
  });

  test('a switch turned off outside production is not judged; a function has no Prometheus', () => {
    const def = container();
    def.deadMansSwitch = { missingFor: '1m' };
    def.environments[0].deadMansSwitch = { enabled: false };
    def.environments[1].deadMansSwitch = { missingFor: '2m' };
    expect(targetMessages(def)).toEqual([]);
    const fn = lambda();
    fn.deadMansSwitch = { missingFor: '1m' };
    expect(targetMessages(fn)).toEqual([]);
  });
});

describe('feature flags of a function (the AppConfig Lambda extension is a layer published per region)', () => {
  const FLAGS = [{ name: 'new-form', description: 'The new form' }];

  test('every environment without a region is refused, each by name', () => {
    const def = lambda();
    def.featureFlags = FLAGS;
    const fix = (env: string) =>
      `the function reads its feature flags through the AppConfig Lambda extension, a layer published per region, so "${env}" must name its region; set "region", e.g. "eu-west-1"`;
    expect(targetMessages(def)).toEqual([
      `environments[0].region is missing; ${fix('staging')}`,
      `environments[1].region is missing; ${fix('prod')}`,
    ]);
    def.environments[1].region = 'eu-west-1';
    expect(targetMessages(def)).toEqual([`environments[0].region is missing; ${fix('staging')}`]);
  });

  test('a function without flags, and a container with flags (no Lambda layer), need no region', () => {
    expect(targetMessages(lambda())).toEqual([]);
    const def = container();
    def.featureFlags = FLAGS;
    expect(targetMessages(def)).toEqual([]);
  });
});

describe("secrets of a function (it reads each secret's ARN from <envVar>_SECRET_ARN)", () => {
  const SECRETS = [
    { name: 'stripe-api-key', envVar: 'STRIPE_API_KEY', existing: { secretName: 'checkout/{env}/stripe-api-key' } },
    { name: 'session-key', envVar: 'SESSION_KEY', existing: { secretName: 'shared/session-key' } },
  ];

  test('the plain environment setting that variable is refused at the secret it belongs to', () => {
    const def = lambda();
    def.secrets = SECRETS;
    def.workload.function.environment = { SESSION_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:x' };
    expect(targetMessages(def)).toEqual([
      'secrets[1].envVar is "SESSION_KEY"; a function reads this secret\'s ARN from "SESSION_KEY_SECRET_ARN", which workload.function.environment also sets; remove "SESSION_KEY_SECRET_ARN" there (glidepath sets it)',
    ]);
  });

  test('other variables and a container are not concerned', () => {
    const def = lambda();
    def.secrets = SECRETS;
    def.workload.function.environment = { LOG_LEVEL: 'info' };
    expect(targetMessages(def)).toEqual([]);
    const box = container();
    box.environments.forEach((e: any) => (e.region = 'eu-west-1'));
    box.secrets = SECRETS;
    box.workload.container.environment = { SESSION_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:x' };
    expect(targetMessages(box)).toEqual([]);
  });

  test('without secrets no variable is reserved, not even the one a secret without "envVar" would name', () => {
    const def = lambda();
    def.workload.function.environment = { undefined_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:x' };
    expect(targetMessages(def)).toEqual([]);
  });
});

describe('smoke checks a deployment hook can run (840 s: the 15 minutes of a Lambda function, one kept for reporting)', () => {
  const health = { name: 'health', path: '/healthz' };
  const credential = (name: string) => ({ name, path: `/${name}`, headers: { Authorization: '${SMOKE_TOKEN}' } });

  test('checks that all need a credential are refused, listing them', () => {
    const def = container();
    def.smokeTests = { checks: [credential('cart'), credential('orders')] };
    expect(targetMessages(def)).toEqual([
      'smokeTests.checks is ["cart","orders"]; every check needs a credential from the environment, so none can run inside the platform (the deployment hook or the analysis Job) and every release would roll back; add a check without credentials, e.g. the health check',
    ]);
    def.smokeTests.checks.push(health);
    expect(targetMessages(def)).toEqual([]);
  });

  test('exactly 840 s in the worst case is accepted; one second more is refused', () => {
    const def = container();
    // 1 check × 1 attempt × 840 s, no retry.
    def.smokeTests = { checks: [health], attempts: 1, timeout: '14m' };
    expect(targetMessages(def)).toEqual([]);
    def.smokeTests.timeout = '841s';
    expect(targetMessages(def)).toEqual([
      'smokeTests is "1 checks × 1 attempts × 841000 ms"; the checks can take 841s, longer than a deployment hook may run (840s); lower "attempts" or "timeout", or run fewer checks',
    ]);
  });

  test('the worst case counts every check, every attempt and the doubling backoff, rounded up to seconds', () => {
    const def = container();
    // 2 checks × (3 × 139 s + 1 s + 2 s) = 840 s.
    def.smokeTests = { checks: [health, credential('cart'), { name: 'home', path: '/' }], attempts: 3, timeout: '139s', backoff: '1s' };
    expect(targetMessages(def)).toEqual([]);
    // 2 checks × (3 × 139 s + 1.25 s + 2.5 s) = 841.5 s: 842 s.
    def.smokeTests.backoff = '1.25s';
    expect(targetMessages(def)).toEqual([
      'smokeTests is "2 checks × 3 attempts × 139000 ms"; the checks can take 842s, longer than a deployment hook may run (840s); lower "attempts" or "timeout", or run fewer checks',
    ]);
  });
});
