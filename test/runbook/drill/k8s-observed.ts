import type { KubeObject } from './k8s-cluster';
import { matchesSelector, parseSelector, seconds } from './kubectl-reference';

/** One line a container wrote, at a simulated time (seconds; negative: before the section started). */
export interface LogLine {
  readonly at: number;
  readonly text: string;
}

/** A container of a running pod and what it logged. */
export interface ObservedContainer {
  readonly name: string;
  readonly init?: boolean;
  readonly log: LogLine[];
}

/** A pod as the API server and the kubelet report it. */
export interface ObservedPod {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** `kubectl.kubernetes.io/default-container`, if the pod names one. */
  readonly defaultContainer?: string;
  readonly containers: ObservedContainer[];
  /** The STATUS column: Running, Completed, Init:CrashLoopBackOff, … */
  status: string;
  ready: string;
  restarts: number;
  /** The Job that owns the pod, if any. */
  readonly job?: string;
}

/** An Event (`events.k8s.io`, as `kubectl get events` lists them). */
export interface ObservedEvent {
  /** `<involvedObject.name>.<hex of the first timestamp in ns>`: the name the API server lists by. */
  readonly name: string;
  readonly namespace: string;
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  /** `kind/name` of the involved object. */
  readonly object: string;
  readonly message: string;
  readonly lastTimestamp: number;
}

/** An Argo Rollouts AnalysisRun: its phase, message and measurements. */
export interface ObservedAnalysisRun {
  readonly name: string;
  readonly namespace: string;
  readonly createdAt: number;
  readonly phase: 'Successful' | 'Failed' | 'Inconclusive' | 'Error' | 'Running';
  readonly message: string;
  readonly metrics: string[];
}

/** A ReplicaSet of the workload and its revision annotation. */
export interface ObservedReplicaSet {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

/** The database's refusal a failed migration Job logs last (planted evidence). */
export const MIGRATION_ERROR = 'duplicate key value violates unique constraint "order_notes_order_id_key" (batch 613)';

/** The wall clock the simulated cluster's timestamps count from (section start), for event names. */
const EPOCH_NS = 1_796_000_000n * 1_000_000_000n;

/**
 * What a running cluster shows beyond the manifest: the workload's pods (init and app containers,
 * each with its log), its ReplicaSets of several revisions, the controllers' pods in their own
 * namespaces, Events of many ages and objects, and past AnalysisRuns. Plain state: the incidents
 * plant their evidence in it (k8s-evidence.ts); kubectl reads it (k8s-observed-kubectl.ts).
 */
export class ObservedCluster {
  public readonly pods: ObservedPod[] = [];
  public readonly events: ObservedEvent[] = [];
  public readonly analysisRuns: ObservedAnalysisRun[] = [];
  public readonly replicaSets: ObservedReplicaSet[] = [];
  /** Revision → pod-template-hash of the workload. */
  public readonly hashes = new Map<number, string>([
    [1, '5d8c7b9f4'],
    [2, '6f4d9c8b7'],
    [3, '7c9f8d6b5'],
    [4, '59b8c6d7f'],
  ]);

  constructor(objects: readonly KubeObject[]) {
    const workload = objects.find((o) => o.kind === 'Rollout' || o.kind === 'Deployment');
    if (workload) this.addWorkload(workload);
    for (const job of objects.filter((o) => o.kind === 'Job')) this.addJobPod(job, -50 * 60, false);
    this.addSmokeTests(objects);
    this.addControllers(objects);
  }

  /**
   * Adds an Event, named as client-go's recorder names it (`tools/record/event.go`:
   * `fmt.Sprintf("%v.%x", ref.Name, t.UnixNano())`), so a list, which the API server returns in
   * key (name) order, groups events by involved object, not by time.
   */
  public event(e: Omit<ObservedEvent, 'name'>): void {
    const name = `${e.object.split('/')[1]}.${(EPOCH_NS + BigInt(Math.round(e.lastTimestamp * 1e9))).toString(16)}`;
    this.events.push({ ...e, name });
  }

