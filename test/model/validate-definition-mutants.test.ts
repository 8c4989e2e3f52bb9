/**
 * `validateDefinition` and its service-wide rules (lib/model/validate.ts), called directly on small
 * definitions built in each test: what it refuses, with the field as written, the value and the
 * fix; what it accepts; every problem at once, each reported once. The limits come from the
 * platforms: the dead-man's switch is a CloudWatch alarm over one-minute periods (so whole minutes),
 * and for a period under an hour Period × EvaluationPeriods can't be more than 86,400 s, one day
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html, "Period");
 * a stack and a namespace are named "<service>-<environment>", kept to 60 characters.
 */
import * as path from 'node:path';
import { DefinitionError, validateDefinition } from '../../lib/model';
import { baseDefinition } from './support-definition';

/** The messages `validateDefinition` refuses `input` with ([] when it is valid). */
function messages(input: unknown, options: Parameters<typeof validateDefinition>[1] = {}): string[] {
  try {
    validateDefinition(input, options);
    return [];
  } catch (err) {
    if (!(err instanceof DefinitionError)) throw err;
    return err.problems.map((p) => p.message);
  }
}

const MAPPING = 'a definition is a mapping with "service", "owners", "workload" and "environments"';

describe('a document that is not a mapping', () => {
  test.each([
    ['null', null, '(document) is null'],
    ['missing', undefined, '(document) is missing'],
    ['a list', [], '(document) is []'],
    ['a string', 'service: checkout', '(document) is "service: checkout"'],
    ['a number', 42, '(document) is 42'],
  ])('%s is refused as a whole, with what a definition is', (_, input, found) => {
    expect(messages(input)).toEqual([`${found}; ${MAPPING}`]);
  });

  test('a value that is not data at all says why, once, instead of "not a mapping"', () => {
    expect(messages(10n)).toEqual(['(document) is 10n; a BigInt cannot be written to a template; use a plain number']);
  });
});

describe('every problem at once', () => {
  test('a field the schema refuses and a cross-field rule are reported together', () => {
    const def = baseDefinition();
    def.workload.container.port = 'x';
    def.environments[1].name = 'staging';
    expect(messages(def)).toEqual([
      'workload.container.port is "x"; expected a number',
      'environments[1].name is "staging"; environment names must be unique; "staging" is already used by environments[0]',
    ]);
  });

  test('a field that cannot be read is one problem: not also "missing", nor a problem of the value holding it', () => {
    const def = baseDefinition();
    Object.defineProperty(def, 'service', {
      enumerable: true,
      get() {
        throw new Error('no access');
      },
    });
    expect(messages(def)).toEqual([
      'service is "<unreadable>"; reading it failed (no access); a definition must be plain data, without getters or proxies that throw',
    ]);
    const nested = baseDefinition();
    Object.defineProperty(nested.workload, 'container', {
      enumerable: true,
      get() {
        throw new Error('no access');
      },
    });
    // Without the container, "workload" would need a container or a function.
    expect(messages(nested)).toEqual([
      'workload.container is "<unreadable>"; reading it failed (no access); a definition must be plain data, without getters or proxies that throw',
    ]);
  });

  test('a number is quoted as the file spells it when the caller can locate it', () => {
    const def = baseDefinition();
    def.workload.container.port = 70000;
    const locate = (at: string) => (at === 'workload.container.port' ? { line: 4, column: 9, written: '7e4' } : undefined);
    expect(messages(def, { locate })).toEqual(['workload.container.port is 7e4; it must be at most 65535 (at line:4:9)']);
    expect(messages(def, { locate, source: 'checkout.yaml' })).toEqual([
      'workload.container.port is 7e4; it must be at most 65535 (at checkout.yaml:4:9)',
    ]);
    expect(messages(def)).toEqual(['workload.container.port is 70000; it must be at most 65535']);
    // A locator that does not know the field: the value as read, no position.
    expect(messages(def, { locate: () => undefined })).toEqual(['workload.container.port is 70000; it must be at most 65535']);
  });

  test("what AWS refuses at deployment is refused too: a function environment over Lambda's 4 KB", () => {
    const def = baseDefinition();
    def.workload = { function: { runtime: 'nodejs22.x', handler: 'index.handler', code: '.', environment: { BIG: 'x'.repeat(5000) } } };
    const found = messages(def);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^workload\.function\.environment is "<1 variables>"; .* over Lambda's limit of 4096; /);
  });
});

