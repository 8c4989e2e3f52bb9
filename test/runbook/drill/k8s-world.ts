import { parseAllDocuments } from 'yaml';
import { AlertmanagerWorld } from './alertmanager-world';
import type { StubResult } from './aws-world';
import { clusterAddOns, listObjects, type KubeObject } from './k8s-cluster';
import { DeploymentModel } from './k8s-deployment';
import { parseKubectl, seconds, singular } from './kubectl-reference';
import { ObservedCluster } from './k8s-observed';
import { observedKubectl } from './k8s-observed-kubectl';
import { appliedLine, kubectlDiff } from './k8s-apply';
import { ArgoRollout } from './k8s-argo';
import { prometheusRaw } from './k8s-prometheus';

type Obj = KubeObject;

/**
 * A simulated cluster holding the synthesized manifests of one environment: kubectl calls are
 * checked against the command reference above, must name an existing namespace and objects in it,
 * and Argo waits are checked against how long the rollout really runs (an `undo` after a completed
 * canary replays every step unless `spec.rollbackWindow` covers it).
 */
export class KubernetesWorld {
  public readonly problems: string[] = [];
  private readonly objects: Obj[];
  /** Simulated seconds (advanced by `sleep`, and by commands that block). */
  public clock = 0;
  /** The migration Jobs the incident failed (`migrationFailed`). */
  public failedJobs: string[] = [];
  /** What the current command read on stdin (`-f -`). */
  public stdin?: string;
  private readonly jobs = new Map<string, { startedAt: number; failed: boolean }>();
  /** Jobs whose container exits non-zero (a migration failed halfway). */
  public readonly failingJobs = new Set<string>();
  /** The Rollout as the controller reports it, and what the runbook's Argo commands do to it (k8s-argo.ts). */
  public readonly rollout = new ArgoRollout();

  /** The manifest's objects of these kinds (for incidents to set their state). */
  public objectsOf(kinds: readonly string[]): Obj[] {
    return this.objects.filter((o) => kinds.includes(o.kind) && !['argo-rollouts', 'reloader'].includes(o.metadata.namespace ?? ''));
  }

  /** The incident: revision 4 paused at a canary step; its analysis was Inconclusive (no canary traffic reached it). */
  public canaryPaused(opts: { routed: boolean }): void {
    Object.assign(this.rollout, {
      phase: 'Paused',
      message: 'CanaryPauseStep',
      canary: 4,
      weight: 5,
      canaryRps: opts.routed ? 1 : 0,
      stableRps: opts.routed ? 19 : 20,
    });
  }

  /** Alerts firing now, as Prometheus evaluates them: the rule's name, namespace and labels. */
  public readonly firing: { alert: string; labels: Record<string, string> }[] = [];

