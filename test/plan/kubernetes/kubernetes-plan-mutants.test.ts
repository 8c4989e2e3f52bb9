import { DefinitionError, validateDefinition } from '../../../lib/model';
import { Duration } from '../../../lib/model/duration';
import { HEARTBEAT_METRIC, kubernetesPlan } from '../../../lib/plan/kubernetes/kubernetes-plan';
import { Backend } from '../../../lib/plan/rollout/schedule';

/**
 * What `kubernetesPlan` decides for one service × environment, each fixture a small definition
 * built inside its test (so mutation testing runs only the tests that reach a mutant). The
 * expected names and labels are written out here: the Kubernetes recommended labels
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/), in-cluster
 * Service DNS names `<service>.<namespace>.svc`
 * (https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/), and the defaults the
 * definition's documentation states (lib/model/kubernetes.ts: scrape interval 30s, metrics on port
 * 9090 at /metrics, Prometheus at http://prometheus-operated.monitoring.svc:9090, monitoring labels
 * `release: kube-prometheus-stack`).
 */

const IMAGE = 'public.ecr.aws/acme/checkout:1.0.0';
const NO_PAGING = { critical: { enabled: false, reason: 'A test definition: nobody is paged' } };

/** A container service with one environment, `staging`; `top` goes at the top of the definition, `env` into the environment. */
function definition(top: Record<string, unknown> = {}, env: Record<string, unknown> = {}) {
  return validateDefinition({
    service: 'checkout',
    owners: { team: 'payments', primary: '@ana', backup: '@ben', channel: '#checkout-releases' },
    workload: { container: { image: IMAGE, port: 8080, healthCheckPath: '/healthz' } },
    ...top,
    environments: [{ name: 'staging', region: 'eu-west-1', rollout: { strategy: 'canary' }, ...env }],
  });
}

const MIGRATIONS = {
  migrations: [
    { name: 'add-notes', phase: 'expand', command: ['./migrate', 'up'], timeout: '5m' },
    { name: 'drop-coupons', phase: 'contract', command: ['./migrate', 'contract'], codeReleasedIn: 'public.ecr.aws/acme/checkout:0.9.0' },
  ],
  kubernetes: { apiServerCidr: '10.0.0.0/24', egress: [{ cidr: '10.0.32.0/20', port: 5432 }] },
};

describe('kubernetesPlan: what it refuses', () => {
  test('a function: the Kubernetes target runs containers', () => {
    const fn = validateDefinition({
      service: 'payments',
      owners: { team: 'payments', primary: '@ana', backup: '@ben', channel: '#payments' },
      workload: { function: { runtime: 'nodejs22.x', handler: 'index.handler', code: 'dist' } },
      environments: [{ name: 'staging', rollout: { strategy: 'canary' } }],
    });
    expect(() => kubernetesPlan(fn, 'staging')).toThrow(
      'workload.function: service "payments" is a function; the Kubernetes target runs containers ("workload.container"); render functions with the AWS target',
    );
  });

  test('metrics on the serving port', () => {
    const d = definition({ kubernetes: { metrics: { port: 8080 } } });
    expect(() => kubernetesPlan(d, 'staging')).toThrow(
      'kubernetes.metrics.port is 8080, the same as workload.container.port; serve metrics on their own port (e.g. 9090) so they stay out of the Services and the Ingress',
    );
  });

  test('a migration without a way to the API server: a definition error of the service and environment', () => {
    const d = definition({ ...MIGRATIONS, kubernetes: { egress: [{ cidr: '10.0.32.0/20', port: 5432 }] } });
    expect(() => kubernetesPlan(d, 'staging')).toThrow(DefinitionError);
    expect(() => kubernetesPlan(d, 'staging')).toThrow(/checkout \(staging, Kubernetes\)/);
  });

  test('secrets without a region: External Secrets cannot read Secrets Manager', () => {
    const d = definition(
      { secrets: [{ name: 'db-password', envVar: 'DB_PASSWORD', existing: { secretName: 'checkout/{env}/db-password' } }] },
      { region: undefined, kubernetes: { egress: [{ cidr: '10.0.32.0/20', port: 5432 }] } },
    );
    expect(() => kubernetesPlan(d, 'staging')).toThrow(
      'environments[0].region is not set for "staging"; the External Secrets SecretStore needs the AWS region of the Secrets Manager secrets ("checkout/staging/db-password"); set "region", e.g. "eu-west-1"',
    );
  });

  test('receivers with credentials without a region: their secrets cannot be read', () => {
    const d = definition(
      { receivers: { critical: { pagerDuty: { integrationKeySecret: 'checkout/{env}/pagerduty' } } } },
      { region: undefined },
    );
    expect(() => kubernetesPlan(d, 'staging')).toThrow(
      `environments[0].region is not set for "staging"; the External Secrets SecretStore needs the AWS region of the receivers' credentials in Secrets Manager; set "region", e.g. "eu-west-1"`,
    );
  });
});

