import { Testing } from 'cdk8s';
import { Duration, resolveAlarmPolicy } from '../../lib/model';
import { ProgressiveWorkload, PrometheusSignals, RollbackAnalysis, type ProgressiveWorkloadProps } from '../../constructs/k8s';
import { bashSyntaxError, commandsOf, containerService, objectOf, validateObject, type Manifest } from './helpers';

const container = {
  image: 'ghcr.io/acme/shop:1.0.0',
  port: 8080,
  healthCheckPath: '/healthz',
  cpu: 512,
  memoryMiB: 1024,
  environment: { B: '2', A: '1' },
};
const rolloutOf = (rollout: unknown, name = 'staging') => containerService([{ name, rollout }]).environments[0];

function synth(overrides: Partial<ProgressiveWorkloadProps> & { withAnalysis?: boolean } = {}): {
  workload: ProgressiveWorkload;
  manifests: Manifest[];
} {
  const chart = Testing.chart();
  const analysis = overrides.withAnalysis
    ? new RollbackAnalysis(chart, 'Analysis', {
        name: 'shop-rollback',
        namespace: 'shop-staging',
        signals: PrometheusSignals.forWorkload({ namespace: 'shop-staging', job: 'shop' }),
        rollbackTrigger: resolveAlarmPolicy().rollbackTrigger,
        p99LatencyMs: 5000,
        rolloutName: 'shop',
        healthMeasurements: 3,
      })
    : undefined;
  const workload = new ProgressiveWorkload(chart, 'Workload', {
    name: 'shop',
    namespace: 'shop-staging',
    container,
    capacity: { desiredCount: 3 },
    rollout: rolloutOf({ strategy: 'canary' }),
    analysis,
    ...overrides,
  });
  return { workload, manifests: Testing.synth(chart) };
}

describe('ProgressiveWorkload: canary', () => {
  const { workload, manifests } = synth({ withAnalysis: true });
  const rollout = objectOf(manifests, 'Rollout');

  test('every object validates', () => {
    for (const m of manifests) expect(() => validateObject(m)).not.toThrow();
  });

  test('runs the compiled steps through the NGINX canary ingress with stable and canary Services', () => {
    const canary = rollout.spec.strategy.canary;
    expect(canary.steps.filter((s: object) => 'setWeight' in s).map((s: { setWeight: number }) => s.setWeight)).toEqual([5, 25, 50, 100]);
    expect(canary.trafficRouting).toEqual({ nginx: { stableIngress: 'shop' } });
    expect(canary.stableService).toBe('shop');
    expect(canary.canaryService).toBe('shop-canary');
    expect(objectOf(manifests, 'Ingress').metadata.name).toBe('shop');
    expect(objectOf(manifests, 'Ingress').spec.rules[0].http.paths[0].backend.service).toEqual({ name: 'shop', port: { name: 'http' } });
    // Argo owns the selectors of the Services it routes: applying one would conflict on the next release.
    expect(objectOf(manifests, 'Service', 'shop-canary').spec.selector).toBeUndefined();
    expect(objectOf(manifests, 'Service', 'shop').spec.selector).toBeUndefined();
  });

  test('runs the analysis in the background from the first traffic step, on the new pods only', () => {
    expect(rollout.spec.strategy.canary.analysis).toEqual({
      templates: [{ templateName: 'shop-rollback' }],
      startingStep: 2,
      args: [
        { name: 'pod-template-hash', valueFrom: { podTemplateHashValue: 'Latest' } },
        { name: 'stable-pod-template-hash', valueFrom: { podTemplateHashValue: 'Stable' } },
      ],
    });
  });

  test('aborts when it cannot make progress', () => {
    expect(rollout.spec).toMatchObject({ progressDeadlineSeconds: 600, progressDeadlineAbort: true, replicas: 3 });
  });

  test('level-2 rollback: abort or undo with real names, and a bound from the analysis within the budget', () => {
    const level2 = workload.runbookFacts().rollback?.find((l) => l.level === 2);
    expect(level2?.commands.map((c) => c.command)).toEqual([
      'kubectl argo rollouts abort shop -n shop-staging',
      'kubectl argo rollouts undo shop -n shop-staging',
    ]);
    // scrape 30s + window 2m + 2 failed measurements × 1m + abort 30s (release-bounds.ts)
    expect(level2?.bound?.total.toString()).toBe('5m');
    expect(level2?.bound?.withinBudget).toBe(true);
    expect(level2?.bound?.parts.map((p) => p.what).join(' ')).toContain('canary weight to 0');
    // The wait outlasts both the abort and the undo (rollbackWindow) bounds.
    expect(level2?.verify[0].command).toBe('kubectl argo rollouts status shop -n shop-staging --timeout 10m');
    expect(level2?.commands[1].description).toContain('bound 1m30s');
  });

  test('an undo to a recent revision skips the steps: rollbackWindow', () => {
    expect(rollout.spec.rollbackWindow).toEqual({ revisions: 3 });
  });

  test('every runbook command parses with bash -n', () => {
    for (const command of commandsOf([workload.runbookFacts()])) expect(bashSyntaxError(command)).toBeUndefined();
  });
});

