import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Testing } from 'cdk8s';
import { DeploymentChart } from '../../constructs/k8s/deployment-chart';
import { waitForJobScript, smokeScript } from '../../constructs/k8s/private/node-scripts';
import { startTestServer, type TestServer } from '../smoke/server';
import { parseAllDocuments } from 'yaml';
import { synthesizeKubernetes } from '../../constructs/k8s';
import { bashSyntaxError, containerService, objectOf, validateEmbeddedPodSpecs, validateObject, type Manifest } from './helpers';
import { scaled } from '../support/budget';

const SMOKE = { attempts: 2, backoff: '0.01s', timeout: '2s', checks: [{ name: 'health', path: '/healthz', maxLatencyMs: 800 }] };
const MIGRATIONS = [
  { name: 'add-notes', phase: 'expand', command: ['npm', 'run', 'migrate'], timeout: '5m' },
  { name: 'drop-old', phase: 'contract', command: ['npm', 'run', 'contract'], codeReleasedIn: 'ghcr.io/acme/shop:0.9.0' },
];

function synth(strategy: string) {
  const definition = containerService([{ name: 'prod', rollout: { strategy } }], {
    smokeTests: SMOKE,
    migrations: MIGRATIONS,
    secrets: [],
    kubernetes: { apiServerCidr: '10.0.0.0/24', egress: [{ cidr: '10.0.32.0/20', port: 5432 }] },
  });
  const chart = new DeploymentChart(Testing.app(), 'shop-prod', { definition, environment: 'prod' });
  return { chart, manifests: Testing.synth(chart) as Manifest[] };
}

