import { checkDuplicates, checkPlainEnvironment, looksLikeCredential } from '../../lib/model/validate/common';
import { kubernetesNetworkProblems } from '../../lib/model/validate-kubernetes-network';
import { validateDefinition } from '../../lib/model';
import type { Problem } from '../../lib/model/problems';

/*
 * The shared checks of lib/model/validate/common.ts at their edges: an Authorization value is a
 * credential when it is the scheme, white space and a token of 8 or more characters (RFC 7235 §2.1:
 * `credentials = auth-scheme [ 1*SP ( token68 / … ) ]`), not a sentence that mentions one; an ARN
 * (`arn:partition:…`, partitions aws, aws-cn, aws-us-gov: AWS General Reference, "Amazon Resource
 * Names") is a reference whatever its key says; a missing value is never a duplicate.
 */

describe('looksLikeCredential: Authorization values', () => {
  test('the scheme, white space and a token of 8 or more characters', () => {
    expect(looksLikeCredential('Bearer abcdefgh1')).toBe(true);
    expect(looksLikeCredential('basic dXNlcjpwYXNz')).toBe(true);
    expect(looksLikeCredential('Bearer   abcdefgh1')).toBe(true);
    expect(looksLikeCredential('Bearer abcdefg')).toBe(false);
    expect(looksLikeCredential('Bearer')).toBe(false);
  });

  test('a sentence that mentions a scheme is not a credential', () => {
    expect(looksLikeCredential('send a bearer abcdefgh-token')).toBe(false);
  });
});

describe('checkPlainEnvironment: ARNs are references', () => {
  const problemsOf = (vars: Record<string, string>) => {
    const problems: Problem[] = [];
    checkPlainEnvironment(vars, ['environment'], problems);
    return problems.map((p) => p.path);
  };

  test('an ARN in any partition, under a key that sounds secret, is accepted', () => {
    expect(problemsOf({ DB_PASSWORD_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db' })).toEqual([]);
    expect(problemsOf({ DB_PASSWORD_SECRET_ARN: 'arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:db' })).toEqual([]);
  });

  test('a value that only contains an ARN is not one', () => {
    expect(problemsOf({ DB_PASSWORD: 'see arn:aws:secretsmanager:eu-west-1:123456789012:secret:db' })).toEqual(['environment.DB_PASSWORD']);
  });
});

describe('checkDuplicates', () => {
  test('a missing value is never a duplicate; a repeated one names the first use', () => {
    const problems: Problem[] = [];
    checkDuplicates([undefined, 'a', undefined, 'a'], ['smokeTests', 'checks'], 'name', 'names must be unique', problems);
    expect(problems.map((p) => p.message)).toEqual([
      'smokeTests.checks[3].name is "a"; names must be unique; "a" is already used by smokeTests.checks[1]',
    ]);
  });
});

describe('kubernetesNetworkProblems: database credentials by name or variable, every migration named', () => {
  const definition = (extra: Record<string, unknown>) =>
    validateDefinition({
      service: 'shop',
      owners: { team: 'web', primary: '@ana', backup: '@ben', channel: '#shop' },
      workload: { container: { image: 'ghcr.io/acme/shop:1.0.0', port: 8080, healthCheckPath: '/healthz' } },
      environments: [{ name: 'prod', region: 'eu-west-1', rollout: { strategy: 'canary' } }],
      receivers: { critical: { enabled: false, reason: 'A test definition: nobody is paged' } },
      ...extra,
    });
  const messages = (extra: Record<string, unknown>) => {
    const d = definition(extra);
    return kubernetesNetworkProblems(d, d.environments[0]).map((p) => p.message);
  };

  test('a secret named for the database, whatever its variable, and one whose variable is', () => {
    expect(messages({ secrets: [{ name: 'postgres', envVar: 'APP_SECRET', existing: { secretName: 'shop/{env}/pg' } }] })[0]).toMatch(
      /secret "postgres" \(APP_SECRET\) is a database credential/,
    );
    expect(messages({ secrets: [{ name: 'app-secret', envVar: 'DB_URL', existing: { secretName: 'shop/{env}/a' } }] })[0]).toMatch(
      /secret "app-secret" \(DB_URL\) is a database credential/,
    );
  });

  test('every migration is named, separated by commas', () => {
    const migrations = ['add-notes', 'add-tags'].map((name) => ({ name, phase: 'expand', command: ['npm', 'run', 'migrate'] }));
    expect(messages({ migrations })[0]).toMatch(/^kubernetes\.egress is \[\]; the migrations \("add-notes", "add-tags"\) must reach/);
  });
});