describe('ProgressiveWorkload: zero-downtime pod defaults', () => {
  const pod = objectOf(synth().manifests, 'Rollout').spec.template.spec;
  const c = pod.containers[0];

  test('probes on the health-check path', () => {
    for (const probe of [c.startupProbe, c.readinessProbe, c.livenessProbe])
      expect(probe.httpGet).toEqual({ path: '/healthz', port: 'http' });
  });

  test('preStop delay and a grace period that covers it plus draining', () => {
    // The kubelet's sleep action: distroless images have no sleep binary.
    expect(c.lifecycle).toEqual({ preStop: { sleep: { seconds: 15 } } });
    expect(pod.terminationGracePeriodSeconds).toBe(45);
  });

  test('requests equal limits (Guaranteed QoS), converted from Fargate units', () => {
    // Canonical quantities (1024Mi is written 1Gi), as the API machinery and the Argo controller write them back.
    expect(c.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '500m', memory: '1Gi' } });
  });

  test('non-root, read-only root filesystem, no privilege escalation, no capabilities, no token', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      privileged: false,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(c.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
  });

  test('plain environment sorted by name', () => {
    expect(c.env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '2' },
    ]);
  });

  test('custom preStop delay and drain timeout', () => {
    const custom = objectOf(synth({ preStopDelay: Duration.seconds(5), drainTimeout: Duration.minutes(1) }).manifests, 'Rollout').spec
      .template.spec;
    expect(custom.terminationGracePeriodSeconds).toBe(65);
    expect(custom.containers[0].lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
  });
});

