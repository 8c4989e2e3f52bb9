import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Testing } from 'cdk8s';
import { loadDefinitionFile, validateDefinition } from '../../lib/model';
import { Target } from '../../lib/targets/target';
import { DeploymentChart } from '../../constructs/k8s';
import {
  bashSyntaxError,
  bashSyntaxErrors,
  commandsOf,
  containerService,
  objectOf,
  shellcheckFindings,
  validateEmbeddedPodSpecs,
  validateObject,
  type Manifest,
} from './helpers';
import { collectRunbookFacts } from '../../lib/runbook/facts';

const EXAMPLES = ['storefront-web', 'checkout']
  .map((name) => path.join(__dirname, '..', '..', 'examples', name, 'definition.yaml'))
  .filter((file) => fs.existsSync(file));
const CLUSTER_SCOPED = new Set(['Namespace']);

const cases = EXAMPLES.flatMap((file) => {
  const definition = loadDefinitionFile(file);
  return definition.environments.map((env) => [`${definition.service}-${env.name}`, definition, env.name] as const);
});

/** The warning of a definition without runbookBaseUrl (the tests' definitions have none). */
const RELATIVE_RUNBOOK_URLS =
  "runbookBaseUrl is not set: the alerts' runbook_url annotations are relative links (runbooks/<file>#<anchor>) that Alertmanager receivers cannot open; set runbookBaseUrl to where the runbooks are published";