  private addWorkload(w: KubeObject): void {
    const ns = w.metadata.namespace ?? 'default';
    const template = (w.spec?.template ?? {}) as {
      metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
      spec?: { initContainers?: { name: string }[]; containers?: { name: string }[] };
    };
    const labels = template.metadata?.labels ?? {};
    const rollout = w.kind === 'Rollout';
    const hashLabel = rollout ? 'rollouts-pod-template-hash' : 'pod-template-hash';
    const revisionKey = rollout ? 'rollout.argoproj.io/revision' : 'deployment.kubernetes.io/revision';
    for (const [revision, hash] of [...this.hashes].filter(([r]) => r <= 3))
      this.replicaSets.push({
        name: `${w.metadata.name}-${hash}`,
        namespace: ns,
        labels: { ...labels, [hashLabel]: hash },
        annotations: { [revisionKey]: String(revision) },
      });
    const replicas = Number(w.spec?.replicas ?? 1);
    const suffixes = ['x2k4p', 'q8m3z', 'h5n7c', 'w9t2d', 'b3v6k', 'm4r8s'];
    for (let i = 0; i < replicas; i++) {
      const name = `${w.metadata.name}-${this.hashes.get(3)}-${suffixes[i % suffixes.length]}`;
      const startedAt = -3 * 3600;
      this.pods.push({
        name,
        namespace: ns,
        labels: { ...labels, [hashLabel]: this.hashes.get(3)! },
        defaultContainer: template.metadata?.annotations?.['kubectl.kubernetes.io/default-container'],
        containers: [
          ...(template.spec?.initContainers ?? []).map((c) => ({
            name: c.name,
            init: true,
            log: [{ at: startedAt, text: `migration ${w.metadata.name} ready: every expand Job complete` }],
          })),
          ...(template.spec?.containers ?? []).map((c, j) => ({ name: c.name, log: j === 0 ? accessLog(startedAt + 60) : [] })),
        ],
        status: 'Running',
        ready: `${(template.spec?.containers ?? []).length}/${(template.spec?.containers ?? []).length}`,
        restarts: 0,
      });
      this.event({
        namespace: ns,
        type: 'Normal',
        reason: 'Started',
        object: `pod/${name}`,
        message: 'Started container',
        lastTimestamp: -55 * 60 + i,
      });
    }
    this.event({
      namespace: ns,
      type: 'Normal',
      reason: rollout ? 'RolloutCompleted' : 'ScalingReplicaSet',
      object: `${rollout ? 'rollout' : 'deployment'}/${w.metadata.name}`,
      message: rollout ? 'Rollout completed update to revision 3' : `Scaled up replica set ${w.metadata.name}-${this.hashes.get(3)}`,
      lastTimestamp: -40 * 60,
    });
    if (rollout) {
      for (const [revision, ago] of [
        [2, 2 * 86400],
        [3, 3 * 3600],
      ])
        this.analysisRuns.push({
          name: `${w.metadata.name}-${this.hashes.get(revision)}-${revision}`,
          namespace: ns,
          createdAt: -ago,
          phase: 'Successful',
          message: '',
          metrics: ['error-rate: Successful (Count 24, Successful 24)'],
        });
    }
  }

  /** The pod of a Job: its container's output, long (one line per batch) and ending in its result. */
  public addJobPod(job: KubeObject, at: number, failed: boolean): ObservedPod {
    const ns = job.metadata.namespace ?? 'default';
    const existing = this.pods.findIndex((p) => p.job === job.metadata.name);
    if (existing >= 0) this.pods.splice(existing, 1);
    const spec = job.spec as { template?: { metadata?: { labels?: Record<string, string> }; spec?: { containers?: { name: string }[] } } };
    // One line per batch; a failed run stops part-way with the database's error as its last line.
    const done = failed ? 612 : 1000;
    const batches = [
      ...Array.from({ length: done }, (_, i) => ({ at: at + i * 0.01, text: `batch ${i + 1}/1000 applied` })),
      failed
        ? { at: at + 30, text: `ERROR: ${MIGRATION_ERROR}` }
        : { at: at + 50, text: `migration ${job.metadata.labels?.['glidepath.dev/migration'] ?? job.metadata.name} complete` },
    ];
    const pod: ObservedPod = {
      name: `${job.metadata.name}-k7f2q`,
      namespace: ns,
      labels: { ...(spec.template?.metadata?.labels ?? {}), 'job-name': job.metadata.name },
      containers: (spec.template?.spec?.containers ?? [{ name: 'main' }]).map((c) => ({ name: c.name, log: [...batches] })),
      status: failed ? 'Error' : 'Completed',
      ready: '0/1',
      restarts: 0,
      job: job.metadata.name,
    };
    this.pods.push(pod);
    this.event({
      namespace: ns,
      type: failed ? 'Warning' : 'Normal',
      reason: failed ? 'BackoffLimitExceeded' : 'Completed',
      object: `job/${job.metadata.name}`,
      message: failed ? 'Job has reached the specified backoff limit' : 'Job completed',
      lastTimestamp: at + 60,
    });
    return pod;
  }

