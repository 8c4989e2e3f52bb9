import type { KubeObject } from './k8s-cluster';

/** Seconds a pod of the simulated workload takes from creation to ready (image pull, probes, minReadySeconds). */
const POD_READY_SECONDS = 60;
/** The kubelet's restart back-off of a failing container is capped at five minutes. */
const BACKOFF_CAP_SECONDS = 300;

/**
 * A plain Deployment (rolling update or Recreate) whose pods wait for the expand migration Jobs in
 * an init container, as the Deployment controller and the kubelet behave:
 * - a rollout that makes no progress for `progressDeadlineSeconds` is marked
 *   `ProgressDeadlineExceeded`, and nothing else happens ("Kubernetes takes no action on a stalled
 *   Deployment other than to report a status condition",
 *   https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#failed-deployment);
 * - while the new pods are not ready the old ReplicaSet keeps `replicas - maxUnavailable` pods
 *   (maxUnavailable as a percentage rounds down; `Recreate` removes every old pod first:
 *   https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#max-unavailable,
 *   #recreate-deployment);
 * - an init container that exits non-zero is restarted with an exponential back-off capped at five
 *   minutes (https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-restarts),
 *   so pods that saw the Job Failed start at the latest five minutes after it completes;
 * - `kubectl rollout undo` puts the previous revision's template back and `rollout restart`
 *   creates new pods of the current one (https://kubernetes.io/docs/reference/kubectl/generated/kubectl_rollout/);
 *   the undo's patch owns the template fields it changed, so a server-side apply of the manifest
 *   then conflicts unless it forces (https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts).
 */
export class DeploymentModel {
  /** Which template the Deployment runs: the release's, or the previous one after an undo. */
  public template: 'release' | 'previous' = 'release';
  /** When the pods of the current template were created, and whether they saw a migration not complete. */
  private podsCreatedAt = -Infinity;
  private podsBackingOff = false;
  /** Runbook changes: undo, restart, apply. */
  public readonly actions: string[] = [];

  constructor(
    private readonly object: KubeObject,
    /** When every expand migration Job is Complete (Infinity: Failed or absent). */
    private readonly jobsDoneAt: () => number,
  ) {}

  public get name(): string {
    return this.object.metadata.name;
  }

  private get replicas(): number {
    return Number(this.object.spec?.replicas ?? 1);
  }

  /** The incident: the release's pods were created ten minutes ago and their migration Failed. */
  public stuck(strategy?: { type: 'Recreate' }): void {
    if (strategy) this.object.spec = { ...this.object.spec, strategy };
    this.template = 'release';
    this.podsCreatedAt = -600;
    this.podsBackingOff = true;
  }

  /** When the pods of the current template are all ready (Infinity: never, as things stand). */
  public readyAt(): number {
    if (this.template === 'previous') return this.podsCreatedAt + POD_READY_SECONDS;
    const done = this.jobsDoneAt();
    if (done === Infinity) return Infinity;
    const start = this.podsBackingOff ? done + BACKOFF_CAP_SECONDS : Math.max(done, this.podsCreatedAt);
    return start + POD_READY_SECONDS;
  }

  /** Pods the old ReplicaSet keeps while the new ones are not ready. */
  private keptDuringRollout(): number {
    const strategy = (this.object.spec?.strategy ?? {}) as { type?: string; rollingUpdate?: { maxUnavailable?: string | number } };
    if (strategy.type === 'Recreate') return 0;
    const max = strategy.rollingUpdate?.maxUnavailable ?? '25%';
    const unavailable = typeof max === 'string' ? Math.floor((this.replicas * parseFloat(max)) / 100) : max;
    return this.replicas - unavailable;
  }

  /** `.status` as the controller reports it at `now`. */
  public status(now: number): Record<string, unknown> {
    const ready = now >= this.readyAt();
    const stalled = !ready && now - this.podsCreatedAt >= Number(this.object.spec?.progressDeadlineSeconds ?? 600);
    return {
      replicas: this.replicas,
      updatedReplicas: this.replicas,
      ...(ready
        ? { availableReplicas: this.replicas }
        : this.keptDuringRollout() > 0
          ? { availableReplicas: this.keptDuringRollout() }
          : {}),
      conditions: [
        {
          type: 'Progressing',
          status: stalled ? 'False' : 'True',
          reason: stalled ? 'ProgressDeadlineExceeded' : ready ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated',
        },
      ],
    };
  }

  /** `kubectl rollout status deployment/NAME --timeout=T` at `now`: output, exit status, seconds waited. */
  public rolloutStatus(now: number, timeout: number): { stdout: string; status: number; waited: number } {
    const readyAt = this.readyAt();
    if (now >= readyAt) return { stdout: `deployment "${this.name}" successfully rolled out`, status: 0, waited: 0 };
    const stalled = (this.status(now).conditions as { reason: string }[])[0].reason === 'ProgressDeadlineExceeded';
    if (stalled) return { stdout: `error: deployment "${this.name}" exceeded its progress deadline`, status: 1, waited: 0 };
    if (readyAt - now > timeout) return { stdout: 'error: timed out waiting for the condition', status: 1, waited: timeout };
    return { stdout: `deployment "${this.name}" successfully rolled out`, status: 0, waited: readyAt - now };
  }

  public undo(now: number): void {
    this.actions.push('undo');
    this.template = this.template === 'release' ? 'previous' : 'release';
    this.newPods(now);
  }

  public restart(now: number): void {
    this.actions.push('restart');
    this.newPods(now);
  }

  /** A server-side apply of the manifest: an error when it conflicts with an undo, else whether the template changed. */
  public apply(now: number, force: boolean): string | undefined {
    if (this.template === 'release') return undefined;
    if (!force)
      return `Apply failed with 1 conflict: conflict with "kubectl-rollout" using apps/v1: .spec.template.spec.containers[name="${this.name}"].image`;
    this.actions.push('apply');
    this.template = 'release';
    this.newPods(now);
    return undefined;
  }

  private newPods(now: number): void {
    this.podsCreatedAt = now;
    this.podsBackingOff = this.template === 'release' && this.jobsDoneAt() === Infinity;
  }
}