describe('kubernetesPlan: a canary on Argo Rollouts with the defaults', () => {
  test('names, labels, the pod monitor and the alerts', () => {
    const plan = kubernetesPlan(definition({ receivers: NO_PAGING }), 'staging');
    const selector = { 'app.kubernetes.io/name': 'checkout', 'app.kubernetes.io/instance': 'checkout-staging' };
    expect(plan.namespace).toBe('checkout-staging');
    expect(plan.manifestPath).toBe('k8s/checkout-staging.k8s.yaml');
    expect(plan.prometheusAddress).toBeUndefined();
    expect(plan.scrapeInterval.toSeconds()).toBe(30);
    expect(plan.selectorLabels).toEqual(selector);
    expect(plan.container.port).toBe(8080);
    expect(plan.environment.name).toBe('staging');
    expect(plan.rollout.backend).toBe(Backend.ARGO_ROLLOUTS);
    expect(plan.detection).toBeDefined();
    expect(plan.analysis).toBeDefined();
    expect(plan.podMonitor).toEqual({
      name: 'checkout',
      namespace: 'checkout-staging',
      selector,
      job: 'checkout',
      path: '/metrics',
      port: 'metrics',
      interval: plan.scrapeInterval,
      labels: { release: 'kube-prometheus-stack' },
    });
    expect(plan.alerts).toMatchObject({
      name: 'checkout',
      namespace: 'checkout-staging',
      service: 'checkout',
      environment: 'staging',
      container: 'checkout',
      labels: { release: 'kube-prometheus-stack' },
    });
    expect(plan.alerts.scrapeInterval?.toSeconds()).toBe(30);
    expect(plan.alerts.deadMansSwitch.missingFor.toSeconds()).toBe(300);
    expect(plan.rolloutStatus).toMatchObject({
      rolloutName: 'checkout',
      namespace: 'checkout-staging',
      service: 'checkout',
      environment: 'staging',
      // Argo Rollouts' and Kubernetes' default progressDeadlineSeconds.
      progressDeadlineSeconds: 600,
      labels: { release: 'kube-prometheus-stack' },
    });
    expect(plan.rolloutStatus?.plan).toBe(plan.rollout);
  });

  test('the workload', () => {
    const plan = kubernetesPlan(definition({ receivers: NO_PAGING, rollbackBudgets: { configuration: '12m' } }), 'staging');
    expect(plan.workload).toMatchObject({
      name: 'checkout',
      namespace: 'checkout-staging',
      selectorLabels: { 'app.kubernetes.io/name': 'checkout', 'app.kubernetes.io/instance': 'checkout-staging' },
      metricsPort: 9090,
      secretEnvironment: undefined,
    });
    expect(plan.workload.plan).toBe(plan.rollout);
    expect(plan.workload.rollout).toBe(plan.environment);
    expect(plan.workload.capacity).toBe(plan.environment.capacity);
    expect(plan.workload.ingress).toBe(plan.ingress);
    expect(plan.workload.configurationRollbackBudget.toSeconds()).toBe(720);
  });

  test('network policies: the serving and metrics ports, Prometheus in "monitoring", nothing else allowed', () => {
    const plan = kubernetesPlan(definition({ receivers: NO_PAGING }), 'staging');
    expect(plan.networkPolicies).toEqual({
      name: 'checkout',
      namespace: 'checkout-staging',
      podLabels: { 'app.kubernetes.io/name': 'checkout', 'app.kubernetes.io/instance': 'checkout-staging' },
      servingPort: 8080,
      metricsPort: 9090,
      ingressControllerNamespace: 'ingress-nginx',
      ingressSourceCidr: undefined,
      callerNamespaces: [],
      prometheusNamespace: 'monitoring',
      testerLabels: undefined,
      kubernetesApi: undefined,
      egress: [],
    });
  });

  test('nothing optional is planned when the definition declares none of it', () => {
    const plan = kubernetesPlan(definition(), 'staging');
    expect(plan.secrets).toBeUndefined();
    expect(plan.secretEnvironment).toBeUndefined();
    expect(plan.featureFlags).toBeUndefined();
    expect(plan.migrations).toBeUndefined();
    expect(plan.smokeTests).toBeUndefined();
    expect(plan.alerting).toBeUndefined();
  });
});