describe('a valid definition is resolved', () => {
  test('relative paths against the given directory, else the current one', () => {
    expect(validateDefinition(baseDefinition()).baseDirectory).toBe(process.cwd());
    expect(validateDefinition(baseDefinition(), { baseDirectory: 'examples' }).baseDirectory).toBe(path.join(process.cwd(), 'examples'));
  });

  test('the target rules only when asked for (a production container without "tls" is the AWS target\'s refusal)', () => {
    const def = baseDefinition();
    expect(validateDefinition(def).environments.map((e) => e.name)).toEqual(['staging', 'prod']);
    expect(messages(def, { targetRules: true })[0]).toMatch(/^environments\[1\]\.tls is missing; /);
  });
});

describe('rollback budgets', () => {
  test('a budget of 0s is refused; any longer one is accepted', () => {
    const def = baseDefinition();
    def.rollbackBudgets = { featureFlag: '1s', code: '0s' };
    expect(messages(def)).toEqual(['rollbackBudgets.code is "0s"; a rollback budget must be longer than 0s']);
    def.rollbackBudgets.code = '1s';
    expect(messages(def)).toEqual([]);
    // A level written as undefined (a TypeScript definition) takes its default.
    def.rollbackBudgets.code = undefined;
    expect(messages(def)).toEqual([]);
  });
});

describe('credentials in the plain environment of the workload', () => {
  const fix = (key: string) =>
    `this looks like a credential in plain text; remove it and declare it under "secrets" (envVar "${key}") with "existing.secretName" or "generate"`;

  test("a container's", () => {
    const def = baseDefinition();
    def.workload.container.environment = { LOG_LEVEL: 'info', API_TOKEN: 'abc123' };
    expect(messages(def)).toEqual([`workload.container.environment.API_TOKEN is "<redacted>"; ${fix('API_TOKEN')}`]);
  });

  test("a function's", () => {
    const def = baseDefinition();
    def.workload = { function: { runtime: 'nodejs22.x', handler: 'index.handler', code: '.', environment: { DB_PASSWORD: 'hunter2' } } };
    expect(messages(def)).toEqual([`workload.function.environment.DB_PASSWORD is "<redacted>"; ${fix('DB_PASSWORD')}`]);
  });
});

describe('names used twice', () => {
  test('environments, feature flags, secrets and their variables, each at the second use', () => {
    const def = baseDefinition();
    def.environments[1].name = 'staging';
    def.featureFlags = [
      { name: 'new-form', description: 'The new form' },
      { name: 'new-form', description: 'Again' },
    ];
    def.secrets = [
      { name: 'stripe-api-key', envVar: 'STRIPE_API_KEY', existing: { secretName: 'a' } },
      { name: 'stripe-api-key', envVar: 'STRIPE_KEY', existing: { secretName: 'b' } },
      { name: 'session-key', envVar: 'STRIPE_KEY', existing: { secretName: 'c' } },
    ];
    expect(messages(def)).toEqual([
      'environments[1].name is "staging"; environment names must be unique; "staging" is already used by environments[0]',
      'featureFlags[1].name is "new-form"; feature flag names must be unique; "new-form" is already used by featureFlags[0]',
      'secrets[1].name is "stripe-api-key"; secret names must be unique; "stripe-api-key" is already used by secrets[0]',
      'secrets[2].envVar is "STRIPE_KEY"; each secret needs its own environment variable; "STRIPE_KEY" is already used by secrets[1]',
    ]);
  });
});

describe('promotion order: production last', () => {
  const fix = (env: string, prod: string) =>
    `"${env}" comes after production environment "${prod}"; list environments in promotion order with production last, or, if "${env}" serves real users too (a second production region), set "production: true" on it`;

  test('an environment after production is refused, naming the first production environment', () => {
    const def = baseDefinition();
    def.environments = [
      { name: 'prod', rollout: { strategy: 'canary' } },
      { name: 'prod-eu', production: true, rollout: { strategy: 'canary' } },
      { name: 'staging', rollout: { strategy: 'canary' } },
    ];
    expect(messages(def)).toEqual([`environments[2].name is "staging"; ${fix('staging', 'prod')}`]);
  });

  test('two production environments last are accepted', () => {
    const def = baseDefinition();
    def.environments = [
      { name: 'staging', rollout: { strategy: 'canary' } },
      { name: 'prod', rollout: { strategy: 'canary' } },
      { name: 'prod-eu', production: true, rollout: { strategy: 'canary' } },
    ];
    expect(messages(def)).toEqual([]);
  });
});

