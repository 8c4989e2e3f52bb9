import { problemsOf } from './support-definition';

function definition(secret: Record<string, unknown>, workload: 'container' | 'function' = 'container', environment = {}): unknown {
  return {
    service: 'checkout',
    owners: { team: 'payments', primary: '@ana', backup: '@ben', channel: '#checkout-releases' },
    receivers: { critical: { enabled: false, reason: 'A test definition: nobody is paged' } },
    workload:
      workload === 'container'
        ? { container: { image: 'public.ecr.aws/acme/checkout:1.0.0', port: 8080, healthCheckPath: '/healthz', environment } }
        : { function: { runtime: 'nodejs22.x', handler: 'index.handler', code: 'dist', environment } },
    environments: [{ name: 'prod', rollout: { strategy: 'canary' } }],
    secrets: [{ name: 'db-password', envVar: 'DB_PASSWORD', ...secret }],
  };
}

const rotation = (r: string) => definition({ generate: { rotation: r } });
const ROTATION = 'rotation must be a whole number of days between "1d" and "1000d"';

describe('secret rotation: Secrets Manager rotates every 1 to 1000 days', () => {
  // https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotationRulesType.html
  test('the bounds themselves are accepted', () => {
    expect(problemsOf(rotation('1d'))).toEqual([]);
    expect(problemsOf(rotation('1000d'))).toEqual([]);
  });

  test('zero days is refused', () => {
    expect(problemsOf(rotation('0d'))).toContainEqual(
      expect.stringMatching(/^secrets\[0\]\.generate\.rotation is "0s"; rotation must be a whole number of days/),
    );
  });

  test('one day more than 1000, or a part of a day, is refused', () => {
    expect(problemsOf(rotation('1001d'))).toEqual([`secrets[0].generate.rotation is "1001d"; ${ROTATION}`]);
    expect(problemsOf(rotation('36h'))).toEqual([`secrets[0].generate.rotation is "1d12h"; ${ROTATION}`]);
  });

  test('an existing secret is not rotated by glidepath and needs no rotation', () => {
    expect(problemsOf(definition({ existing: { secretName: 'checkout/{env}/db' } }))).toEqual([]);
  });
});

describe("a secret's variable must not also be set in plain text", () => {
  test("in a function's environment too", () => {
    expect(problemsOf(definition({ existing: { secretName: 'db' } }, 'function', { DB_PASSWORD: 'from-env' }))).toContainEqual(
      'secrets[0].envVar is "DB_PASSWORD"; "DB_PASSWORD" is also set in the workload\'s plain environment; remove it there',
    );
    expect(problemsOf(definition({ existing: { secretName: 'db' } }, 'function', { OTHER: 'x' }))).toEqual([]);
  });
});