  /**
   * The page: the alert whose runbook section is `anchor` (its `runbook_url` ends in `#anchor`)
   * fires. Returns whether the manifest has such an alert.
   */
  public alertFires(anchor: string): boolean {
    for (const o of this.objects.filter((x) => x.kind === 'PrometheusRule')) {
      const groups = (o.spec?.groups ?? []) as {
        rules: { alert?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[];
      }[];
      const rule = groups.flatMap((g) => g.rules).find((r) => r.alert && r.annotations?.runbook_url?.endsWith(`#${anchor}`));
      if (rule) {
        this.firing.push({ alert: rule.alert!, labels: { ...rule.labels } });
        return true;
      }
    }
    return false;
  }

  /** Local ports a port-forward of the section listens on, and the Service each reaches. */
  private readonly forwards = new Map<number, { namespace: string; service: string }>();
  private readonly alertmanagers = new Map<string, AlertmanagerWorld>();

  /** The manifest of one environment, in a cluster that runs what the chart requires (k8s-cluster.ts). */
  constructor(manifest: string, addOns: Obj[] = clusterAddOns()) {
    this.objects = [
      ...parseAllDocuments(manifest)
        .map((d) => d.toJSON() as Obj)
        .filter((o) => o && o.kind),
      ...addOns,
    ];
    this.expandJobs = this.objects
      .filter((o) => o.kind === 'Job' && o.metadata.labels?.['glidepath.dev/migration'])
      .map((o) => o.metadata.name);
    this.observed = new ObservedCluster(this.objects);
    const deployment = this.objects.find((o) => o.kind === 'Deployment');
    this.deployment = deployment && new DeploymentModel(deployment, () => this.jobsDoneAt());
  }

  /** What the running cluster shows beyond the manifest: pods and their logs, events, ReplicaSets, AnalysisRuns. */
  public readonly observed: ObservedCluster;
  /** The expand migration Jobs of the manifest. */
  private readonly expandJobs: string[];
  /** The plain Deployment of the manifest, if the workload is one. */
  public readonly deployment?: DeploymentModel;

  /** When every expand migration Job is Complete: a Job deleted and not applied again, or Failed, never is. */
  private jobsDoneAt(): number {
    return Math.max(
      -Infinity,
      ...this.expandJobs.map((name) => {
        if (!this.objects.some((o) => o.kind === 'Job' && o.metadata.name === name)) return Infinity;
        const job = this.jobs.get(name);
        return !job ? -Infinity : job.failed ? Infinity : job.startedAt + 60;
      }),
    );
  }

  /**
   * The incident: every expand migration Job of the manifest ran 10 minutes ago and Failed
   * (`backoffLimit: 0`), so the release's pods never left their init container and Argo aborted the
   * Rollout at its progress deadline (`progressDeadlineAbort`): Degraded, all traffic on stable.
   */
  public migrationFailed(opts: { recreate?: boolean } = {}): string[] {
    const failed = this.objects
      .filter((o) => o.kind === 'Job' && o.metadata.labels?.['glidepath.dev/migration'])
      .map((o) => o.metadata.name);
    failed.forEach((name) => this.jobs.set(name, { startedAt: -600, failed: true }));
    for (const job of this.objects.filter((o) => o.kind === 'Job' && failed.includes(o.metadata.name)))
      this.observed.addJobPod(job, -600, true);
    this.failedJobs = failed;
    if (this.objects.some((o) => o.kind === 'Rollout'))
      Object.assign(this.rollout, { phase: 'Degraded', message: 'ProgressDeadlineExceeded', canary: 4, weight: 0 });
    this.deployment?.stuck(opts.recreate ? { type: 'Recreate' } : undefined);
    return failed;
  }

  /**
   * A Job's condition types, as `.status.conditions[*].type` prints them: a manifest Job not run
   * here completed at its apply; a failed one has FailureTarget then Failed (Kubernetes 1.31,
   * https://kubernetes.io/docs/concepts/workloads/controllers/job/#termination-of-job-pods).
   */
  public jobConditions(name: string | undefined): string {
    if (!this.objects.some((o) => o.kind === 'Job' && o.metadata.name === name)) return 'NotFound';
    const job = this.jobs.get(name ?? '');
    if (!job) return 'Complete';
    if (job.failed) return 'FailureTarget Failed';
    return this.clock >= job.startedAt + 60 ? 'Complete' : '';
  }

  /** The Alertmanager behind the `alertmanager-operated` Service of a namespace (the operator's governing Service). */
  public alertmanager(namespace: string): AlertmanagerWorld | undefined {
    const am = this.objects.find((o) => o.kind === 'Alertmanager' && o.metadata.namespace === namespace);
    if (!am) return undefined;
    if (!this.alertmanagers.has(namespace)) this.alertmanagers.set(namespace, new AlertmanagerWorld(am, this.objects));
    return this.alertmanagers.get(namespace);
  }

  /** An HTTP request to 127.0.0.1:`port`: the Service a port-forward reaches, or nothing (connection refused). */
  public http(port: number, method: string, urlPath: string, body: string): { status: number; body: string } | undefined {
    const forward = this.forwards.get(port);
    if (!forward) return undefined;
    const am = forward.service === 'alertmanager-operated' ? this.alertmanager(forward.namespace) : undefined;
    if (!am) return { status: 404, body: `the drill does not simulate the HTTP API of ${forward.namespace}/${forward.service}` };
    return am.http(method, urlPath, body);
  }

  /** Whether a namespace holds an object of this environment (or of the cluster's add-ons). */
  public hasNamespace(namespace: string): boolean {
    return this.objects.some((o) => o.metadata.namespace === namespace);
  }

  private find(kind: string, name: string, namespace: string | undefined): Obj | undefined {
    return this.objects.find(
      (o) =>
        o.kind.toLowerCase() === kind.toLowerCase() &&
        o.metadata.name === name &&
        (!namespace || o.metadata.namespace === namespace || o.kind === 'Namespace'),
    );
  }

  public kubectl(argv: readonly string[]): StubResult & { waited?: number } {
    const parsed = parseKubectl(argv);
    if ('error' in parsed) return this.fail(parsed.error);
    const { verb, flags, words } = parsed;
    const namespace = (flags.get('-n') ?? flags.get('--namespace')) as string | undefined;
    if (namespace && !this.objects.some((o) => o.metadata.namespace === namespace))
      return this.fail(`kubectl ${verb}: namespace ${namespace} holds no object of this environment`);
    const rest = words.slice(verb.split(' ').length);
    const named = (kind: string, name: string) =>
      this.find(kind, name, namespace) ? undefined : `no ${kind} ${name} in namespace ${namespace}`;
    let missing: string | undefined;
    let stdout = '';
    switch (verb) {
      case 'argo rollouts get':
      case 'argo rollouts status':
      case 'argo rollouts promote':
      case 'argo rollouts abort':
      case 'argo rollouts undo':
      case 'argo rollouts retry': {
        missing = named('Rollout', verb === 'argo rollouts get' || verb === 'argo rollouts retry' ? rest[1] : rest[0]);
        if (missing) break;
        const answer = this.rollout.kubectl(
          verb,
          rest,
          flags,
          argv,
          this.find('Rollout', rest[verb === 'argo rollouts get' || verb === 'argo rollouts retry' ? 1 : 0], namespace),
        );
        return 'problem' in answer ? this.fail(answer.problem) : answer;
      }
      case 'get':
      case 'describe': {
        const raw = flags.get('--raw');
        if (typeof raw === 'string') {
          const answer = prometheusRaw(raw, { objects: this.objects, firing: this.firing, rollout: this.rollout, clock: this.clock });
          return answer.status === 0 ? answer : this.fail(answer.stdout);
        }
        const observed = observedKubectl(this.observed, verb, rest, flags, namespace, this.clock);
        if (observed) return observed.status === 0 ? observed : this.fail(observed.stdout);
        const [kind, ...names] = rest;
        if (kind === 'crd') {
          const groups = new Set(this.objects.map((o) => o.apiVersion.split('/')[0]));
          missing =
            names.find((n) => !groups.has(n.slice(n.indexOf('.') + 1))) &&
            `CRD ${names.find((n) => !groups.has(n.slice(n.indexOf('.') + 1)))} is not used by this environment`;
        } else if (kind === 'ingressclass' || kind === 'ingressclasses') {
          // Cluster-scoped and provided by the cluster: the classes the environment's Ingresses name.
          const classes = this.objects.filter((o) => o.kind === 'Ingress').map((o) => String(o.spec?.ingressClassName));
          missing = names.find((n) => !classes.includes(n)) && `no IngressClass ${names.find((n) => !classes.includes(n))} in the cluster`;
        } else if (names.length > 0 && !kind.includes('/') && !kind.startsWith('$')) {
          missing = names.map((n) => named(singular(kind), n)).find((m) => m);
        }
        const output = String(flags.get('-o') ?? '');
        const listed =
          names.length === 0
            ? listObjects(
                this.objects,
                kind,
                flags.has('-A') || flags.has('--all-namespaces') ? undefined : (namespace ?? 'default'),
                flags,
                (j) => this.jobConditions(j),
              )
            : undefined;
        if (listed) {
          stdout =
            listed.length === 0 ? '' : output === 'name' ? listed.map((r) => r.name).join('\n') : listed.map((r) => r.row).join('\n');
          break;
        }
        const obj = names[0] ? this.find(singular(kind), names[0], namespace) : undefined;
        if (obj && output === 'json') {
          stdout = JSON.stringify(
            obj.kind === 'Deployment' && this.deployment?.name === obj.metadata.name
              ? { ...obj, status: this.deployment.status(this.clock) }
              : obj,
          );
          break;
        }
        stdout =
          output === 'name'
            ? `${kind.replace(/s$/, '')}.argoproj.io/${namespace}-run-1`
            : output.includes('.data')
              ? JSON.stringify(obj?.data ?? {})
              : output.includes('conditions')
                ? this.jobConditions(names[0])
                : 'NAME\tSTATUS';
        break;
      }
      case 'apply': {
        // kubectl refuses --force-conflicts without --server-side (kubectl `pkg/cmd/apply/apply.go`, Validate).
        if (flags.has('--force-conflicts') && !flags.has('--server-side'))
          return this.fail('error: --force-conflicts only works with --server-side');
        if (this.stdin === undefined) break;
        const docs = parseAllDocuments(this.stdin).map((d) => d.toJSON() as Obj);
        for (const doc of docs.filter((o) => o && o.kind)) {
          const existing = this.find(doc.kind, doc.metadata.name, doc.metadata.namespace);
          // A Job's spec.template is immutable (https://kubernetes.io/docs/concepts/workloads/controllers/job/):
          // re-applying a changed Job fails; delete it first.
          if (existing && doc.kind === 'Job' && JSON.stringify(existing.spec) !== JSON.stringify(doc.spec))
            return this.fail(`kubectl apply: Job.batch "${doc.metadata.name}" is invalid: spec.template: field is immutable`);
          if (!existing) this.objects.push(doc);
          // A Job runs when it is created; applying it unchanged runs nothing.
          if (doc.kind === 'Job' && !existing) {
            this.jobs.set(doc.metadata.name, { startedAt: this.clock, failed: this.failingJobs.has(doc.metadata.name) });
            this.observed.addJobPod(doc, this.clock, this.failingJobs.has(doc.metadata.name));
          }
          stdout += `${appliedLine(doc, existing, flags.has('--server-side'))}\n`;
          if (existing && doc.kind !== 'Job') Object.assign(existing, { spec: doc.spec ?? existing.spec, data: doc.data ?? existing.data });
        }
        // The Deployment last: its new pods find the Jobs this apply created.
        if (this.deployment && docs.some((d) => d?.kind === 'Deployment' && d.metadata.name === this.deployment!.name)) {
          const conflict = this.deployment.apply(this.clock, flags.has('--force-conflicts'));
          if (conflict) return this.fail(`kubectl apply: ${conflict}`);
        }
        break;
      }
      case 'delete': {
        const [kind, name] = rest[0]?.includes('/') ? rest[0].split('/') : [rest[0], rest[1]];
        missing = named(singular(kind), name);
        if (!missing) {
          this.objects.splice(this.objects.indexOf(this.find(singular(kind), name, namespace)!), 1);
          this.jobs.delete(name);
        }
        break;
      }
      case 'logs': {
        if (rest[0]?.startsWith('job/')) missing = named('Job', rest[0].slice(4));
        if (missing) break;
        const logs = observedKubectl(this.observed, verb, rest, flags, namespace, this.clock)!;
        return logs.status === 0 ? logs : this.fail(logs.stdout);
      }
      case 'wait': {
        missing = rest[0]?.startsWith('job/') ? named('Job', rest[0].slice(4)) : undefined;
        const job = this.jobs.get(rest[0]?.slice(4) ?? '');
        if (!missing && job) {
          // A migration Job runs about a minute; a failed one never meets condition=complete.
          const timeout = seconds(String(flags.get('--timeout') ?? '30s'));
          const left = Math.max(0, job.startedAt + 60 - this.clock);
          if (job.failed || left > timeout)
            return { stdout: `error: timed out waiting for the condition on jobs/${rest[0].slice(4)}`, status: 1, waited: timeout };
          return { stdout: `job.batch/${rest[0].slice(4)} condition met`, status: 0, waited: left };
        }
        break;
      }
      case 'patch':
        missing = named(rest[0], rest[1]);
        break;
      case 'rollout status':
      case 'rollout undo':
      case 'rollout restart':
      case 'rollout history': {
        const name = rest[0].replace(/^deployment\//, '');
        missing = named('Deployment', name);
        if (missing || this.deployment?.name !== name) break;
        if (verb === 'rollout undo') this.deployment.undo(this.clock);
        if (verb === 'rollout restart') this.deployment.restart(this.clock);
        if (verb === 'rollout status') {
          // Without --timeout (0) `rollout status` watches until the rollout ends
          // (https://kubernetes.io/docs/reference/kubectl/generated/kubectl_rollout/kubectl_rollout_status/).
          const timeout = seconds(String(flags.get('--timeout') ?? '0s'));
          const r = this.deployment.rolloutStatus(this.clock, timeout || Infinity);
          if (r.waited === Infinity)
            return this.fail(`kubectl rollout status ${name} never returns: the rollout cannot finish and no --timeout`);
          return r;
        }
        break;
      }
      case 'port-forward': {
        const service = rest[0].replace(/^(svc|service)\//, '');
        missing = named('Service', service);
        if (missing) break;
        // LOCAL:REMOTE or PORT (https://kubernetes.io/docs/reference/kubectl/generated/kubectl_port-forward/).
        const [local, remote = local] = (rest[1] ?? '').split(':').map(Number);
        const ports = ((this.find('Service', service, namespace)!.spec?.ports ?? []) as { port: number }[]).map((p) => p.port);
        if (!ports.includes(remote))
          return this.fail(`kubectl port-forward: Service ${service} has no port ${remote} (ports ${ports.join(', ')})`);
        this.forwards.set(local, { namespace: namespace ?? 'default', service });
        break;
      }
      case 'diff': {
        if (this.stdin === undefined) break;
        const docs = parseAllDocuments(this.stdin)
          .map((d) => d.toJSON() as Obj)
          .filter((o) => o && o.kind);
        return kubectlDiff((d) => this.find(d.kind, d.metadata.name, d.metadata.namespace), docs, flags.has('--server-side'));
      }
      case 'version':
        // The simulated cluster runs Kubernetes 1.31 (the runbooks require 1.30 or later).
        stdout = `Client Version: v1.31.0\nKustomize Version: v5.4.2${flags.has('--client') ? '' : '\nServer Version: v1.31.0'}\n`;
        break;
      default:
        break;
    }
    if (missing) return this.fail(`kubectl ${verb}: ${missing}`);
    return { stdout, status: 0 };
  }

  private fail(problem: string): StubResult {
    this.problems.push(problem);
    return { stdout: problem, status: 1 };
  }
}
