import { serviceDefinitionSchema, validateDefinition } from '../../lib/model';
import { kubernetesNetworkRuleProblems } from '../../lib/model/validate/kubernetes-network';
import { located, pathAndAncestors } from '../../lib/model/validate/locate';

/*
 * Where `glidepath validate` says a problem is written: a field path's ancestors (looked up when the
 * field itself has no line, e.g. a missing one), the `file:line:column` appended to messages, and the
 * Kubernetes network rules reported at the environment's override when it has one, else at the
 * service-wide field (lib/model/validate/{locate,kubernetes-network}.ts).
 */

describe('pathAndAncestors', () => {
  test('a path, then each shorter one up to its first field', () => {
    expect(pathAndAncestors('a.b[2]')).toEqual(['a.b[2]', 'a.b', 'a']);
    expect(pathAndAncestors('environments[0].rollout.stages[1].bake')).toEqual([
      'environments[0].rollout.stages[1].bake',
      'environments[0].rollout.stages[1]',
      'environments[0].rollout.stages',
      'environments[0].rollout',
      'environments[0]',
      'environments',
    ]);
    expect(pathAndAncestors('service')).toEqual(['service']);
  });
});

describe('located', () => {
  const problems = [
    { path: 'service', message: 'service is "Shop"; use lowercase' },
    { path: 'environments[1].region', message: 'environments[1].region is missing' },
    { path: '(definition)', message: 'the definition is empty' },
  ];
  const lines: Record<string, { line: number; column: number }> = { service: { line: 3, column: 10 } };
  const locate = (path: string) => lines[path];

  test('appends file:line:column where the field is written, and leaves the others', () => {
    expect(located(problems, { source: 'definition.yaml', locate })).toEqual([
      { path: 'service', message: 'service is "Shop"; use lowercase (at definition.yaml:3:10)' },
      problems[1],
      problems[2],
    ]);
  });

  test('without a file name, "line"; without a locator, the problems as they are (a copy)', () => {
    expect(located(problems, { locate })[0].message).toBe('service is "Shop"; use lowercase (at line:3:10)');
    const copy = located(problems, { source: 'definition.yaml' });
    expect(copy).toEqual(problems);
    expect(copy).not.toBe(problems);
  });

  test('a path in parentheses names no field and is never looked up', () => {
    const asked: string[] = [];
    located(problems, {
      locate: (path) => {
        asked.push(path);
        return { line: 1, column: 1 };
      },
    });
    expect(asked).toEqual(['service', 'environments[1].region']);
  });
});

describe('kubernetesNetworkRuleProblems: reported where the field is written', () => {
  const raw = (environment: Record<string, unknown>, service: Record<string, unknown> = {}) => ({
    service: 'shop',
    owners: { team: 'web', primary: '@ana', backup: '@ben', channel: '#shop' },
    workload: { container: { image: 'ghcr.io/acme/shop:1.0.0', port: 8080, healthCheckPath: '/healthz' } },
    environments: [{ name: 'prod', region: 'eu-west-1', rollout: { strategy: 'canary' }, ...environment }],
    receivers: { critical: { enabled: false, reason: 'A test definition: nobody is paged' } },
    secrets: [{ name: 'db-password', envVar: 'DB_PASSWORD', existing: { secretName: 'shop/{env}/db' } }],
    ...service,
  });
  const paths = (input: Record<string, unknown>) => {
    const def = validateDefinition(input);
    return kubernetesNetworkRuleProblems(def, def.environments[0], 0, serviceDefinitionSchema.parse(input)).map((p) => p.path);
  };

  test('written in the environment: the environment’s path', () => {
    expect(paths(raw({ kubernetes: { egress: [], ingress: { className: 'traefik' } } }))).toEqual([
      'environments[0].kubernetes.egress',
      'environments[0].kubernetes.ingress.className',
    ]);
  });

  test('written for the service, or nowhere: the service-wide path', () => {
    expect(paths(raw({}, { kubernetes: { egress: [], ingress: { className: 'traefik' } } }))).toEqual([
      'kubernetes.egress',
      'kubernetes.ingress.className',
    ]);
    expect(paths(raw({}))).toEqual(['kubernetes.egress']);
  });
});
