import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { synthesizeKubernetes } from '../../constructs/k8s';
import { SmokeTestAnalysis } from '../../constructs/k8s/smoke-test-analysis';
import { loadDefinitionFile, type ServiceDefinition } from '../../lib/model';
import { ArgoRolloutsController, CONTROLLER, HASH_LABEL, PLUGIN } from './support/argo-controller';
import { EVICTED, EXITED_1, jobAfterFailures } from './support/job-controller';
import { canConnect, type Endpoint } from './support/network-policy';
import { rbacAllows } from './support/rbac';
import { ApiServer, type Conflict } from './support/server-side-apply';

/*
 * Releases over time, for every environment of the Kubernetes examples, through the stateful
 * models in support/ (server-side apply field ownership, the Argo Rollouts controller and plugin,
 * RBAC, the Job controller, NetworkPolicy): two releases in a row, an undo after an abort, a node
 * drain mid-release, a secret rotation, and who can reach whom. Each release is what
 * `glidepath synth` writes, with the previous manifest as it would find it in the output directory.
 */

const EXAMPLES = ['storefront-web', 'checkout'];

/** The example with its image tag suffixed (`-r2`), as a new release of the same definition. */
function release(example: string, n: number): ServiceDefinition {
  const dir = path.join(__dirname, '..', '..', 'examples', example);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `glidepath-${example}-`));
  fs.cpSync(dir, tmp, { recursive: true });
  const file = path.join(tmp, 'definition.yaml');
  const text = fs.readFileSync(file, 'utf8');
  const image = /^\s+image: (\S+)$/m.exec(text)![1];
  fs.writeFileSync(file, text.split(image).join(n === 1 ? image : `${image}-r${n}`));
  return loadDefinitionFile(file);
}

interface Released {
  readonly manifest: string;
  readonly objects: Record<string, any>[];
}
function synth(definition: ServiceDefinition, environment: string, previous?: Released): Released {
  const { manifest } = synthesizeKubernetes(definition, environment, { previousManifest: previous?.manifest });
  return {
    manifest,
    objects: parseAllDocuments(manifest)
      .map((d) => d.toJS() as Record<string, any>)
      .filter(Boolean),
  };
}
const applyAll = (api: ApiServer, r: Released, force = false): Conflict[] => r.objects.flatMap((o) => api.apply('kubectl', o, { force }));

const cases = EXAMPLES.flatMap((example) =>
  release(example, 1).environments.map((env) => [`${release(example, 1).service}-${env.name}`, example, env.name] as const),
);

