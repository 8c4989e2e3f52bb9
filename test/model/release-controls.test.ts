import { DefinitionError, Duration, MigrationPhase, SmokeMethod, validateDefinition } from '../../lib/model';
import { parseSmokeTests } from '../../lib/smoke/load';

/** A small valid definition; each case adds one thing in a fresh copy. */
function base(extra: Record<string, unknown> = {}): any {
  return {
    service: 'checkout',
    owners: { team: 'payments', primary: '@ana', backup: '@ben', channel: '#checkout-releases' },
    receivers: { critical: { enabled: false, reason: 'A test definition: nobody is paged' } },
    workload: { container: { image: 'public.ecr.aws/acme/checkout:1.0.0', port: 8080, healthCheckPath: '/healthz' } },
    environments: [{ name: 'prod', rollout: { strategy: 'canary' } }],
    ...extra,
  };
}

function problemsOf(input: unknown): string[] {
  try {
    validateDefinition(input);
    return [];
  } catch (error) {
    if (error instanceof DefinitionError) return error.problems.map((p) => p.message);
    throw error;
  }
}

describe('featureFlags[].rollout', () => {
  test('resolves internal-first and a percentage', () => {
    const def = validateDefinition(
      base({ featureFlags: [{ name: 'new-form', description: 'New form', enabled: true, rollout: { internalFirst: true, percent: 10 } }] }),
    );
    expect(def.featureFlags[0]).toEqual({
      name: 'new-form',
      description: 'New form',
      enabled: true,
      killSwitch: true,
      rollout: { internalFirst: true, percent: 10 },
    });
  });

  test('fails when nobody would get the flag', () => {
    expect(problemsOf(base({ featureFlags: [{ name: 'a', description: 'A', enabled: true, rollout: { percent: 0 } }] }))).toEqual([
      'featureFlags[0].rollout.percent is 0; with "internalFirst" false nobody gets the flag; set "internalFirst: true" or a percentage above 0, or remove "rollout"',
    ]);
  });

  test('fails when the rollout is 100%', () => {
    expect(problemsOf(base({ featureFlags: [{ name: 'a', description: 'A', enabled: true, rollout: { percent: 100 } }] }))).toEqual([
      'featureFlags[0].rollout.percent is 100; a 100% rollout is the same as the flag being on for everyone; remove "rollout" and keep "enabled: true"',
    ]);
  });

  test('fails when a gradual flag is off', () => {
    expect(problemsOf(base({ featureFlags: [{ name: 'a', description: 'A', rollout: { internalFirst: true, percent: 5 } }] }))).toEqual([
      'featureFlags[0].enabled is false; "rollout" only applies to a flag that is on; set "enabled: true" to release "a" to internal users and 5% of users',
    ]);
  });

  test('fails when the percentage is out of range', () => {
    expect(problemsOf(base({ featureFlags: [{ name: 'a', description: 'A', enabled: true, rollout: { percent: 150 } }] }))).toEqual([
      'featureFlags[0].rollout.percent is 150; it must be between 0 and 100',
    ]);
  });
});

describe('smokeTests', () => {
  const checks = [{ name: 'health', path: '/healthz' }];

  test('fills defaults: GET, 200, 2000 ms, 3 attempts, 1s backoff, 10s timeout', () => {
    const def = validateDefinition(base({ smokeTests: { checks } }));
    expect(def.smokeTests).toEqual({
      checks: [
        {
          name: 'health',
          method: SmokeMethod.GET,
          path: '/healthz',
          expectedStatus: 200,
          maxLatencyMs: 2000,
          headers: {},
          bodyContains: undefined,
          body: undefined,
        },
      ],
      attempts: 3,
      backoff: Duration.seconds(1),
      timeout: Duration.seconds(10),
    });
  });

  test('accepts a credential header given as an environment reference', () => {
    const def = validateDefinition(
      base({ smokeTests: { checks: [{ name: 'me', path: '/me', headers: { Authorization: '${SMOKE_TOKEN}' } }] } }),
    );
    expect(def.smokeTests?.checks[0].headers).toEqual({ Authorization: '${SMOKE_TOKEN}' });
  });

  test('fails when a credential header holds a value', () => {
    expect(problemsOf(base({ smokeTests: { checks: [{ name: 'me', path: '/me', headers: { 'X-Api-Key': 'abc123' } }] } }))).toEqual([
      'smokeTests.checks[0].headers.X-Api-Key is "abc1…"; a credential must not be written in a definition; use an environment reference such as "${SMOKE_X_API_KEY}" and set that variable where the checks run',
    ]);
  });

  test('fails when any header value looks like a credential', () => {
    const [message] = problemsOf(
      base({ smokeTests: { checks: [{ name: 'me', path: '/me', headers: { 'X-Debug': 'AKIAABCDEFGHIJKLMNOP' } }] } }),
    );
    expect(message).toMatch(/^smokeTests\.checks\[0\]\.headers\.X-Debug is "AKIA…"; a credential must not be written/);
  });

  test('fails when check names repeat', () => {
    expect(problemsOf(base({ smokeTests: { checks: [...checks, ...checks] } }))).toEqual([
      'smokeTests.checks[1].name is "health"; smoke check names must be unique; "health" is already used by smokeTests.checks[0]',
    ]);
  });

  test('fails when a path is relative or there are no checks', () => {
    expect(problemsOf(base({ smokeTests: { checks: [{ name: 'a', path: 'healthz' }] } }))[0]).toContain(
      'smokeTests.checks[0].path is "healthz"; it must be an absolute HTTP path starting with "/"',
    );
    expect(problemsOf(base({ smokeTests: { checks: [] } }))[0]).toContain('smokeTests.checks');
  });

  test('a standalone smoke-tests.json is checked like the definition field', () => {
    expect(parseSmokeTests({ checks, attempts: 5 }).attempts).toBe(5);
    expect(() => parseSmokeTests({ checks, attempts: 20 }, 'smoke-tests.json')).toThrow(/smoke-tests.json: .*attempts is 20/s);
    expect(() => parseSmokeTests({ checks: [{ name: 'a', path: '/', headers: { Cookie: 'session=1' } }] })).toThrow(
      /checks\[0\]\.headers\.Cookie/,
    );
  });
});