  /** The last run of the smoke-test Job Argo Rollouts started from the AnalysisTemplate. */
  private addSmokeTests(objects: readonly KubeObject[]): void {
    const template = objects.find((o) => o.kind === 'AnalysisTemplate' && /smoke/.test(o.metadata.name));
    if (!template) return;
    const ns = template.metadata.namespace ?? 'default';
    const checks = ['health', 'cart-page', 'order-validation'];
    this.pods.push({
      name: `${this.hashes.get(3)}-smoke-tests-1-z4x8m`,
      namespace: ns,
      labels: { 'app.kubernetes.io/component': 'smoke-tests' },
      containers: [
        {
          name: 'smoke-tests',
          log: [
            // npm's preamble and the runner's startup, before the result lines the runbook asks for.
            ...Array.from({ length: 14 }, (_, i) => ({ at: -3 * 3600 + i * 0.01, text: `npm info run smoke-tests ${i + 1}` })),
            ...checks.map((c, i) => ({ at: -3 * 3600 + 1 + i, text: `{"check":"${c}","passed":true}` })),
            { at: -3 * 3600 + 5, text: `all ${checks.length} smoke tests passed` },
          ],
        },
      ],
      status: 'Completed',
      ready: '0/1',
      restarts: 0,
    });
  }

  /**
   * The controllers' pods, as their installations label them: Argo Rollouts (`app.kubernetes.io/name:
   * argo-rollouts`), and kube-prometheus-stack's Prometheus and Alertmanager StatefulSet pods
   * (`app.kubernetes.io/name: prometheus|alertmanager`, named `<kind>-<name>-0` by the operator:
   * prometheus-operator `pkg/prometheus/statefulset.go`, `pkg/alertmanager/statefulset.go`).
   */
  private addControllers(objects: readonly KubeObject[]): void {
    const running = (name: string, namespace: string, labels: Record<string, string>, containers: string[]) =>
      this.pods.push({
        name,
        namespace,
        labels,
        containers: containers.map((c) => ({ name: c, log: [] })),
        status: 'Running',
        ready: `${containers.length}/${containers.length}`,
        restarts: 0,
      });
    for (const d of objects.filter((o) => o.kind === 'Deployment' && ['argo-rollouts', 'reloader'].includes(o.metadata.namespace ?? ''))) {
      const template = (d.spec as { template?: { metadata?: { labels?: Record<string, string> } } }).template;
      running(`${d.metadata.name}-6b9f7c5d8-t4kz2`, d.metadata.namespace!, template?.metadata?.labels ?? {}, [d.metadata.name]);
    }
    running('prometheus-kube-prometheus-stack-prometheus-0', 'monitoring', { 'app.kubernetes.io/name': 'prometheus' }, [
      'prometheus',
      'config-reloader',
    ]);
    running('alertmanager-kube-prometheus-stack-alertmanager-0', 'monitoring', { 'app.kubernetes.io/name': 'alertmanager' }, [
      'alertmanager',
      'config-reloader',
    ]);
    // Another team's namespace: its events and pods must not reach this environment's diagnostics.
    running('search-7f6d5c4b3-p2l9j', 'search', { 'app.kubernetes.io/name': 'search' }, ['search']);
    this.event({
      namespace: 'search',
      type: 'Warning',
      reason: 'BackOff',
      object: 'pod/search-7f6d5c4b3-p2l9j',
      message: 'Back-off restarting failed container search',
      lastTimestamp: -30,
    });
  }

  /** Pods in a namespace (all namespaces: undefined) that a selector (already valid) selects. */
  public select(namespace: string | undefined, selector: string | undefined): ObservedPod[] {
    const reqs = selector ? parseSelector(selector) : [];
    if ('error' in reqs) return [];
    return this.pods.filter((p) => (!namespace || p.namespace === namespace) && matchesSelector(reqs, p.labels));
  }
}

/** A running app container's access log: one line every 10 s over the hour before `from`… now. */
function accessLog(from: number): LogLine[] {
  const out: LogLine[] = [];
  for (let t = Math.max(from, -3600); t < 0; t += 10) out.push({ at: t, text: `{"level":"info","msg":"GET /cart 200","ms":42}` });
  return out;
}

/** `5m`, `2h`, `30s`: an age as kubectl prints it (`duration.HumanDuration`, simplified). */
export function age(s: number): string {
  const v = Math.max(0, Math.round(s));
  if (v < 120) return `${v}s`;
  if (v < 3 * 3600) return `${Math.floor(v / 60)}m`;
  if (v < 48 * 3600) return `${Math.floor(v / 3600)}h`;
  return `${Math.floor(v / 86400)}d`;
}

/** Seconds in `--since` (a Go duration). */
export function sinceSeconds(text: string | undefined): number | undefined {
  return text === undefined ? undefined : seconds(text);
}
