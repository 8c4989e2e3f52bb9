import * as path from 'node:path';
import { App } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { loadDefinitionFile, type ServiceDefinition } from '../../../lib/model';
import { collectRunbookFacts, type RunbookFacts } from '../../../lib/runbook/facts';
import { kubernetesRunbookFacts } from '../../../lib/runbook/platforms/kubernetes-runbook';
import { renderRunbook } from '../../../lib/runbook/render';
import { DeploymentChart, synthesizeKubernetes } from '../../../constructs/k8s';
import { factsWithKubectlContext } from '../../../constructs/k8s/private/kubectl-context';
import { containerService, type Manifest } from '../../k8s/helpers';

/*
 * The Kubernetes runbook from the plan (lib, no cdk8s) is the runbook of the constructs the chart
 * writes, and every object it names is in the synthesized manifest.
 */

const EXAMPLES = ['checkout', 'storefront-web'].map((name) => path.join(__dirname, '..', '..', '..', 'examples', name, 'definition.yaml'));

const canary = { name: 'prod', region: 'eu-west-1', rollout: { strategy: 'canary' } };
const VARIANTS: readonly (readonly [string, ServiceDefinition])[] = [
  [
    'blue-green with smoke tests',
    containerService([{ name: 'prod', rollout: { strategy: 'blue-green' } }], {
      smokeTests: { checks: [{ name: 'health', path: '/healthz' }] },
    }),
  ],
  [
    'rolling, heartbeat, a kubeconfig context',
    containerService([{ name: 'dev', rollout: { strategy: 'rolling' } }], {
      deadMansSwitch: { source: 'heartbeat' },
      kubernetes: { context: 'arn:aws:eks:eu-west-1:111111111111:cluster/dev' },
    }),
  ],
  ['all at once', containerService([{ name: 'dev', rollout: { strategy: 'all-at-once' } }])],
  [
    'ALB ingress, egress, callers',
    containerService([canary], {
      kubernetes: {
        ingress: { className: 'alb', sourceCidr: '10.0.0.0/16' },
        egress: [{ cidr: '10.0.32.0/20', port: 5432 }],
        callers: ['frontend'],
      },
    }),
  ],
  [
    'secrets, flags, migrations, paging',
    containerService([canary], {
      secrets: [
        { name: 'db-password', envVar: 'DB_PASSWORD', existing: { secretName: 'shop/{env}/db' } },
        { name: 'signing-key', envVar: 'SIGNING_KEY', generate: { rotation: '30d' } },
      ],
      featureFlags: [{ name: 'new-search', description: 'New search', enabled: true }],
      migrations: [
        { name: 'add-column', phase: 'expand', command: ['migrate', 'up'], timeout: '5m' },
        { name: 'drop-column', phase: 'contract', command: ['migrate', 'contract'], codeReleasedIn: 'ghcr.io/acme/shop:0.9.0' },
      ],
      kubernetes: { apiServerCidr: '10.0.0.0/24', egress: [{ cidr: '10.0.32.0/20', port: 5432 }] },
      runbookBaseUrl: 'https://runbooks.example.com/shop',
      receivers: {
        critical: { pagerDuty: { integrationKeySecret: 'shop/{env}/pagerduty' } },
        heartbeat: { service: 'healthchecks', urlSecret: 'shop/{env}/heartbeat' },
      },
    }),
  ],
];

const cases: (readonly [string, ServiceDefinition, string])[] = [
  ...EXAMPLES.flatMap((file) => {
    const definition = loadDefinitionFile(file);
    return definition.environments.map((env) => [`${definition.service}-${env.name}`, definition, env.name] as const);
  }),
  ...VARIANTS.map(([name, definition]) => [name, definition, definition.environments[0].name] as const),
];

/** The facts `glidepath synth` rendered before the plan did: every construct of the chart, in tree order. */
function chartFacts(definition: ServiceDefinition, environment: string): RunbookFacts[] {
  const chart = new DeploymentChart(new App(), `${definition.service}-${environment}`, { definition, environment });
  return collectRunbookFacts(chart).map((f) => factsWithKubectlContext(f, chart.environmentDefinition.kubernetes.context));
}

describe.each(cases)('%s', (_name, definition, environment) => {
  const fromPlan = kubernetesRunbookFacts(definition, environment);

  test('the facts from the plan are the facts of the constructs the chart writes, part for part', () => {
    const fromChart = chartFacts(definition, environment);
    expect(fromPlan.facts.length).toBe(fromChart.length);
    fromPlan.facts.forEach((facts, i) => expect(facts).toEqual(fromChart[i]));
    const budgets = { budgets: definition.rollbackBudgets };
    expect(renderRunbook(fromPlan.facts, budgets)).toBe(renderRunbook(fromChart, budgets));
  });

  test('the warnings are the ones synthesis prints', () => {
    expect(fromPlan.warnings).toEqual(synthesizeKubernetes(definition, environment).warnings);
  });

  test('every object the runbook names is in the synthesized manifest', () => {
    const objects: Manifest[] = parseAllDocuments(synthesizeKubernetes(definition, environment).manifest).map((d) => d.toJS());
    const named = fromPlan.facts.flatMap((f) => f.resources ?? []);
    expect(named.length).toBeGreaterThan(5);
    for (const r of named) {
      const kind = r.type.split('/').pop()!;
      expect([r.type, r.name, objects.some((o) => o?.kind === kind && o.metadata.name === r.name)]).toEqual([r.type, r.name, true]);
    }
  });
});

describe('refuses what synthesis refuses', () => {
  test('fails when the workload is a function', () => {
    const definition = loadDefinitionFile(path.join(__dirname, '..', '..', '..', 'examples', 'payments-api', 'definition.ts'));
    expect(() => kubernetesRunbookFacts(definition, definition.environments[0].name)).toThrow(
      /workload\.function: service "payments-api" is a function; the Kubernetes target runs containers/,
    );
  });

  test('fails when secrets need a region the environment does not set', () => {
    const definition = containerService([{ name: 'dev', rollout: { strategy: 'rolling' } }], {
      secrets: [{ name: 'db-password', envVar: 'DB_PASSWORD', existing: { secretName: 'shop/{env}/db' } }],
      kubernetes: { egress: [{ cidr: '10.0.32.0/20', port: 5432 }] },
    });
    expect(() => kubernetesRunbookFacts(definition, 'dev')).toThrow(
      'environments[0].region is not set for "dev"; the External Secrets SecretStore needs the AWS region of the Secrets Manager secrets ("shop/dev/db"); set "region", e.g. "eu-west-1"',
    );
  });

  test('fails when metrics are served on the serving port', () => {
    const definition = containerService([{ name: 'dev', rollout: { strategy: 'rolling' } }], { kubernetes: { metrics: { port: 8080 } } });
    expect(() => kubernetesRunbookFacts(definition, 'dev')).toThrow(
      /kubernetes\.metrics\.port is 8080, the same as workload\.container\.port/,
    );
  });
});
