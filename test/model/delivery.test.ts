import { DefinitionError, validateDefinition } from '../../lib/model';

const CONNECTION = 'arn:aws:codeconnections:eu-west-1:111111111111:connection/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
const ROLE = 'arn:aws:iam::111111111111:role/checkout-deploy';

/** A definition with staging, two production regions and a delivery section; each case changes a copy. */
function base(): any {
  return {
    service: 'checkout',
    owners: { team: 'payments', primary: '@ana', backup: '@ben', channel: '#checkout-releases' },
    receivers: { critical: { enabled: false, reason: 'A test definition: nobody is paged' } },
    workload: { container: { image: 'public.ecr.aws/acme/checkout:1.0.0', port: 8080, healthCheckPath: '/healthz' } },
    environments: [
      { name: 'staging', region: 'eu-west-1', rollout: { strategy: 'canary' } },
      { name: 'prod-eu', region: 'eu-west-1', production: true, rollout: { strategy: 'canary' } },
      { name: 'prod-us', region: 'us-east-1', production: true, rollout: { strategy: 'canary' } },
    ],
    delivery: {
      repository: 'acme/checkout',
      connectionArn: CONNECTION,
      waves: [{ name: 'prod', environments: ['prod-eu', 'prod-us'], canary: 'prod-eu' }],
    },
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

describe('delivery', () => {
  test('fills defaults: branch main, npm commands, the commits page as review URL, no GitHub roles', () => {
    const delivery = validateDefinition(base()).delivery!;
    expect(delivery).toMatchObject({
      repository: 'acme/checkout',
      branch: 'main',
      commands: { install: 'npm ci', lint: 'npm run lint --if-present', test: 'npm test', build: 'npm run build --if-present' },
      reviewUrl: 'https://github.com/acme/checkout/commits/main',
      waves: [{ name: 'prod', environments: ['prod-eu', 'prod-us'], canary: 'prod-eu' }],
    });
    expect(delivery.githubDeployRoles).toBeUndefined();
  });

  test('is optional', () => {
    const input = base();
    delete input.delivery;
    expect(validateDefinition(input).delivery).toBeUndefined();
  });

  test('resolves a GitHub deploy role per environment: its own, else the default', () => {
    const input = base();
    input.delivery.github = { deployRole: ROLE, deployRoles: { 'prod-us': 'arn:aws:iam::222222222222:role/checkout-deploy' } };
    expect(validateDefinition(input).delivery!.githubDeployRoles).toEqual({
      staging: ROLE,
      'prod-eu': ROLE,
      'prod-us': 'arn:aws:iam::222222222222:role/checkout-deploy',
    });
  });

  test.each<[string, (d: any) => void, string[]]>([
    [
      'a repository that is not owner/name',
      (d) => (d.delivery.repository = 'https://github.com/acme/checkout'),
      ['delivery.repository is "https://github.com/acme/checkout"; it must be "owner/name", e.g. "acme/checkout"'],
    ],
    [
      'a connection ARN of another service',
      (d) => (d.delivery.connectionArn = ROLE),
      [
        `delivery.connectionArn is "${ROLE}"; it must be a CodeStar/CodeConnections connection ARN such as "arn:aws:codeconnections:eu-west-1:123456789012:connection/…"`,
      ],
    ],
    [
      'a wave naming an unknown environment',
      (d) => (d.delivery.waves[0].environments = ['prod-eu', 'prod-ap']),
      ['delivery.waves[0].environments[1] is "prod-ap"; no environment has this name; use one of "staging", "prod-eu", "prod-us"'],
    ],
    [
      'a wave whose environments are not adjacent',
      (d) => {
        d.environments.splice(2, 0, { name: 'prod-canary', production: true, rollout: { strategy: 'canary' } });
      },
      [
        'delivery.waves[0].environments is ["prod-eu","prod-us"]; environments of a wave deploy together, so they must be adjacent in "environments"; reorder them',
      ],
    ],
    [
      'a wave whose environments disagree on approval',
      (d) => (d.environments[2].approval = false),
      [
        'delivery.waves[0].environments is ["prod-eu","prod-us"]; one approval gates the whole wave; give every environment of the wave the same "approval"',
      ],
    ],
    [
      'a wave of one environment',
      (d) => {
        d.delivery.waves[0].environments = ['prod-eu'];
        delete d.delivery.waves[0].canary;
      },
      [
        'delivery.waves[0].environments is ["prod-eu"]; it must list at least two environments: a wave deploys several in parallel; a single environment is a stage of its own',
      ],
    ],
    [
      'a canary outside its wave',
      (d) => (d.delivery.waves[0].canary = 'staging'),
      ['delivery.waves[0].canary is "staging"; it must be one of the wave\'s environments ("prod-eu", "prod-us")'],
    ],
    [
      'a wave named like an environment',
      (d) => (d.delivery.waves[0].name = 'staging'),
      ['delivery.waves[0].name is "staging"; it is also an environment name; name the wave differently (e.g. "staging-wave")'],
    ],
    [
      'an environment in two waves',
      (d) => d.delivery.waves.push({ name: 'again', environments: ['prod-us', 'staging'] }),
      [
        'delivery.waves[1].environments[0] is "prod-us"; it is already in wave "prod"; an environment belongs to at most one wave',
        'delivery.waves[1].environments is ["prod-us","staging"]; environments of a wave deploy together, so they must be adjacent in "environments"; reorder them',
        'delivery.waves[1].environments is ["prod-us","staging"]; one approval gates the whole wave; give every environment of the wave the same "approval"',
      ],
    ],
    [
      'GitHub Actions without a role for an environment',
      (d) => (d.delivery.github = { deployRoles: { staging: ROLE, 'prod-eu': ROLE } }),
      [
        'delivery.github.deployRoles.prod-us is missing; GitHub Actions needs a role to deploy "prod-us"; add it here or set delivery.github.deployRole',
      ],
    ],
    [
      'a GitHub role for an unknown environment',
      (d) => (d.delivery.github = { deployRole: ROLE, deployRoles: { production: ROLE } }),
      ['delivery.github.deployRoles.production is "production"; no environment has this name; use one of "staging", "prod-eu", "prod-us"'],
    ],
  ])('fails on %s', (_, mutate, messages) => {
    const input = base();
    mutate(input);
    expect(problemsOf(input)).toEqual(messages);
  });
});