describe('kubernetesPlan: options and settings that change it', () => {
  test('options override the environment: Prometheus, scrape interval, metrics path, manifest path, ingress', () => {
    const ingress = { className: 'nginx', paths: ['/shop'] } as never;
    const plan = kubernetesPlan(definition({ receivers: NO_PAGING }), 'staging', {
      prometheusAddress: 'http://prometheus.observability.svc:9090',
      scrapeInterval: Duration.seconds(15),
      metricsPath: '/internal/metrics',
      manifestPath: 'out/checkout.yaml',
      ingress,
    });
    expect(plan.prometheusAddress).toBe('http://prometheus.observability.svc:9090');
    expect(plan.scrapeInterval.toSeconds()).toBe(15);
    expect(plan.podMonitor.interval.toSeconds()).toBe(15);
    expect(plan.podMonitor.path).toBe('/internal/metrics');
    expect(plan.manifestPath).toBe('out/checkout.yaml');
    expect(plan.ingress).toBe(ingress);
    expect(plan.networkPolicies.prometheusNamespace).toBe('observability');
  });

  test("Prometheus's namespace comes from the environment's address, and is 'monitoring' when the address is not a Service", () => {
    const inCluster = kubernetesPlan(
      definition({ receivers: NO_PAGING, kubernetes: { prometheusAddress: 'http://prom.metrics-system.svc.cluster.local:9090' } }),
      'staging',
    );
    expect(inCluster.networkPolicies.prometheusNamespace).toBe('metrics-system');
    expect(inCluster.prometheusAddress).toBeUndefined();
    const outside = kubernetesPlan(
      definition({ receivers: NO_PAGING, kubernetes: { prometheusAddress: 'https://prometheus.acme.example' } }),
      'staging',
    );
    expect(outside.networkPolicies.prometheusNamespace).toBe('monitoring');
  });

  test('a rolling update is a plain Deployment: no analysis, no Rollout alerts, no smoke-test analysis', () => {
    const plan = kubernetesPlan(
      definition(
        { receivers: NO_PAGING, smokeTests: { checks: [{ name: 'health', path: '/healthz' }] } },
        { rollout: { strategy: 'rolling' } },
      ),
      'staging',
    );
    expect(plan.rollout.backend).toBe(Backend.KUBERNETES_DEPLOYMENT);
    expect(plan.analysis).toBeUndefined();
    expect(plan.rolloutStatus).toBeUndefined();
    expect(plan.smokeTests).toBeUndefined();
    expect(plan.networkPolicies.testerLabels).toBeUndefined();
  });

  test('smoke tests on a canary reach the canary Service, and the testers may reach the pods', () => {
    const plan = kubernetesPlan(
      definition({ receivers: NO_PAGING, smokeTests: { checks: [{ name: 'health', path: '/healthz' }] } }),
      'staging',
    );
    expect(plan.smokeTests).toMatchObject({
      name: 'checkout-smoke-tests',
      namespace: 'checkout-staging',
      serviceName: 'checkout-canary',
      service: 'checkout',
    });
    expect(plan.smokeTests?.tests.checks.map((c) => c.name)).toEqual(['health']);
    expect(plan.networkPolicies.testerLabels).toEqual({
      'app.kubernetes.io/component': 'smoke-tests',
      'app.kubernetes.io/part-of': 'checkout',
    });
  });

  test('smoke tests on blue/green reach the preview Service', () => {
    const plan = kubernetesPlan(
      definition(
        { receivers: NO_PAGING, smokeTests: { checks: [{ name: 'health', path: '/healthz' }] } },
        { rollout: { strategy: 'blue-green' } },
      ),
      'staging',
    );
    expect(plan.smokeTests?.serviceName).toBe('checkout-preview');
  });

  test("a heartbeat the service publishes is read from glidepath_heartbeat_total; platform metrics from Prometheus's own `up`", () => {
    expect(HEARTBEAT_METRIC).toBe('glidepath_heartbeat_total');
    const published = kubernetesPlan(definition({ receivers: NO_PAGING, deadMansSwitch: { source: 'heartbeat' } }), 'staging');
    expect(published.signals.heartbeatMetric).toBe('glidepath_heartbeat_total');
    const platform = kubernetesPlan(definition({ receivers: NO_PAGING }), 'staging');
    // `up` is the series Prometheus writes for every scrape (https://prometheus.io/docs/concepts/jobs_instances/).
    expect(platform.signals.heartbeatMetric).toBe('up');
  });

  test('feature flags: one ConfigMap named after the service, with the flag rollback budget', () => {
    const plan = kubernetesPlan(
      definition({
        receivers: NO_PAGING,
        featureFlags: [{ name: 'one-click', description: 'Pay in one click', enabled: false }],
        rollbackBudgets: { featureFlag: '3m' },
      }),
      'staging',
    );
    expect(plan.featureFlags).toMatchObject({ name: 'checkout-feature-flags', namespace: 'checkout-staging' });
    expect(plan.featureFlags?.flags.map((f) => f.name)).toEqual(['one-click']);
    expect(plan.featureFlags?.budget?.toSeconds()).toBe(180);
  });

  test('secrets: a SecretStore named after the namespace, in the region, read as the IRSA account when a role is given', () => {
    const secrets = [{ name: 'db-password', envVar: 'DB_PASSWORD', existing: { secretName: 'checkout/{env}/db-password' } }];
    const egress = [{ cidr: '10.0.32.0/20', port: 5432 }];
    const plan = kubernetesPlan(
      definition(
        { receivers: NO_PAGING, secrets },
        { kubernetes: { egress, secretStoreRoleArn: 'arn:aws:iam::111111111111:role/checkout-secrets' } },
      ),
      'staging',
    );
    expect(plan.secrets).toMatchObject({
      namespace: 'checkout-staging',
      name: 'checkout-staging',
      region: 'eu-west-1',
      serviceAccountName: 'checkout-staging-external-secrets',
    });
    expect(plan.secrets?.secrets.map((s) => s.envVar)).toEqual(['DB_PASSWORD']);
    // External Secrets writes one Secret per secret, `<store>-<name>`, its value under the key "value".
    const env = [{ envVar: 'DB_PASSWORD', secretName: 'checkout-staging-db-password', key: 'value' }];
    expect(plan.secretEnvironment).toEqual(env);
    expect(plan.workload.secretEnvironment).toEqual(env);
    const withoutRole = kubernetesPlan(definition({ receivers: NO_PAGING, secrets }, { kubernetes: { egress } }), 'staging');
    expect(withoutRole.secrets?.serviceAccountName).toBeUndefined();
  });

  test('migrations: run as the service account, with its configuration and secrets; the API server reachable for expand', () => {
    const plan = kubernetesPlan(
      definition({
        receivers: NO_PAGING,
        ...MIGRATIONS,
        workload: { container: { image: IMAGE, port: 8080, healthCheckPath: '/healthz', environment: { LOG_LEVEL: 'info' } } },
      }),
      'staging',
    );
    expect(plan.migrations).toMatchObject({
      name: 'checkout',
      namespace: 'checkout-staging',
      serviceAccountName: 'checkout',
      environment: { LOG_LEVEL: 'info' },
      secretEnvironment: undefined,
      previousReleases: undefined,
    });
    expect(plan.migrations?.migrations.map((m) => m.name)).toEqual(['add-notes', 'drop-coupons']);
    expect(plan.networkPolicies.kubernetesApi).toEqual({ cidr: '10.0.0.0/24' });
    expect(plan.networkPolicies.egress).toEqual([{ cidr: '10.0.32.0/20', port: 5432 }]);
  });

  test('migrations: the Job names of earlier releases come from the previous manifest', () => {
    const previousManifest = [
      'apiVersion: v1',
      'kind: ServiceAccount',
      'metadata: {name: checkout}',
      '---',
      'apiVersion: rbac.authorization.k8s.io/v1',
      'kind: Role',
      'metadata:',
      '  name: checkout-migration-reader',
      '  annotations:',
      `    glidepath.dev/migration-jobs-by-release: '[["checkout-migrate-add-notes-1a2b3c4d"]]'`,
    ].join('\n');
    const plan = kubernetesPlan(definition({ receivers: NO_PAGING, ...MIGRATIONS }), 'staging', { previousManifest });
    expect(plan.migrations?.previousReleases).toEqual([['checkout-migrate-add-notes-1a2b3c4d']]);
  });

  test('only contract migrations: the API server is not opened', () => {
    const plan = kubernetesPlan(definition({ receivers: NO_PAGING, ...MIGRATIONS, migrations: [MIGRATIONS.migrations[1]] }), 'staging');
    expect(plan.networkPolicies.kubernetesApi).toBeUndefined();
  });

  test('an ALB ingress admits its source block; callers are allowed in', () => {
    const plan = kubernetesPlan(
      definition({
        receivers: NO_PAGING,
        kubernetes: { ingress: { className: 'alb', sourceCidr: '10.0.0.0/16' }, callers: ['storefront-staging'] },
      }),
      'staging',
    );
    expect(plan.networkPolicies.ingressSourceCidr).toBe('10.0.0.0/16');
    expect(plan.networkPolicies.callerNamespaces).toEqual(['storefront-staging']);
  });
});