describe('DeploymentChart with smoke tests and migrations', () => {
  const blueGreen = synth('blue-green');
  const canary = synth('canary');
  const rolling = synth('rolling');

  test('every object validates against its schema', () => {
    for (const m of [...blueGreen.manifests, ...canary.manifests]) expect(() => validateObject(m)).not.toThrow();
  });

  test('a Job AnalysisTemplate runs the checks against the preview Service; blue-green promotion waits for it', () => {
    const template = objectOf(blueGreen.manifests, 'AnalysisTemplate', 'shop-smoke-tests');
    const metric = template.spec.metrics[0];
    expect(metric).toMatchObject({ name: 'smoke-tests', failureLimit: 0 });
    const container = metric.provider.job.spec.template.spec.containers[0];
    expect(container.image).toBe('node:24-alpine');
    expect(container.env).toEqual([
      { name: 'BASE_URL', value: 'http://shop-preview.shop-prod.svc.cluster.local' },
      {
        name: 'SMOKE_TESTS',
        value: JSON.stringify({
          checks: [{ name: 'health', method: 'GET', path: '/healthz', expectedStatus: 200, maxLatencyMs: 800, headers: {} }],
          settings: { attempts: 2, backoffMs: 10, timeoutMs: 2000 },
        }),
      },
    ]);
    expect(container.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    const rollout = objectOf(blueGreen.manifests, 'Rollout');
    expect(rollout.spec.strategy.blueGreen.prePromotionAnalysis.templates).toEqual([
      { templateName: 'shop-rollback-health' },
      { templateName: 'shop-smoke-tests' },
    ]);
  });

  test('canary: an analysis step while the canary runs without production traffic, before the first weight', () => {
    const rollout = objectOf(canary.manifests, 'Rollout');
    const steps = rollout.spec.strategy.canary.steps;
    const smoke = steps.findIndex((s: Manifest) => s.analysis?.templates?.[0]?.templateName === 'shop-smoke-tests');
    const firstWeight = steps.findIndex((s: Manifest) => (s.setWeight ?? 0) > 0);
    expect(smoke).toBeGreaterThan(0);
    expect(smoke).toBeLessThan(firstWeight);
    expect(steps[smoke - 1]).toEqual({ setCanaryScale: { weight: 100 } });
    // The rollback analysis still starts at the first weight.
    expect(rollout.spec.strategy.canary.analysis.startingStep).toBe(firstWeight);
    expect(
      objectOf(canary.manifests, 'AnalysisTemplate', 'shop-smoke-tests').spec.metrics[0].provider.job.spec.template.spec.containers[0]
        .env[0].value,
    ).toBe('http://shop-canary.shop-prod.svc.cluster.local');
  });

  test("the smoke-test Job's pod template holds plain quantity strings and passes the core batch/v1 Job schema", () => {
    const job = objectOf(blueGreen.manifests, 'AnalysisTemplate', 'shop-smoke-tests').spec.metrics[0].provider.job;
    expect(job.spec.template.spec.containers[0].resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { cpu: '100m', memory: '128Mi' },
    });
    expect(() => validateEmbeddedPodSpecs(objectOf(blueGreen.manifests, 'AnalysisTemplate', 'shop-smoke-tests'))).not.toThrow();
    // What the defect wrote: a cdk8s Quantity serialized inside an untyped object.
    const broken = JSON.parse(JSON.stringify(objectOf(blueGreen.manifests, 'AnalysisTemplate', 'shop-smoke-tests')));
    broken.spec.metrics[0].provider.job.spec.template.spec.containers[0].resources.limits.cpu = { value: '100m' };
    expect(() => validateEmbeddedPodSpecs(broken)).toThrow(/not a valid core object/);
  });

  test("the smoke-test Job's pods carry the labels the runbook's kubectl logs selects", () => {
    const job = objectOf(canary.manifests, 'AnalysisTemplate', 'shop-smoke-tests').spec.metrics[0].provider.job;
    expect(job.spec.template.metadata.labels).toMatchObject({ 'app.kubernetes.io/component': 'smoke-tests' });
    const logs = canary.chart.smokeTests!.runbookFacts().smoke![0].command;
    expect(logs).toContain('-l app.kubernetes.io/component=smoke-tests');
  });

  test('the reader Role keeps the Job names of the last 6 releases, carried from the previous manifest', () => {
    const release = (image: string, previousManifest?: string) => {
      const definition = containerService([{ name: 'prod', rollout: { strategy: 'canary' } }], {
        workload: { container: { image, port: 8080, healthCheckPath: '/healthz' } },
        migrations: MIGRATIONS,
        kubernetes: { apiServerCidr: '10.0.0.0/24', egress: [{ cidr: '10.0.32.0/20', port: 5432 }] },
      });
      return synthesizeKubernetes(definition, 'prod', { previousManifest });
    };
    let previous: string | undefined;
    const jobs: string[] = [];
    for (let n = 1; n <= 8; n++) {
      const r = release(`ghcr.io/acme/shop:1.${n}.0`, previous);
      jobs.push(r.chart.migrations!.expandJobNames[0]);
      previous = r.manifest;
    }
    const role = parseAllDocuments(previous!)
      .map((d) => d.toJS() as Manifest)
      .find((o) => o.kind === 'Role')!;
    // Newest first: this release and the 5 before it (the Rollout keeps 5 old ReplicaSets).
    expect(role.rules[0].resourceNames).toEqual(jobs.slice(2).reverse());
    expect(JSON.parse(role.metadata.annotations['glidepath.dev/migration-jobs-by-release'])).toEqual(
      jobs
        .slice(2)
        .reverse()
        .map((j) => [j]),
    );
  });

  test('the migration Job name changes with anything in its spec (env, resources), since spec.template is immutable', () => {
    const name = (extra: Record<string, unknown>) => {
      const definition = containerService([{ name: 'prod', rollout: { strategy: 'rolling' } }], {
        migrations: MIGRATIONS,
        secrets: [],
        kubernetes: { apiServerCidr: '10.0.0.0/24', egress: [{ cidr: '10.0.32.0/20', port: 5432 }] },
        ...extra,
      });
      return new DeploymentChart(Testing.app(), 'shop-prod', { definition, environment: 'prod' }).migrations!.expandJobNames[0];
    };
    const base = name({});
    expect(name({})).toBe(base);
    const withEnv = name({
      workload: {
        container: { image: 'ghcr.io/acme/shop:1.0.0', port: 8080, healthCheckPath: '/healthz', environment: { LOG_LEVEL: 'debug' } },
      },
    });
    expect(withEnv).not.toBe(base);
    const longer = name({ migrations: [{ ...MIGRATIONS[0], timeout: '9m' }, MIGRATIONS[1]] });
    expect(longer).not.toBe(base);
  });

  test('the expand migration is a Job named after its image and command; contract migrations are not in the manifest', () => {
    const jobs = blueGreen.manifests.filter((m) => m.kind === 'Job');
    expect(jobs.map((j) => j.metadata.name)).toEqual([blueGreen.chart.migrations!.expandJobNames[0]]);
    expect(jobs[0].metadata.name).toMatch(/^shop-migrate-add-notes-[0-9a-f]{8}$/);
    expect(jobs[0].spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 300 });
    // A node drain evicts the pod with DisruptionTarget: replaced, not counted as the failure.
    expect(jobs[0].spec.podFailurePolicy).toEqual({
      rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }],
    });
    expect(jobs[0].spec.template.spec.containers[0]).toMatchObject({
      name: 'migrate',
      image: 'ghcr.io/acme/shop:1.0.0',
      command: ['npm', 'run', 'migrate'],
    });
  });

  test('new pods wait for the expand Job in an init container that alone gets a token, allowed to read that Job only', () => {
    const job = blueGreen.chart.migrations!.expandJobNames[0];
    for (const manifests of [blueGreen.manifests, rolling.manifests]) {
      const workload = manifests.find((m) => m.kind === 'Rollout' || m.kind === 'Deployment')!;
      const pod = workload.spec.template.spec;
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.initContainers).toHaveLength(1);
      expect(pod.initContainers[0].env).toEqual(
        expect.arrayContaining([
          { name: 'JOB', value: job },
          { name: 'NAMESPACE', value: 'shop-prod' },
        ]),
      );
      expect(pod.initContainers[0].volumeMounts).toEqual([
        { name: 'migration-reader-token', mountPath: '/var/run/glidepath', readOnly: true },
      ]);
      expect(pod.containers[0].volumeMounts.map((v: Manifest) => v.name)).not.toContain('migration-reader-token');
    }
    expect(objectOf(blueGreen.manifests, 'Role').rules).toEqual([
      { apiGroups: ['batch'], resources: ['jobs'], resourceNames: [job], verbs: ['get'] },
    ]);
    expect(objectOf(blueGreen.manifests, 'RoleBinding').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'shop', namespace: 'shop-prod' },
    ]);
  });

  test('runbook facts: the expand Job is followed, the contract Job applied by hand, every command parses', () => {
    const facts = blueGreen.chart.migrations!.runbookFacts().migrations!;
    expect(facts.map((f) => [f.name, f.phase])).toEqual([
      ['add-notes', 'expand'],
      ['drop-old', 'contract'],
    ]);
    const contract = facts[1].commands[0].command;
    expect(contract).toMatch(/^echo '\{"apiVersion":"batch\/v1","kind":"Job",.*\}' \| kubectl -n shop-prod apply -f -$/);
    expect(JSON.parse(contract.slice(6, contract.lastIndexOf("' |"))).spec.template.spec.containers[0].command).toEqual([
      'npm',
      'run',
      'contract',
    ]);
    for (const f of facts) for (const c of [...f.commands, ...f.verify]) expect(bashSyntaxError(c.command)).toBeUndefined();
  });

  test('a rolling Deployment runs the CLI in the runbook instead of an analysis', () => {
    expect(rolling.chart.smokeTests).toBeUndefined();
    const smoke = rolling.chart.runbookFacts().smoke!;
    expect(smoke[0].command).toContain('npx glidepath smoke-test --url http://127.0.0.1:18080 --config smoke-tests/shop.smoke-tests.json');
  });
});