describe('migrations', () => {
  const expand = { name: 'add-notes', phase: 'expand', command: ['npm', 'run', 'migrate'] };

  test('resolve: the workload image, backward compatible, 10m timeout', () => {
    const def = validateDefinition(base({ migrations: [expand] }));
    expect(def.migrations).toEqual([
      {
        name: 'add-notes',
        phase: MigrationPhase.EXPAND,
        command: ['npm', 'run', 'migrate'],
        image: 'public.ecr.aws/acme/checkout:1.0.0',
        backwardCompatible: true,
        codeReleasedIn: undefined,
        timeout: Duration.minutes(10),
      },
    ]);
  });

  test('a contract migration of code released earlier is accepted and not backward compatible', () => {
    const def = validateDefinition(
      base({
        migrations: [{ name: 'drop-old', phase: 'contract', command: ['migrate'], codeReleasedIn: 'public.ecr.aws/acme/checkout:0.9.0' }],
      }),
    );
    expect(def.migrations[0]).toMatchObject({ phase: MigrationPhase.CONTRACT, backwardCompatible: false });
  });

  test('fails when an expand migration is not backward compatible', () => {
    expect(problemsOf(base({ migrations: [{ ...expand, backwardCompatible: false }] }))[0]).toMatch(
      /^migrations\[0\]\.backwardCompatible is false; an expand migration runs before the new version takes traffic, and the previous version must keep working/,
    );
  });

  test('fails when a contract migration does not say which release stopped using the old schema', () => {
    expect(problemsOf(base({ migrations: [{ name: 'drop-old', phase: 'contract', command: ['migrate'] }] }))[0]).toMatch(
      /^migrations\[0\]\.codeReleasedIn is missing; a contract migration removes what older code reads; name the earlier release/,
    );
  });

  test('fails when a contract migration ships with the code that stops using the old schema', () => {
    expect(
      problemsOf(
        base({
          migrations: [{ name: 'drop-old', phase: 'contract', command: ['migrate'], codeReleasedIn: 'public.ecr.aws/acme/checkout:1.0.0' }],
        }),
      ),
    ).toEqual([
      'migrations[0].codeReleasedIn is "public.ecr.aws/acme/checkout:1.0.0"; this release (public.ecr.aws/acme/checkout:1.0.0) is the one that stops using the old schema, so rolling it back brings back code that still needs it; ship this contract migration in a later release, after the rollback window of public.ecr.aws/acme/checkout:1.0.0 has closed',
    ]);
  });

  test('fails when a contract migration claims backward compatibility', () => {
    expect(
      problemsOf(
        base({
          migrations: [{ name: 'drop-old', phase: 'contract', command: ['m'], codeReleasedIn: 'img:0.9', backwardCompatible: true }],
        }),
      ),
    ).toEqual([
      'migrations[0].backwardCompatible is true; a contract migration removes schema that older code used; if nothing used it, make it an "expand" migration instead',
    ]);
  });

  test('fails when the timeout is over 14m', () => {
    expect(problemsOf(base({ migrations: [{ ...expand, timeout: '20m' }] }))[0]).toMatch(
      /^migrations\[0\]\.timeout is "20m"; it must be longer than 0s and at most "14m"/,
    );
  });

  test('fails when names repeat', () => {
    expect(problemsOf(base({ migrations: [expand, expand] }))).toEqual([
      'migrations[1].name is "add-notes"; migration names must be unique; "add-notes" is already used by migrations[0]',
    ]);
  });

  test('fails when the workload is a function', () => {
    const input = base({ migrations: [expand] });
    input.workload = { function: { runtime: 'nodejs22.x', handler: 'index.handler', code: 'dist' } };
    expect(problemsOf(input)[0]).toMatch(
      /^migrations\[0\]\.name is "add-notes"; migrations run as one-off container tasks beside a container workload/,
    );
  });

  test('fails when the phase is unknown', () => {
    expect(problemsOf(base({ migrations: [{ ...expand, phase: 'expnad' }] }))[0]).toContain('migrations[0].phase is "expnad"');
  });
});