describe('"<service>-<environment>" names the stack and the namespace: 60 characters at most', () => {
  test('a 40-character service and a 19-character environment (60) are accepted; a 20-character one (61) is refused', () => {
    const def = baseDefinition();
    def.service = 's'.repeat(40);
    def.environments[0].name = 'e'.repeat(19);
    const long = 'e'.repeat(20);
    expect(messages(def).filter((m) => m.includes('60 characters'))).toEqual([]);
    def.environments[0].name = long;
    expect(messages(def)).toEqual([
      `environments[0].name is "${long}"; "${'s'.repeat(40)}-${long}" is longer than 60 characters; shorten the service or environment name (it names the stack and the namespace)`,
    ]);
  });
});

describe("the dead-man's switch", () => {
  const WHOLE_MINUTES = 'use a whole number of minutes, at least "1m"';
  const ONE_DAY = 'CloudWatch evaluates at most one day of datapoints; use "1d" or less (an outage should be noticed in minutes)';

  test('production needs it: refused where "enabled: false" is written', () => {
    const own = baseDefinition();
    own.environments[1].deadMansSwitch = { enabled: false };
    expect(messages(own)).toEqual([
      'environments[1].deadMansSwitch.enabled is false; production environment "prod" needs a dead-man\'s switch; remove "enabled: false"',
    ]);
    const serviceWide = baseDefinition();
    serviceWide.deadMansSwitch = { enabled: false };
    serviceWide.environments[0].deadMansSwitch = { enabled: false };
    expect(messages(serviceWide)).toEqual([
      'deadMansSwitch.enabled is false; production environment "prod" needs a dead-man\'s switch; remove "enabled: false"',
    ]);
  });

  test('outside production it may be off, and then its period is not judged', () => {
    const def = baseDefinition();
    def.environments[0].deadMansSwitch = { enabled: false, missingFor: '30s' };
    expect(messages(def)).toEqual([]);
  });

  test('whole minutes from 1m to 1d are accepted', () => {
    for (const missingFor of ['60s', '1m', '90m', '1d', '23h59m']) {
      const def = baseDefinition();
      def.deadMansSwitch = { missingFor };
      expect(messages(def)).toEqual([]);
    }
  });

  test('less than a minute, or not whole minutes, is refused once for the service-wide value', () => {
    for (const [missingFor, found] of [
      ['0s', '"0s"'],
      ['30s', '"30s"'],
      ['59s', '"59s"'],
      ['90s', '"1m30s"'],
      ['1h0.5s', '"1h0.5s"'],
    ]) {
      const def = baseDefinition();
      def.deadMansSwitch = { missingFor };
      expect(messages(def)).toEqual([`deadMansSwitch.missingFor is ${found}; ${WHOLE_MINUTES}`]);
    }
  });

  test('more than a day is refused', () => {
    const def = baseDefinition();
    def.deadMansSwitch = { missingFor: '1d1m' };
    expect(messages(def)).toEqual([`deadMansSwitch.missingFor is "1d1m"; ${ONE_DAY}`]);
    def.deadMansSwitch = { missingFor: '2d' };
    expect(messages(def)).toEqual([`deadMansSwitch.missingFor is "2d"; ${ONE_DAY}`]);
  });

  test('at the environment that writes the period; an environment writing only "enabled" is reported at the service field', () => {
    const own = baseDefinition();
    own.environments[1].deadMansSwitch = { missingFor: '30s' };
    expect(messages(own)).toEqual([`environments[1].deadMansSwitch.missingFor is "30s"; ${WHOLE_MINUTES}`]);
    const enabledOnly = baseDefinition();
    enabledOnly.deadMansSwitch = { missingFor: '2d' };
    enabledOnly.environments[0].deadMansSwitch = { enabled: true };
    expect(messages(enabledOnly)).toEqual([`deadMansSwitch.missingFor is "2d"; ${ONE_DAY}`]);
  });
});

describe('delivery waves name environments', () => {
  const delivery = {
    repository: 'acme/checkout',
    connectionArn: 'arn:aws:codeconnections:eu-west-1:111111111111:connection/0a1b2c3d-4e5f-6789-abcd-ef0123456789',
    waves: [{ name: 'regions', environments: ['prod-eu', 'prod-us'] }],
  };

  test('when "environments" is not a list, no wave is said to name an unknown environment', () => {
    const def = baseDefinition();
    def.delivery = delivery;
    def.environments = 'prod-eu';
    expect(messages(def)).toEqual(['environments is "prod-eu"; expected a list']);
  });

  test('when it is, a wave naming environments it does not list is refused', () => {
    const def = baseDefinition();
    def.delivery = delivery;
    expect(messages(def)).toEqual([
      'delivery.waves[0].environments[0] is "prod-eu"; no environment has this name; use one of "staging", "prod"',
      'delivery.waves[0].environments[1] is "prod-us"; no environment has this name; use one of "staging", "prod"',
    ]);
  });
});