describe('kubernetesPlan: Alertmanager routing', () => {
  test('receivers: an AlertmanagerConfig in the namespace, evaluated at the scrape interval, its secrets in the region', () => {
    const plan = kubernetesPlan(
      definition(
        { receivers: { critical: { pagerDuty: { integrationKeySecret: 'checkout/{env}/pagerduty' } } } },
        {
          kubernetes: {
            secretStoreRoleArn: 'arn:aws:iam::111111111111:role/checkout-secrets',
            alertmanagerConfigLabels: { alertmanager: 'main' },
          },
        },
      ),
      'staging',
    );
    expect(plan.alerting).toMatchObject({
      name: 'checkout-staging-alerting',
      namespace: 'checkout-staging',
      region: 'eu-west-1',
      labels: { alertmanager: 'main' },
      serviceAccountName: 'checkout-staging-external-secrets',
      alertmanagerNamespace: 'monitoring',
      service: 'checkout',
      environment: 'staging',
    });
    expect(plan.alerting?.evaluationInterval?.toSeconds()).toBe(30);
    expect(plan.alerting?.receivers.critical).toBeDefined();
  });

  test('paging turned off with a reason is routed too (to nobody, said so)', () => {
    const plan = kubernetesPlan(definition({ receivers: NO_PAGING }, { region: undefined }), 'staging');
    expect(plan.alerting).toMatchObject({ name: 'checkout-staging-alerting', region: undefined });
    expect(plan.alerting?.receivers.optOutReason).toBe('A test definition: nobody is paged');
  });

  test('a warning channel alone, or a heartbeat alone, is routed', () => {
    const warning = kubernetesPlan(
      definition({
        receivers: {
          warning: { slack: { workspaceId: 'T0ACME0001', channelId: 'C0CHECKOUT1', webhookUrlSecret: 'checkout/{env}/slack' } },
        },
      }),
      'staging',
    );
    expect(warning.alerting?.receivers.warning).toBeDefined();
    const heartbeat = kubernetesPlan(
      definition({ receivers: { heartbeat: { service: 'healthchecks', urlSecret: 'checkout/{env}/healthchecks' } } }),
      'staging',
    );
    expect(heartbeat.alerting?.receivers.heartbeat).toBeDefined();
  });
});

