import { createHash } from 'node:crypto';
import { canonicalQuantity } from '../../../constructs/k8s/private/quantity';
import type { ApiServer } from './server-side-apply';

/*
 * What the Argo Rollouts controller and its kubectl plugin write to the API server, as field
 * manager and over time, from argoproj/argo-rollouts at 9f8d111 (2026-08-17):
 *
 * - The controller decodes the Rollout into Go types and writes the spec back; quantities in the
 *   pod template come back canonical (`1000m` → `1`), and the controller becomes the owner of the
 *   fields that changed (argoproj/argo-rollouts#3281). Manager `rollouts-controller`.
 * - Each distinct pod template is a ReplicaSet labelled `rollouts-pod-template-hash` with a
 *   `rollout.argoproj.io/revision` annotation; a template equal to an older ReplicaSet's reuses it
 *   and takes the next revision number (utils/replicaset, rollout/sync.go).
 * - Services: `rollout/service.go` switchServiceSelector sends a strategic-merge patch adding
 *   `rollouts-pod-template-hash` to `spec.selector` (creating the map when nil) and the
 *   `argo-rollouts.argoproj.io/managed-by-rollouts` annotation. `spec.selector` is an atomic map,
 *   so the controller then owns the whole selector.
 * - `kubectl argo rollouts undo` (pkg/kubectl-argo-rollouts/cmd/undo/undo.go) JSON-patches
 *   `/spec/template` with the template of the target revision's ReplicaSet (hash label removed);
 *   with no field manager set, the API server names the manager after the client binary,
 *   `kubectl-argo-rollouts`.
 * - `spec.rollbackWindow.revisions`: a new template equal to one of the last N revisions is a
 *   rollback and skips the steps and analysis (rollout/canary.go, rollout/bluegreen.go isRollback).
 */

export const CONTROLLER = 'rollouts-controller';
export const PLUGIN = 'kubectl-argo-rollouts';
export const HASH_LABEL = 'rollouts-pod-template-hash';

/** A ReplicaSet the controller made for one pod template. */
export interface ReplicaSetRevision {
  readonly hash: string;
  readonly revision: number;
  readonly template: Record<string, any>;
}

/** Canonicalizes every quantity of a pod spec the way decoding into corev1 types does. */
function canonicalPodSpec(spec: Record<string, any>): void {
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    for (const part of ['limits', 'requests']) {
      const r = c.resources?.[part] as Record<string, unknown> | undefined;
      if (r) for (const k of Object.keys(r)) r[k] = canonicalQuantity(String(r[k]));
    }
  }
  for (const v of spec.volumes ?? []) if (v.emptyDir?.sizeLimit) v.emptyDir.sizeLimit = canonicalQuantity(String(v.emptyDir.sizeLimit));
}

/** The Argo Rollouts controller for one Rollout, acting on an `ApiServer`. */
export class ArgoRolloutsController {
  /** ReplicaSets by hash, newest revision last. */
  public readonly history: ReplicaSetRevision[] = [];
  /** Hash of the ReplicaSet the stable/active Service points at. */
  public stableHash?: string;
  /** Whether the last template change was recognised as a rollback within the window. */
  public lastWasRollback = false;

  constructor(
    private readonly api: ApiServer,
    private readonly namespace: string,
    private readonly name: string,
  ) {}

  private rollout(): Record<string, any> {
    const r = this.api.get('Rollout', this.namespace, this.name);
    if (!r) throw new Error(`Rollout ${this.namespace}/${this.name} not found`);
    return r;
  }

  /** Template hash (a stand-in for controller.ComputeHash: equal templates, equal hashes). */
  public static hashOf(template: unknown): string {
    return createHash('sha256').update(JSON.stringify(template)).digest('hex').slice(0, 10);
  }

  /**
   * One reconcile after a spec change: canonicalize the spec, record the ReplicaSet revision,
   * point the test Service (canary/preview) at the new ReplicaSet and, when `promote`, the stable
   * (active) Service too. Returns the new ReplicaSet.
   */
  public reconcile(options: { promote: boolean }): ReplicaSetRevision {
    this.api.update(CONTROLLER, 'Rollout', this.namespace, this.name, (r) => canonicalPodSpec(r.spec.template.spec));
    const rollout = this.rollout();
    const template = structuredClone(rollout.spec.template) as Record<string, any>;
    const hash = ArgoRolloutsController.hashOf(template);
    const window = rollout.spec.rollbackWindow?.revisions ?? 0;
    const existing = this.history.findIndex((rs) => rs.hash === hash);
    const latest = this.history[this.history.length - 1];
    this.lastWasRollback = existing >= 0 && existing >= this.history.length - 1 - window && latest?.hash !== hash;
    let rs: ReplicaSetRevision;
    if (existing >= 0) {
      rs = { ...this.history[existing], revision: (latest?.revision ?? 0) + (latest?.hash === hash ? 0 : 1) };
      this.history.splice(existing, 1);
    } else {
      rs = { hash, revision: (latest?.revision ?? 0) + 1, template };
    }
    this.history.push(rs);
    const limit = rollout.spec.revisionHistoryLimit ?? 10;
    while (this.history.length > limit + 1) this.history.shift();
    const strategy = rollout.spec.strategy;
    const test = strategy.canary?.canaryService ?? strategy.blueGreen?.previewService;
    const stable = strategy.canary?.stableService ?? strategy.blueGreen?.activeService;
    if (test) this.switchSelector(test, hash);
    if (stable && (options.promote || this.lastWasRollback || this.stableHash === undefined)) {
      this.switchSelector(stable, hash);
      this.stableHash = hash;
    }
    return rs;
  }

  /** `kubectl argo rollouts undo [--to-revision]`: the template of that revision (default: the previous one). */
  public undo(toRevision?: number): ReplicaSetRevision {
    const sorted = [...this.history].sort((a, b) => b.revision - a.revision);
    const target = toRevision === undefined ? sorted[1] : sorted.find((rs) => rs.revision === toRevision);
    if (!target) throw new Error(`revision ${toRevision ?? 'previous'} not found in the ReplicaSet history`);
    this.api.update(PLUGIN, 'Rollout', this.namespace, this.name, (r) => {
      r.spec.template = structuredClone(target.template);
    });
    return target;
  }

  private switchSelector(service: string, hash: string): void {
    this.api.update(CONTROLLER, 'Service', this.namespace, service, (s) => {
      s.spec.selector = { ...(s.spec.selector ?? {}), [HASH_LABEL]: hash };
      s.metadata.annotations = { ...(s.metadata.annotations ?? {}), 'argo-rollouts.argoproj.io/managed-by-rollouts': this.name };
    });
  }
}