describe('ProgressiveWorkload: other strategies and capacity', () => {
  test('a PodDisruptionBudget keeps all but one pod through voluntary disruptions', () => {
    const { manifests, workload } = synth();
    expect(objectOf(manifests, 'PodDisruptionBudget').spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: workload.selectorLabels },
    });
  });

  test('blue-green: active and preview Services, manual promotion in production, pre- and post-promotion analysis', () => {
    const { manifests, workload } = synth({ rollout: rolloutOf({ strategy: 'blue-green' }, 'prod'), withAnalysis: true });
    const bg = objectOf(manifests, 'Rollout').spec.strategy.blueGreen;
    expect(bg).toMatchObject({
      activeService: 'shop',
      previewService: 'shop-preview',
      autoPromotionEnabled: false,
      scaleDownDelaySeconds: 1800,
    });
    expect(bg.autoPromotionSeconds).toBeUndefined();
    expect(bg.prePromotionAnalysis.templates).toEqual([{ templateName: 'shop-rollback-health' }]);
    expect(bg.postPromotionAnalysis.templates).toEqual([{ templateName: 'shop-rollback' }]);
    objectOf(manifests, 'Service', 'shop-preview');
    expect(workload.runbookFacts().deploy?.map((c) => c.command)).toContain('kubectl argo rollouts promote shop -n shop-staging');
  });

  test('blue-green level 2 talks about the active Service, never a canary weight; every kubectl command names the namespace', () => {
    const { workload } = synth({ rollout: rolloutOf({ strategy: 'blue-green' }, 'prod'), withAnalysis: true });
    const levels = workload.runbookFacts().rollback ?? [];
    const text = JSON.stringify(levels);
    expect(text).not.toMatch(/canary/i);
    expect(levels[0].bound!.parts.map((p) => p.what).join(' ')).toContain('switches the active Service back');
    for (const c of commandsOf([workload.runbookFacts()]).filter((x) => x.startsWith('kubectl'))) expect(c).toMatch(/ -n shop-staging\b/);
  });

  test('rolling: a Deployment with the rolling limits and level-2 rollout undo', () => {
    const { manifests, workload } = synth({ rollout: rolloutOf({ strategy: 'rolling' }) });
    const deployment = objectOf(manifests, 'Deployment');
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '100%', maxUnavailable: '0%' } });
    expect(manifests.some((m) => m.kind === 'Rollout')).toBe(false);
    expect(manifests.filter((m) => m.kind === 'Service').map((m) => m.metadata.name)).toEqual(['shop']);
    expect(workload.runbookFacts().rollback?.[0].commands[0].command).toBe('kubectl -n shop-staging rollout undo deployment/shop');
    for (const m of manifests) expect(() => validateObject(m)).not.toThrow();
  });

  test('all-at-once: Recreate', () => {
    expect(objectOf(synth({ rollout: rolloutOf({ strategy: 'all-at-once' }) }).manifests, 'Deployment').spec.strategy).toEqual({
      type: 'Recreate',
    });
  });

  test('scaling: an HPA on the Rollout owns the replica count', () => {
    const { manifests } = synth({ capacity: { desiredCount: 4, scaling: { minCount: 4, maxCount: 10, targetCpuPercent: 65 } } });
    const hpa = objectOf(manifests, 'HorizontalPodAutoscaler');
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'shop' },
      minReplicas: 4,
      maxReplicas: 10,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 65 } } }],
    });
    expect(objectOf(manifests, 'Rollout').spec.replicas).toBeUndefined();
    expect(() => validateObject(hpa)).not.toThrow();
  });

  test('a single pod is called out in the runbook', () => {
    const note = (capacity: ProgressiveWorkloadProps['capacity']) =>
      synth({ capacity })
        .workload.runbookFacts()
        .notes?.find((n) => n.includes('single pod'));
    expect(note({ desiredCount: 1 })).toBe(
      'Rollout shop can run a single pod: evicting it (node drain, cluster upgrade) interrupts the service; the PodDisruptionBudget allows that so drains do not hang; run at least 2 pods for zero downtime',
    );
    expect(note({ desiredCount: 2, scaling: { minCount: 1, maxCount: 4, targetCpuPercent: 60 } })).toBeDefined();
    expect(note({ desiredCount: 2 })).toBeUndefined();
  });

  test('no scaling: no HPA', () => {
    expect(synth().manifests.some((m) => m.kind === 'HorizontalPodAutoscaler')).toBe(false);
  });

  test('secrets arrive by reference from Kubernetes Secrets', () => {
    const { manifests } = synth({ secretEnvironment: [{ envVar: 'DB_PASSWORD', secretName: 'shop-staging-db-password', key: 'value' }] });
    const env = objectOf(manifests, 'Rollout').spec.template.spec.containers[0].env;
    expect(env[2]).toEqual({ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'shop-staging-db-password', key: 'value' } } });
  });

  test('ingress host and class', () => {
    const ingress = objectOf(synth({ ingress: { host: 'shop.example.com', className: 'internal' } }).manifests, 'Ingress');
    expect(ingress.spec.ingressClassName).toBe('internal');
    expect(ingress.spec.rules[0].host).toBe('shop.example.com');
  });
});
