import { validateDefinition } from '../../lib/model';
import { kubernetesNetworkProblems } from '../../lib/model/validate-kubernetes-network';

const definition = (extra: Record<string, unknown> = {}) =>
  validateDefinition({
    service: 'shop',
    owners: { team: 'web', primary: '@ana', backup: '@ben', channel: '#shop' },
    workload: { container: { image: 'ghcr.io/acme/shop:1.0.0', port: 8080, healthCheckPath: '/healthz' } },
    environments: [{ name: 'prod', region: 'eu-west-1', rollout: { strategy: 'canary' } }],
    receivers: { critical: { enabled: false, reason: 'A test definition: nobody is paged' } },
    ...extra,
  });
const problems = (extra: Record<string, unknown> = {}) => {
  const d = definition(extra);
  return kubernetesNetworkProblems(d, d.environments[0]).map((p) => p.message);
};
const migration = { name: 'add-notes', phase: 'expand', command: ['npm', 'run', 'migrate'] };

describe('kubernetesNetworkProblems', () => {
  test('a service with no database, no migrations and nginx needs nothing', () => {
    expect(problems()).toEqual([]);
  });

  test('fails when a database secret has no egress entry, naming the secret and the fix', () => {
    expect(problems({ secrets: [{ name: 'db-password', envVar: 'DB_PASSWORD', existing: { secretName: 'shop/{env}/db' } }] })).toEqual([
      'kubernetes.egress is []; secret "db-password" (DB_PASSWORD) is a database credential, so the pods must reach the database, but the NetworkPolicy of environment "prod" allows only DNS; add the database, e.g. kubernetes.egress: [{ cidr: "10.0.32.0/20", port: 5432 }]',
    ]);
  });

  test('a non-database secret needs no egress entry', () => {
    expect(problems({ secrets: [{ name: 'session-key', envVar: 'SESSION_KEY', existing: { secretName: 'shop/{env}/session' } }] })).toEqual(
      [],
    );
  });

  test('fails when migrations have no egress entry or no API server CIDR', () => {
    expect(problems({ migrations: [migration] })).toEqual([
      'kubernetes.egress is []; the migrations ("add-notes") must reach the database, but the NetworkPolicy of environment "prod" allows only DNS; add the database, e.g. kubernetes.egress: [{ cidr: "10.0.32.0/20", port: 5432 }]',
      `kubernetes.apiServerCidr is missing; the migration gate of environment "prod" reads its Job from the Kubernetes API, and the NetworkPolicy opens 443/6443 only to the API server; set it to the block of "kubectl get endpoints kubernetes -n default -o jsonpath='{.subsets[*].addresses[*].ip}'", e.g. "10.0.0.0/16"`,
    ]);
    expect(
      problems({ migrations: [migration], kubernetes: { apiServerCidr: '10.0.0.0/24', egress: [{ cidr: '10.0.32.0/20', port: 5432 }] } }),
    ).toEqual([]);
  });

  test('refuses an ingress class it cannot route by name, and accepts it with a known controller', () => {
    expect(problems({ kubernetes: { ingress: { className: 'traefik' } } })).toEqual([
      'kubernetes.ingress.className is "traefik"; glidepath splits traffic through ingress-nginx (class "nginx") or the AWS Load Balancer Controller (class "alb"), which Argo Rollouts routes; set kubernetes.ingress.controller to "nginx" or "alb" if one of them serves this class',
    ]);
    expect(problems({ kubernetes: { ingress: { className: 'internal-nginx', controller: 'nginx' } } })).toEqual([]);
  });

  test('fails when "alb" has no source CIDR for the NetworkPolicy', () => {
    expect(problems({ kubernetes: { ingress: { className: 'alb' } } })).toEqual([
      'kubernetes.ingress.sourceCidr is missing; the AWS Load Balancer Controller in IP target mode sends traffic from the load balancer\'s addresses in the VPC, which the NetworkPolicy must admit; set it to the VPC CIDR, e.g. "10.0.0.0/16"',
    ]);
    expect(problems({ kubernetes: { ingress: { className: 'alb', sourceCidr: '10.0.0.0/16' } } })).toEqual([]);
  });

  test('"constructor" is not a known class (no prototype lookups)', () => {
    expect(problems({ kubernetes: { ingress: { className: 'constructor' } } })).toHaveLength(1);
  });
});