describe.each(cases)('%s over time', (_name, example, environment) => {
  const [v1, v2, v3] = [1, 2, 3].map((n) => release(example, n));
  const service = v1.service;
  const namespace = `${service}-${environment}`;
  const env = v1.environments.find((e) => e.name === environment)!;
  const r1 = synth(v1, environment);
  const r2 = synth(v2, environment, r1);
  const kind = r1.objects.some((o) => o.kind === 'Rollout') ? 'Rollout' : 'Deployment';

  test('two releases applied in a row with kubectl apply --server-side: no conflict, the new image runs', () => {
    const api = new ApiServer();
    expect(applyAll(api, r1)).toEqual([]);
    const argo = kind === 'Rollout' ? new ArgoRolloutsController(api, namespace, service) : undefined;
    argo?.reconcile({ promote: true });
    expect(applyAll(api, r2)).toEqual([]);
    argo?.reconcile({ promote: true });
    const workload = api.get(kind, namespace, service)!;
    expect(workload.spec.template.spec.containers[0].image).toMatch(/-r2$/);
    // The controller kept the Services it routes: their selector is still its pod-template hash.
    for (const s of api.list('Service').filter((svc) => svc.metadata.annotations?.['argo-rollouts.argoproj.io/managed-by-rollouts'])) {
      expect(s.spec.selector[HASH_LABEL]).toBeDefined();
      expect(api.ownedBy('Service', namespace, s.metadata.name, CONTROLLER)).toContain('["spec","selector"]');
    }
    // Applying the same release again changes nothing and conflicts with nothing.
    expect(applyAll(api, r2)).toEqual([]);
  });

  test('the model has teeth: the previous emission (1024Mi, Service selectors) conflicts on the second apply (argoproj/argo-rollouts#3281)', () => {
    if (kind !== 'Rollout') return;
    const old = (r: Released): Released => ({
      manifest: r.manifest,
      objects: r.objects.map((o) => {
        const c = structuredClone(o);
        if (c.kind === 'Service') c.spec.selector = c.metadata.labels;
        if (c.kind === 'Rollout') c.spec.template.spec.containers[0].resources.limits.memory = `${v1.workload.container!.memoryMiB}Mi`;
        return c;
      }),
    });
    const api = new ApiServer();
    expect(applyAll(api, old(r1))).toEqual([]);
    new ArgoRolloutsController(api, namespace, service).reconcile({ promote: true });
    const conflicts = applyAll(api, old(r2)).map((c) => `${c.manager} ${c.field}`);
    expect(conflicts).toContain(`${CONTROLLER} .spec.selector`);
    if (v1.workload.container!.memoryMiB % 1024 === 0) {
      expect(conflicts).toContain(`${CONTROLLER} .spec.template.spec.containers[name=${service}].resources.limits.memory`);
    }
  });

  const readable = (api: ApiServer, job: string) =>
    rbacAllows([...api.list('Role'), ...api.list('RoleBinding')], {
      namespace,
      serviceAccount: service,
      verb: 'get',
      apiGroup: 'batch',
      resource: 'jobs',
      name: job,
    }) && api.get('Job', namespace, job) !== undefined;
  const gateJobs = (template: Record<string, any>): string[] =>
    (template.spec.initContainers ?? []).map((c: Record<string, any>) => c.env.find((e: Record<string, string>) => e.name === 'JOB').value);

  test('undo after an abort: the old pods read their migration Job, undo skips the steps, the next release applies', () => {
    if (kind !== 'Rollout') return;
    const api = new ApiServer();
    const argo = new ArgoRolloutsController(api, namespace, service);
    applyAll(api, r1);
    argo.reconcile({ promote: true });
    applyAll(api, r2);
    argo.reconcile({ promote: false }); // aborted: the stable Service stays on release 1
    argo.undo();
    argo.reconcile({ promote: false });
    // Inside spec.rollbackWindow: a rollback, no steps and no analysis (the runbook's level 2).
    expect(argo.lastWasRollback).toBe(true);
    const template = api.get('Rollout', namespace, service)!.spec.template;
    expect(template.spec.containers[0].image).not.toMatch(/-r2$/);
    for (const job of gateJobs(template)) expect([job, readable(api, job)]).toEqual([job, true]);
    // Before: the Role of release 2 listed only release 2's Jobs, so the undone pods got 403.
    if (v1.migrations.length > 0) {
      const forgetful = new ApiServer();
      applyAll(forgetful, r1);
      applyAll(forgetful, synth(v2, environment));
      expect(gateJobs(template).map((job) => readable(forgetful, job))).toContain(false);
    }
    // The plugin now owns the pod template it patched: the next release conflicts with it, and
    // --force-conflicts takes back only the fields the manifest sets (no controller-owned ones).
    const r3 = synth(v3, environment, r2);
    const conflicts = applyAll(api, r3);
    expect(conflicts.length).toBeGreaterThan(0);
    expect(new Set(conflicts.map((c) => c.manager))).toEqual(new Set([PLUGIN]));
    expect(conflicts.every((c) => c.field.startsWith('.spec.template'))).toBe(true);
    // ...and the runbook's undo levels say exactly that.
    const { facts } = synthesizeKubernetes(v1, environment);
    for (const level of facts.flatMap((f) => f.rollback ?? []).filter((l) => l.level >= 2)) {
      expect(level.afterwards).toContain('kubectl-argo-rollouts');
      expect(level.afterwards).toContain('--force-conflicts');
    }
    applyAll(api, r3, true);
    argo.reconcile({ promote: true });
    expect(applyAll(api, r3)).toEqual([]);
    expect(api.get('Service', namespace, service)!.spec.selector[HASH_LABEL]).toBe(argo.stableHash);
  });

  test('a node drain mid-release: stable pods recreated from the old template read their Job; an evicted migration pod is replaced', () => {
    const api = new ApiServer();
    applyAll(api, r1);
    const argo = kind === 'Rollout' ? new ArgoRolloutsController(api, namespace, service) : undefined;
    argo?.reconcile({ promote: true });
    applyAll(api, r2);
    argo?.reconcile({ promote: false });
    const stable = argo
      ? argo.history.find((rs) => rs.hash === argo.stableHash)!.template
      : r1.objects.find((o) => o.kind === kind)!.spec.template;
    for (const job of gateJobs(stable)) expect([job, readable(api, job)]).toEqual([job, true]);
    for (const job of r2.objects.filter((o) => o.kind === 'Job')) {
      expect(jobAfterFailures(job.spec, [EVICTED, EVICTED])).toBe('replaced');
      // A migration that fails is not retried blindly: the runbook says to delete the Job before retrying.
      expect(jobAfterFailures(job.spec, [EXITED_1])).toBe('Failed');
      const fact = synthesizeKubernetes(v1, environment)
        .facts.flatMap((f) => f.migrations ?? [])
        .find((m) => m.phase === 'expand')!;
      // The delete is guarded: only a Job whose conditions include Failed is removed.
      const jobName = r1.objects.find((o) => o.kind === 'Job')!.metadata.name;
      expect(fact.commands.map((c) => c.command).join('\n')).toContain(`*Failed*) kubectl -n ${namespace} delete job ${jobName} ;;`);
      // Before: no pod failure policy, backoffLimit 0: one drain failed the migration.
      expect(jobAfterFailures({ ...job.spec, podFailurePolicy: undefined }, [EVICTED])).toBe('Failed');
    }
  });

  test('a secret rotation replaces the pods (Reloader), and the next release still applies', () => {
    const workload = r1.objects.find((o) => o.kind === kind)!;
    const secretRefs = workload.spec.template.spec.containers[0].env.filter((e: Record<string, any>) => e.valueFrom?.secretKeyRef);
    const annotated = (workload.metadata.annotations?.['secret.reloader.stakater.com/reload'] ?? '').split(',').filter(Boolean);
    expect(annotated.sort()).toEqual(
      [...new Set(secretRefs.map((e: Record<string, any>) => e.valueFrom.secretKeyRef.name as string))].sort(),
    );
    if (annotated.length === 0) return;
    const api = new ApiServer();
    applyAll(api, r1);
    const argo = kind === 'Rollout' ? new ArgoRolloutsController(api, namespace, service) : undefined;
    argo?.reconcile({ promote: true });
    // Reloader (env-vars strategy) writes a hash of the Secret into the pod template: a new revision.
    api.update('Reloader', kind, namespace, service, (w) => {
      w.spec.template.spec.containers[0].env.push({
        name: `STAKATER_${annotated[0].replace(/-/g, '_').toUpperCase()}_SECRET`,
        value: 'rotated',
      });
    });
    const before = argo?.history.length ?? 0;
    argo?.reconcile({ promote: true });
    if (argo) expect(argo.history.length).toBe(before + 1);
    expect(applyAll(api, r2)).toEqual([]);
  });

  test('who reaches whom: the NetworkPolicies admit exactly the declared paths', () => {
    const kube = env.kubernetes;
    const policies = r1.objects.filter((o) => o.kind === 'NetworkPolicy');
    const nsLabels = (n: string) => ({ 'kubernetes.io/metadata.name': n });
    const cluster = {
      namespaces: Object.fromEntries(
        [
          namespace,
          'ingress-nginx',
          'monitoring',
          'kube-system',
          'strangers',
          ...kube.callers,
          ...kube.egress.flatMap((e) => (e.namespace ? [e.namespace] : [])),
        ].map((n) => [n, nsLabels(n)]),
      ),
      policies,
    };
    const workload = r1.objects.find((o) => o.kind === kind)!;
    const app: Endpoint = { name: 'app', namespace, labels: workload.spec.template.metadata.labels, ip: '10.244.1.10' };
    const pod = (name: string, ns: string, labels: Record<string, string> = {}, ip = '10.244.9.9'): Endpoint => ({
      name,
      namespace: ns,
      labels,
      ip,
    });
    const outside = (name: string, ip: string): Endpoint => ({ name, ip });
    const port = v1.workload.container!.port;
    const ingressSource =
      kube.ingress.sourceCidr !== undefined
        ? outside('alb', kube.ingress.sourceCidr.replace(/\.0\/\d+$/, '.7'))
        : pod('ingress-nginx', kube.ingress.controllerNamespace);
    const expectations: [string, boolean][] = [
      ['load balancer → app serving port', canConnect(cluster, ingressSource, app, port)],
      ['Prometheus → app metrics port', canConnect(cluster, pod('prometheus', 'monitoring'), app, kube.metrics.port)],
      ['Prometheus → app serving port', !canConnect(cluster, pod('prometheus', 'monitoring'), app, port)],
      ['stranger pod → app', !canConnect(cluster, pod('intruder', 'strangers'), app, port)],
      ['app → stranger pod', !canConnect(cluster, app, pod('intruder', 'strangers'), 8080)],
      ['app → kube-dns (UDP 53)', canConnect(cluster, app, pod('coredns', 'kube-system', { 'k8s-app': 'kube-dns' }), 53, 'UDP')],
      ['app → NodeLocal DNSCache (UDP 53)', canConnect(cluster, app, outside('node-local-dns', '169.254.20.10'), 53, 'UDP')],
      [
        'app → internet 443 only when declared',
        canConnect(cluster, app, outside('internet', '93.184.216.34'), 443) ===
          kube.egress.some((e) => e.cidr === '0.0.0.0/0' && e.port === 443),
      ],
      ...kube.callers.map((n): [string, boolean] => [`caller ${n} → app`, canConnect(cluster, pod('caller', n), app, port)]),
      ...kube.egress.map((e): [string, boolean] => [
        `app → ${e.cidr ?? e.namespace}:${e.port}`,
        canConnect(
          cluster,
          app,
          e.cidr ? outside('dep', e.cidr.replace(/\.0\/\d+$/, '.5').replace(/^0\.0\.0\.5$/, '93.184.216.34')) : pod('dep', e.namespace!),
          e.port,
        ),
      ]),
    ];
    if (v1.migrations.length > 0) {
      const migration = r1.objects.find((o) => o.kind === 'Job')!;
      const migrator: Endpoint = { name: 'migration', namespace, labels: migration.spec.template.metadata.labels, ip: '10.244.1.20' };
      const apiServer = outside('apiserver', kube.apiServerCidr!.replace(/\.0\/\d+$/, '.10'));
      expectations.push(
        [
          'migration → database',
          canConnect(cluster, migrator, outside('db', kube.egress[0].cidr!.replace(/\.0\/\d+$/, '.5')), kube.egress[0].port),
        ],
        ['app (migration gate) → API server 443', canConnect(cluster, app, apiServer, 443)],
        ['app → another address on 443 is not the API server', !canConnect(cluster, app, outside('elsewhere', '203.0.113.10'), 443)],
      );
    }
    if (r1.objects.some((o) => o.kind === 'AnalysisTemplate' && o.metadata.name.endsWith('-smoke-tests'))) {
      expectations.push([
        'smoke tests → app',
        canConnect(cluster, pod('smoke', namespace, SmokeTestAnalysis.POD_LABELS(service)), app, port),
      ]);
    }
    expect(expectations.filter(([, ok]) => !ok).map(([what]) => what)).toEqual([]);
  });
});