describe('kubernetesPlan: what the parts are given', () => {
  test('the signals read the metric names the environment declares, selected by namespace and job', () => {
    const plan = kubernetesPlan(
      definition({
        receivers: NO_PAGING,
        runbookBaseUrl: 'https://runbooks.acme.example/checkout',
        kubernetes: { metrics: { requestsMetric: 'requests_total', statusLabel: 'status', durationHistogram: 'latency_seconds' } },
      }),
      'staging',
    );
    expect(plan.signals.matchers).toBe('namespace="checkout-staging",job="checkout"');
    expect([plan.signals.requestsMetric, plan.signals.statusLabel, plan.signals.durationHistogram]).toEqual([
      'requests_total',
      'status',
      'latency_seconds',
    ]);
    expect(plan.alerts.signals).toBe(plan.signals);
    expect(plan.alerts.policy).toBe(plan.environment.alarms);
    expect(plan.alerts.deadMansSwitch).toBe(plan.environment.deadMansSwitch);
    expect(plan.alerts.runbookBaseUrl).toBe('https://runbooks.acme.example/checkout');
    expect(plan.rolloutStatus?.runbookBaseUrl).toBe('https://runbooks.acme.example/checkout');
    expect(plan.analysis).toMatchObject({
      namespace: 'checkout-staging',
      prometheusAddress: 'http://prometheus-operated.monitoring.svc:9090',
    });
    expect(plan.analysis?.signals).toBe(plan.signals);
    expect(plan.analysis?.scrapeInterval).toBe(plan.scrapeInterval);
  });

  test('detection is labelled with the service and environment, and keeps a declared minimum of requests', () => {
    const plan = kubernetesPlan(definition({ receivers: NO_PAGING, kubernetes: { minimumRequests: 80 } }), 'staging');
    expect(plan.detection?.label).toBe('checkout-staging');
    expect(plan.detection?.argoGate?.minimumRequests).toBe(80);
    // Traffic is not declared: the note names the environment's field by its position.
    expect(plan.detection?.notes.join('\n')).toContain('checkout-staging: traffic is not declared');
    expect(plan.detection?.notes.join('\n')).toContain('declare environments[0].traffic');
  });

  test('every secret without a region is named in the error', () => {
    const d = definition(
      {
        secrets: [
          { name: 'db-password', envVar: 'DB_PASSWORD', existing: { secretName: 'checkout/{env}/db-password' } },
          { name: 'api-key', envVar: 'API_KEY', existing: { secretName: 'checkout/{env}/api-key' } },
        ],
      },
      { region: undefined, kubernetes: { egress: [{ cidr: '10.0.32.0/20', port: 5432 }] } },
    );
    expect(() => kubernetesPlan(d, 'staging')).toThrow(
      'the AWS region of the Secrets Manager secrets ("checkout/staging/db-password", "checkout/staging/api-key"); set "region"',
    );
  });

  test('migrations read the same synced secrets as the workload', () => {
    const plan = kubernetesPlan(
      definition({
        receivers: NO_PAGING,
        ...MIGRATIONS,
        secrets: [{ name: 'db-password', envVar: 'DB_PASSWORD', existing: { secretName: 'checkout/{env}/db-password' } }],
      }),
      'staging',
    );
    expect(plan.migrations?.secretEnvironment).toEqual([
      { envVar: 'DB_PASSWORD', secretName: 'checkout-staging-db-password', key: 'value' },
    ]);
  });

  test("the ingress controller's namespace is allowed in; the Alertmanager labels default to the monitoring labels", () => {
    const plan = kubernetesPlan(
      definition({
        receivers: NO_PAGING,
        kubernetes: { ingress: { controllerNamespace: 'edge' }, monitoringLabels: { prometheus: 'main' } },
      }),
      'staging',
    );
    expect(plan.networkPolicies.ingressControllerNamespace).toBe('edge');
    expect(plan.podMonitor.labels).toEqual({ prometheus: 'main' });
    expect(plan.alerting?.labels).toEqual({ prometheus: 'main' });
    expect(plan.alerting?.region).toBe('eu-west-1');
  });

  test('behind ingress-nginx a source block is not a way in: the controller pods reach the workload from their namespace', () => {
    const plan = kubernetesPlan(
      definition({ receivers: NO_PAGING, kubernetes: { ingress: { className: 'nginx', sourceCidr: '10.0.0.0/16' } } }),
      'staging',
    );
    expect(plan.networkPolicies.ingressSourceCidr).toBeUndefined();
    expect(plan.networkPolicies.ingressControllerNamespace).toBe('ingress-nginx');
  });
});