describe.each(cases)('%s', (_name, definition, environment) => {
  const chart = new DeploymentChart(Testing.app(), 'Chart', { definition, environment });
  const manifests: Manifest[] = Testing.synth(chart);
  const facts = collectRunbookFacts(chart);
  const namespace = `${definition.service}-${environment}`;

  test('every object validates against its schema', () => {
    for (const m of manifests) expect(() => validateObject(m)).not.toThrow();
  });

  test('every namespaced object is in the namespace', () => {
    expect(objectOf(manifests, 'Namespace').metadata.name).toBe(namespace);
    for (const m of manifests.filter((x) => !CLUSTER_SCOPED.has(x.kind)))
      expect(`${m.kind}/${m.metadata.name} ${m.metadata.namespace}`).toBe(`${m.kind}/${m.metadata.name} ${namespace}`);
  });

  test('no secret value: no Secret objects, and each secret variable comes from a secretKeyRef', () => {
    expect(manifests.filter((m) => m.kind === 'Secret')).toEqual([]);
    const workload = manifests.find((m) => m.kind === 'Rollout' || m.kind === 'Deployment')!;
    const env: { name: string; value?: string; valueFrom?: unknown }[] = workload.spec.template.spec.containers[0].env;
    for (const secret of chart.environmentDefinition.secrets) {
      const entry = env.find((e) => e.name === secret.envVar);
      expect(entry).toEqual({ name: secret.envVar, valueFrom: { secretKeyRef: { name: `${namespace}-${secret.name}`, key: 'value' } } });
    }
  });

  test('every runbook command parses with bash -n', () => {
    const commands = commandsOf(facts);
    expect(commands.length).toBeGreaterThan(5);
    const errors = bashSyntaxErrors(commands);
    commands.forEach((command, i) => expect([command, errors[i]]).toEqual([command, undefined]));
  });

  test('every kubectl command on namespaced objects names the namespace', () => {
    const all = [...commandsOf(facts), ...facts.flatMap((f) => [...(f.preDeploy ?? []), ...(f.smoke ?? [])].map((c) => c.command))];
    // Cluster-scoped or API-path commands need none.
    const clusterScoped =
      /^kubectl (version|get crd |get ingressclass |argo rollouts version|get --raw |get pods --all-namespaces|get deployments --all-namespaces)/;
    const kubectl = all
      .flatMap((c) => c.split(/\||;|&&|\$\(/).map((part) => part.trim()))
      .filter((c) => c.startsWith('kubectl ') && !clusterScoped.test(c));
    expect(kubectl.length).toBeGreaterThan(3);
    for (const c of kubectl) expect([c, / -n [a-z0-9-]+/.exec(c)?.[0]]).toEqual([c, ` -n ${namespace}`]);
  });

  test('every embedded pod and Job spec passes the core schemas', () => {
    for (const m of manifests) expect(() => validateEmbeddedPodSpecs(m)).not.toThrow();
  });

  test('runbook commands pass shellcheck', () => {
    const findings = shellcheckFindings(commandsOf(facts));
    if (findings !== undefined) expect(findings).toBe('');
  });

  test('every resource the runbook names exists in the manifest', () => {
    const names = facts.flatMap((f) => f.resources ?? []);
    for (const r of names) {
      const kind = r.type.split('/').pop()!;
      expect([r.type, r.name, manifests.some((m) => m.kind === kind && m.metadata.name === r.name)]).toEqual([r.type, r.name, true]);
    }
  });

  test('the context names the namespace as scope, for the Kubernetes runbook', () => {
    const context = facts.find((f) => f.context)?.context;
    expect(context).toMatchObject({ service: definition.service, environment, target: Target.KUBERNETES, scope: namespace });
  });

  test('every alarm fact has a runbook_url on its rule with the same anchor', () => {
    const rules = objectOf(manifests, 'PrometheusRule', manifests.find((m) => m.kind === 'PrometheusRule')!.metadata.name).spec.groups[0]
      .rules;
    for (const rule of rules) {
      const anchor = rule.annotations.runbook_url.split('#')[1];
      expect(facts.flatMap((f) => f.alarms ?? []).some((a) => a.anchor === anchor && a.name === rule.alert)).toBe(true);
    }
  });

  test('thresholds, weights and bakes come from the definition', () => {
    const env = chart.environmentDefinition;
    const rules = objectOf(manifests, 'PrometheusRule', manifests.find((m) => m.kind === 'PrometheusRule')!.metadata.name).spec.groups[0]
      .rules;
    expect(rules.find((r: { alert: string }) => r.alert === 'CriticalErrorRate').expr).toMatch(
      new RegExp(`>= ${env.alarms.critical.errorRatePercent / 100}$`),
    );
    const rollout = manifests.find((m) => m.kind === 'Rollout');
    if (rollout?.spec.strategy.canary) {
      const weights = rollout.spec.strategy.canary.steps
        .filter((s: object) => 'setWeight' in s)
        .map((s: { setWeight: number }) => s.setWeight);
      expect(weights).toEqual(env.rollout.stages.filter((s) => s.trafficPercent > 0).map((s) => s.trafficPercent));
    }
    if (rollout?.spec.strategy.blueGreen) {
      expect(rollout.spec.strategy.blueGreen.scaleDownDelaySeconds).toBe(
        env.rollout.stages[env.rollout.stages.length - 1].bake.toSeconds(),
      );
      expect(rollout.spec.strategy.blueGreen.autoPromotionEnabled).toBe(!env.production);
    }
  });

  test('synthesis is deterministic', () => {
    const again = Testing.synth(new DeploymentChart(Testing.app(), 'Chart', { definition, environment }));
    expect(again).toEqual(manifests);
  });
});

describe('DeploymentChart', () => {
  test('the examples exist and render every environment', () => {
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(1);
    expect(cases.map(([name]) => name)).toEqual(
      expect.arrayContaining(['storefront-web-dev', 'storefront-web-staging', 'storefront-web-prod']),
    );
  });

  test('the namespace enforces the restricted Pod Security Standard', () => {
    const definition = containerService([{ name: 'dev', rollout: { strategy: 'rolling' } }]);
    const ns = objectOf(Testing.synth(new DeploymentChart(Testing.app(), 'C', { definition, environment: 'dev' })), 'Namespace');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  test('options: Prometheus address, ingress host, metrics path', () => {
    const definition = containerService([{ name: 'staging', rollout: { strategy: 'canary' } }]);
    const manifests = Testing.synth(
      new DeploymentChart(Testing.app(), 'C', {
        definition,
        environment: 'staging',
        prometheusAddress: 'http://prom:9090',
        ingress: { host: 'shop.example.com' },
        metricsPath: '/internal/metrics',
      }),
    );
    expect(objectOf(manifests, 'AnalysisTemplate', 'shop-rollback').spec.metrics[0].provider.prometheus.address).toBe('http://prom:9090');
    expect(objectOf(manifests, 'Ingress').spec.rules[0].host).toBe('shop.example.com');
    expect(objectOf(manifests, 'PodMonitor').spec.podMetricsEndpoints[0].path).toBe('/internal/metrics');
  });

  test('a service-published heartbeat is what the dead-man switch watches', () => {
    const definition = containerService([{ name: 'dev', rollout: { strategy: 'rolling' } }], { deadMansSwitch: { source: 'heartbeat' } });
    const rules = objectOf(
      Testing.synth(new DeploymentChart(Testing.app(), 'C', { definition, environment: 'dev' })),
      'PrometheusRule',
      'shop',
    ).spec.groups[0].rules;
    expect(rules.find((r: { alert: string }) => r.alert === 'DeadMansSwitch').expr).toBe(
      'sum(absent_over_time(glidepath_heartbeat_total{namespace="shop-dev",job="shop"}[4m])) or (max(max_over_time(up{namespace="shop-dev",job="shop"}[4m])) < 1)',
    );
  });

  test('says what rolls back without a human', () => {
    const facts = (strategy: string, name = 'staging') =>
      new DeploymentChart(new App(), 'C', {
        definition: containerService([{ name, rollout: { strategy } }]),
        environment: name,
      }).workload.runbookFacts();
    // No traffic declared: at the non-production default (0.5 req/s at the quietest) no setting
    // catches a regression, and the pick is the best mean detection among those within the
    // false-rollback limit: five-minute windows, two failures.
    expect(facts('canary').automaticRollback).toBe(
      'Argo Rollouts aborts the canary and sends all traffic back to the stable version when 2 measurements of AnalysisTemplate shop-rollback fail, or the new pods make no progress for 600s',
    );
    expect(facts('blue-green', 'prod').automaticRollback).toMatch(
      /^Argo Rollouts keeps the active Service on the old version when shop-rollback-health fails before promotion/,
    );
    expect(facts('rolling').automaticRollback).toMatch(/^none: a Deployment does not roll back by itself/);
  });

  test('pre-deploy: the CRDs in use, each secret in Secrets Manager, then a server-side diff of the written manifest', () => {
    const definition = containerService([{ name: 'staging', region: 'eu-west-1', rollout: { strategy: 'canary' } }], {
      secrets: [{ name: 'db-password', envVar: 'DB_PASSWORD', existing: { secretName: 'shop/{env}/db' } }],
      kubernetes: { egress: [{ cidr: '10.0.32.0/20', port: 5432 }] },
    });
    const facts = new DeploymentChart(new App(), 'C', { definition, environment: 'staging' }).runbookFacts();
    expect(facts.preDeploy?.map((c) => c.command)).toEqual([
      'kubectl version',
      'kubectl argo rollouts version',
      'kubectl get pods --all-namespaces -l app.kubernetes.io/name=argo-rollouts',
      'kubectl get ingressclass nginx',
      'kubectl get --raw "/api/v1/namespaces/monitoring/services/prometheus-operated:9090/proxy/api/v1/query?query=count(kube_pod_container_resource_limits)%20and%20count(container_cpu_usage_seconds_total)"',
      'kubectl get crd rollouts.argoproj.io analysistemplates.argoproj.io prometheusrules.monitoring.coreos.com podmonitors.monitoring.coreos.com secretstores.external-secrets.io externalsecrets.external-secrets.io',
      'kubectl get deployments --all-namespaces -o name | grep -i reloader',
      "kubectl get crd externalsecrets.external-secrets.io -o jsonpath='{.spec.versions[?(@.served==true)].name}'",
      'aws secretsmanager describe-secret --secret-id shop/staging/db --region eu-west-1 --query Name --output text',
      'kubectl diff --server-side -n shop-staging -f k8s/shop-staging.k8s.yaml',
    ]);
    expect(facts.deploy?.map((c) => c.command)).toEqual([
      'kubectl apply --server-side -n shop-staging -f k8s/shop-staging.k8s.yaml',
      // Prometheus loaded the rule group and scrapes the request counter.
      'kubectl get --raw "/api/v1/namespaces/monitoring/services/prometheus-operated:9090/proxy/api/v1/rules" | grep -o \'"name":"shop.staging"\'',
      'kubectl get --raw "/api/v1/namespaces/monitoring/services/prometheus-operated:9090/proxy/api/v1/query?query=count(http_requests_total%7Bnamespace%3D%22shop-staging%22%2Cjob%3D%22shop%22%7D)"',
    ]);
  });

  test('Kubernetes settings of the definition: selector labels, metrics port and names, ingress, minimum requests, egress', () => {
    const definition = containerService([{ name: 'staging', rollout: { strategy: 'canary' }, kubernetes: { minimumRequests: 200 } }], {
      kubernetes: {
        monitoringLabels: { release: 'monitoring' },
        scrapeInterval: '15s',
        prometheusAddress: 'http://prometheus-k8s.observability.svc:9090',
        ingress: {
          className: 'internal',
          controller: 'nginx',
          host: 'shop.example.com',
          paths: ['/shop', '/api'],
          controllerNamespace: 'ingress-internal',
        },
        metrics: { port: 9102, requestsMetric: 'requests_total', statusLabel: 'status', durationHistogram: 'latency_seconds' },
        egress: [
          { namespace: 'catalog', port: 8080 },
          { cidr: '10.0.0.0/8', port: 5432 },
        ],
      },
    });
    const manifests = Testing.synth(new DeploymentChart(Testing.app(), 'C', { definition, environment: 'staging' }));
    expect(objectOf(manifests, 'PodMonitor').metadata.labels).toEqual({ release: 'monitoring' });
    expect(
      objectOf(manifests, 'PrometheusRule', manifests.find((m) => m.kind === 'PrometheusRule')!.metadata.name).metadata.labels,
    ).toEqual({ release: 'monitoring' });
    expect(objectOf(manifests, 'PodMonitor').spec.podMetricsEndpoints[0]).toMatchObject({ port: 'metrics', interval: '15s' });
    const ingress = objectOf(manifests, 'Ingress').spec;
    expect(ingress.ingressClassName).toBe('internal');
    expect(ingress.rules[0].host).toBe('shop.example.com');
    expect(ingress.rules[0].http.paths.map((p: Manifest) => p.path)).toEqual(['/shop', '/api']);
    // Metrics on their own port: in the pod, not in any Service or the Ingress.
    const ports = objectOf(manifests, 'Rollout').spec.template.spec.containers[0].ports;
    expect(ports).toEqual([
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9102, protocol: 'TCP' },
    ]);
    for (const svc of manifests.filter((m) => m.kind === 'Service'))
      expect(svc.spec.ports.map((p: Manifest) => p.targetPort)).toEqual(['http']);
    const analysis = objectOf(manifests, 'AnalysisTemplate', 'shop-rollback').spec.metrics[0];
    expect(analysis.provider.prometheus.address).toBe('http://prometheus-k8s.observability.svc:9090');
    expect(analysis.provider.prometheus.query).toContain('requests_total{');
    expect(analysis.provider.prometheus.query).toContain('status=~"5.."');
    expect(analysis.provider.prometheus.query).toContain('>= 200)');
    // Requests counted over exactly the window (README: `x - (x offset W or x * 0)`), not increase().
    // (The selectors hold Argo's `{{args.…}}` placeholders, so no `[^}]*` here.)
    expect(analysis.provider.prometheus.query).toMatch(/requests_total\{.*?\} offset \d+[sm] or requests_total/);
    expect(analysis.provider.prometheus.query).not.toContain('increase(');
    const policies = manifests.filter((m) => m.kind === 'NetworkPolicy');
    expect(policies.map((p) => p.metadata.name)).toEqual([
      'shop-default-deny',
      'shop-allow-dns',
      'shop-allow-ingress',
      'shop-allow-egress',
    ]);
    for (const p of policies) expect(() => validateObject(p)).not.toThrow();
    const allowIngress = objectOf(manifests, 'NetworkPolicy', 'shop-allow-ingress').spec.ingress;
    expect(allowIngress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-internal' } } }],
        ports: [{ protocol: 'TCP', port: 8080 }],
      },
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } } }],
        ports: [{ protocol: 'TCP', port: 9102 }],
      },
    ]);
    expect(objectOf(manifests, 'NetworkPolicy', 'shop-default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(objectOf(manifests, 'NetworkPolicy', 'shop-allow-egress').spec.egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'catalog' } } }],
        ports: [{ protocol: 'TCP', port: 8080 }],
      },
      { to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ protocol: 'TCP', port: 5432 }] },
    ]);
  });

  test('secretStoreRoleArn: the SecretStore authenticates as an IRSA ServiceAccount of its own', () => {
    const definition = containerService([{ name: 'staging', region: 'eu-west-1', rollout: { strategy: 'rolling' } }], {
      secrets: [{ name: 'db-password', envVar: 'DB_PASSWORD', existing: { secretName: 'shop/{env}/db' } }],
      kubernetes: { egress: [{ cidr: '10.0.32.0/20', port: 5432 }], secretStoreRoleArn: 'arn:aws:iam::123456789012:role/shop-secrets' },
    });
    const manifests = Testing.synth(new DeploymentChart(Testing.app(), 'C', { definition, environment: 'staging' }));
    const sa = objectOf(manifests, 'ServiceAccount', 'shop-staging-external-secrets');
    expect(sa.metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/shop-secrets' });
    expect(objectOf(manifests, 'SecretStore').spec.provider.aws.auth).toEqual({
      jwt: { serviceAccountRef: { name: 'shop-staging-external-secrets' } },
    });
    for (const m of manifests) expect(() => validateObject(m)).not.toThrow();
  });

  test('defaults: kube-prometheus-stack release label, metrics on port 9090, 30s scrapes', () => {
    const definition = containerService([{ name: 'dev', rollout: { strategy: 'rolling' } }]);
    const manifests = Testing.synth(new DeploymentChart(Testing.app(), 'C', { definition, environment: 'dev' }));
    expect(objectOf(manifests, 'PodMonitor').metadata.labels).toEqual({ release: 'kube-prometheus-stack' });
    expect(
      objectOf(manifests, 'PrometheusRule', manifests.find((m) => m.kind === 'PrometheusRule')!.metadata.name).metadata.labels,
    ).toEqual({ release: 'kube-prometheus-stack' });
    expect(objectOf(manifests, 'Deployment').spec.template.spec.containers[0].ports[1]).toEqual({
      name: 'metrics',
      containerPort: 9090,
      protocol: 'TCP',
    });
  });

  test('fails when the metrics port is the serving port', () => {
    const definition = containerService([{ name: 'dev', rollout: { strategy: 'rolling' } }], { kubernetes: { metrics: { port: 8080 } } });
    expect(() => new DeploymentChart(Testing.app(), 'C', { definition, environment: 'dev' })).toThrow(
      'kubernetes.metrics.port is 8080, the same as workload.container.port; serve metrics on their own port (e.g. 9090) so they stay out of the Services and the Ingress',
    );
  });

  test('fails when an egress entry names neither or both of cidr and namespace', () => {
    expect(() =>
      containerService([{ name: 'dev', rollout: { strategy: 'rolling' } }], { kubernetes: { egress: [{ port: 443 }] } }),
    ).toThrow(/kubernetes\.egress\[0\].*needs exactly one of "cidr".*or "namespace"/);
  });

  test('a Deployment needs no Argo CRDs; the manifest path is configurable', () => {
    const definition = containerService([{ name: 'dev', rollout: { strategy: 'rolling' } }]);
    const facts = new DeploymentChart(new App(), 'C', {
      definition,
      environment: 'dev',
      manifestPath: 'out/k8s/shop-dev.k8s.yaml',
    }).runbookFacts();
    expect(facts.preDeploy?.map((c) => c.command)).toContain(
      'kubectl get crd prometheusrules.monitoring.coreos.com podmonitors.monitoring.coreos.com',
    );
    expect(facts.preDeploy?.map((c) => c.command)).not.toContain('kubectl argo rollouts version');
    expect(facts.deploy?.[0].command).toBe('kubectl apply --server-side -n shop-dev -f out/k8s/shop-dev.k8s.yaml');
  });

  test.each([
    ['canary', 'staging', 'shop-canary', 'on the canary Service, during the 0% stage'],
    ['blue-green', 'prod', 'shop-preview', 'on the preview Service, before promotion'],
    ['rolling', 'dev', 'shop', 'after the rollout'],
  ])('smoke test for %s calls the health check through Service of the new version', (strategy, name, service, when) => {
    const definition = containerService([{ name, rollout: { strategy } }]);
    const [smoke] = new DeploymentChart(new App(), 'C', { definition, environment: name }).runbookFacts().smoke ?? [];
    expect(smoke.description).toBe(`Call the health check of the new version ${when}`);
    expect(smoke.command).toBe(
      `kubectl -n shop-${name} port-forward svc/${service} 18080:80 >/dev/null & PF=$!; sleep 3; curl -fsS "http://127.0.0.1:18080/healthz"; kill "$PF"`,
    );
    expect(bashSyntaxError(smoke.command)).toBeUndefined();
  });

  test('feature flags from the definition: a ConfigMap mounted into the pods, kill switches as level 1 within the flag budget', () => {
    const definition = containerService([{ name: 'dev', rollout: { strategy: 'rolling' } }], {
      featureFlags: [{ name: 'new-search', description: 'New search', enabled: true }],
      rollbackBudgets: { featureFlag: '2m' },
    });
    const chart = new DeploymentChart(Testing.app(), 'C', { definition, environment: 'dev' });
    const manifests = Testing.synth(chart);
    expect(
      JSON.parse(objectOf(manifests, 'ConfigMap', 'shop-feature-flags').data['flags.flagd.json']).flags['new-search'].defaultVariant,
    ).toBe('on');
    expect(objectOf(manifests, 'Deployment').spec.template.spec.volumes).toContainEqual({
      name: 'feature-flags',
      configMap: { name: 'shop-feature-flags' },
    });
    const level1 = chart.featureFlags!.runbookFacts().rollback![0];
    expect(level1.bound?.budget.toString()).toBe('2m');
    expect(chart.runbookFacts().checklist).toEqual(['Feature flags set as intended before the release: new-search']);
    expect(chart.warnings()).toEqual([RELATIVE_RUNBOOK_URLS]);
  });

  test('warns when a rollback level cannot meet its budget', () => {
    const definition = containerService([{ name: 'dev', rollout: { strategy: 'rolling' } }], {
      featureFlags: [{ name: 'new-search', description: 'New search', enabled: true }],
    });
    expect(new DeploymentChart(new App(), 'C', { definition, environment: 'dev' }).warnings()).toEqual([
      'rollback level 1 (turn the feature flag off) takes up to 1m10s with this configuration, over its 1m budget (kubelet refreshes the mounted ConfigMap (sync period) 1m + the workload re-reads the flag files 10s); make the workload read its flags sooner or raise the budget',
      RELATIVE_RUNBOOK_URLS,
    ]);
  });

  test('fails in strict mode when a rollback level cannot meet its budget, as the AWS target does', () => {
    const definition = containerService([{ name: 'dev', rollout: { strategy: 'rolling' } }], {
      strict: true,
      featureFlags: [{ name: 'new-search', description: 'New search', enabled: true }],
    });
    expect(() => new DeploymentChart(new App(), 'C', { definition, environment: 'dev' })).toThrow(
      /^.*rollbackBudgets\.featureFlag is 1m; rollback level 1 \(turn the feature flag off\) takes up to 1m10s .*\(strict mode\)/s,
    );
  });

  test('the context carries the budgets; generated secrets point at the AWS stack that creates them', () => {
    const definition = containerService([{ name: 'dev', region: 'eu-west-1', rollout: { strategy: 'rolling' } }], {
      secrets: [{ name: 'signing-key', envVar: 'SIGNING_KEY', generate: { rotation: '30d' } }],
    });
    const facts = new DeploymentChart(new App(), 'C', { definition, environment: 'dev' }).runbookFacts();
    expect(facts.context?.budgets?.configuration.toString()).toBe('5m');
    expect(facts.notes).toEqual([
      "secrets are environment variables, read when a pod starts: after a rotation External Secrets updates the Secret within 1h, then Stakater Reloader (annotation secret.reloader.stakater.com/reload) replaces the pods; until then older and newer pods hold different values, so keep the previous value valid (Secrets Manager's AWSPREVIOUS) until the pods are replaced",
      'generated secrets (shop/dev/signing-key) are created and rotated by the AWS stack; deploy it first, or the ExternalSecrets cannot sync',
    ]);
  });

  test('fails for an unknown environment, listing the defined ones', () => {
    const definition = containerService([{ name: 'dev', rollout: { strategy: 'rolling' } }]);
    expect(() => new DeploymentChart(new App(), 'C', { definition, environment: 'prod' })).toThrow(
      'environment "prod" is not defined for service "shop"; defined: dev',
    );
  });

  test('fails for a function workload', () => {
    const definition = validateDefinition({
      service: 'fn',
      owners: { team: 't', primary: 'p', backup: 'b', channel: '#c' },
      workload: { function: { runtime: 'nodejs22.x', handler: 'index.handler', code: 'dist' } },
      environments: [{ name: 'dev', rollout: { strategy: 'all-at-once' } }],
    });
    expect(() => new DeploymentChart(new App(), 'C', { definition, environment: 'dev' })).toThrow(
      'workload.function: service "fn" is a function; the Kubernetes target runs containers ("workload.container"); render functions with the AWS target',
    );
  });

  test('fails when secrets need a region the environment does not set', () => {
    const definition = containerService([{ name: 'dev', rollout: { strategy: 'rolling' } }], {
      secrets: [{ name: 'db-password', envVar: 'DB_PASSWORD', existing: { secretName: 'shop/{env}/db' } }],
      kubernetes: { egress: [{ cidr: '10.0.32.0/20', port: 5432 }] },
    });
    expect(() => new DeploymentChart(new App(), 'C', { definition, environment: 'dev' })).toThrow(
      'environments[0].region is not set for "dev"; the External Secrets SecretStore needs the AWS region of the Secrets Manager secrets ("shop/dev/db"); set "region", e.g. "eu-west-1"',
    );
  });

  test('strict mode refuses a schedule Argo Rollouts would round; otherwise it is a warning and in the runbook schedule', () => {
    const environments = [
      {
        name: 'staging',
        rollout: {
          strategy: 'canary',
          stages: [
            { name: 'canary', trafficPercent: 2.5, bake: '5m' },
            { name: 'full', trafficPercent: 100, bake: '5m' },
          ],
        },
      },
    ];
    expect(
      () => new DeploymentChart(new App(), 'C', { definition: containerService(environments, { strict: true }), environment: 'staging' }),
    ).toThrow(
      /environments\[0\]\.rollout \(shop-staging, argo-rollouts\) cannot run exactly as requested: stage "canary" sends 2.5%; Argo Rollouts sets whole percentages, so it sends 3%/,
    );
    const chart = new DeploymentChart(new App(), 'C', { definition: containerService(environments), environment: 'staging' });
    // No traffic declared, so the detection check adds its findings; the rounding is one warning.
    const rounding = 'stage "canary" sends 2.5%; Argo Rollouts sets whole percentages, so it sends 3%';
    expect(chart.warnings().filter((w) => /whole percentages/.test(w))).toEqual([rounding]);
    expect(chart.warnings()).toContain(RELATIVE_RUNBOOK_URLS);
    expect(chart.workload.runbookFacts().rollout?.schedule.deviations).toEqual([rounding]);
  });

  test('the validator has teeth: a wrong type in a Rollout fails', () => {
    const definition = containerService([{ name: 'staging', rollout: { strategy: 'canary' } }]);
    const rollout = objectOf(Testing.synth(new DeploymentChart(Testing.app(), 'C', { definition, environment: 'staging' })), 'Rollout');
    expect(() => validateObject({ ...rollout, spec: { ...rollout.spec, replicas: 'three' } })).toThrow(
      /Rollout shop-staging\/shop is invalid/,
    );
  });
});