/** Runs `node -e script` with `env`; resolves with the exit code and output. */
function runNode(script: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', script], { env: { PATH: process.env.PATH ?? '', ...env } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill(), scaled(20_000));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('the Job scripts, run with node against local servers', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(() => server.close());
  const settings = { attempts: 2, backoffMs: 10, timeoutMs: 3000 };
  const check = (path: string) => ({ name: 'c', method: 'GET', path, expectedStatus: 200, maxLatencyMs: 5000, headers: {} });

  test('the smoke Job exits 0 when the checks pass and 1 when one fails', async () => {
    const pass = await runNode(smokeScript(), {
      BASE_URL: server.url,
      SMOKE_TESTS: JSON.stringify({ checks: [check('/ok'), check('/flaky')], settings: { ...settings, attempts: 3 } }),
    });
    expect(pass).toMatchObject({ code: 0 });
    expect(pass.output).toContain('all 2 smoke tests passed');
    const fail = await runNode(smokeScript(), {
      BASE_URL: server.url,
      SMOKE_TESTS: JSON.stringify({ checks: [check('/fail')], settings }),
    });
    expect(fail).toMatchObject({ code: 1 });
    expect(fail.output).toContain('1 smoke tests FAILED');
  });

  /** A fake Kubernetes API: the Job is running for `pending` reads, then has `condition`. */
  async function fakeApi(condition: string, pending: number) {
    let reads = 0;
    const seen: string[] = [];
    const api = http.createServer((req, res) => {
      reads++;
      seen.push(`${req.headers.authorization} ${req.url}`);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ status: reads <= pending ? {} : { conditions: [{ type: condition, status: 'True' }] } }));
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    return { api, url: `http://127.0.0.1:${(api.address() as AddressInfo).port}`, reads: () => reads, seen };
  }

  test.each([
    ['Complete', 0, 'complete'],
    ['Failed', 1, 'FAILED: kubectl logs job/shop-migrate-add-notes-1'],
  ])('the migration gate waits for the Job, then exits %s', async (condition, expectedCode, message) => {
    const { api, url, reads, seen } = await fakeApi(condition, 2);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-'));
    fs.writeFileSync(path.join(dir, 'token'), 'test-token\n');
    try {
      const result = await runNode(waitForJobScript(), {
        KUBERNETES_API: url,
        NAMESPACE: 'shop-prod',
        JOB: 'shop-migrate-add-notes-1',
        TOKEN_FILE: path.join(dir, 'token'),
        POLL_MS: '10',
      });
      expect(result.code).toBe(expectedCode);
      expect(result.output).toContain(message);
      expect(reads()).toBe(3);
      expect(new Set(seen)).toEqual(new Set(['Bearer test-token /apis/batch/v1/namespaces/shop-prod/jobs/shop-migrate-add-notes-1']));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      api.closeAllConnections();
      await new Promise<void>((resolve) => api.close(() => resolve()));
    }
  });
  // Before: a 403 (a pod template older than the Role's Job names) or a 404 was logged and
  // polled forever, leaving the pod in Init with no reason.
  test.each([
    [403, 2, 'cannot read Job shop-migrate-add-notes-1 (403 Forbidden): the Role shop-migration-reader does not list it'],
    [404, 3, 'Job shop-migrate-add-notes-1 not found (404)'],
  ])('the migration gate fails at once on HTTP %s, saying why', async (status, expectedCode, message) => {
    let reads = 0;
    const api = http.createServer((_req, res) => {
      reads++;
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ kind: 'Status', code: status }));
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-'));
    fs.writeFileSync(path.join(dir, 'token'), 'test-token\n');
    try {
      const result = await runNode(waitForJobScript(), {
        KUBERNETES_API: `http://127.0.0.1:${(api.address() as AddressInfo).port}`,
        NAMESPACE: 'shop-prod',
        JOB: 'shop-migrate-add-notes-1',
        ROLE: 'shop-migration-reader',
        TOKEN_FILE: path.join(dir, 'token'),
        POLL_MS: '10',
      });
      expect(result.code).toBe(expectedCode);
      expect(result.output).toContain(message);
      expect(reads).toBe(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      api.closeAllConnections();
      await new Promise<void>((resolve) => api.close(() => resolve()));
    }
  });
});
