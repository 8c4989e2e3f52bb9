import type { KubernetesWorld } from './k8s-world';

/** What an incident leaves for the reader to find: the line, and where it was written. */
export interface Evidence {
  /** The pod and container that wrote the evidence, as `kubectl logs --prefix` names them. */
  readonly source?: string;
  /** The text the reader must see. */
  readonly text: string;
  /** The newest Warning event's reason and object, if the incident left one. */
  readonly event?: { readonly reason: string; readonly object: string };
}

/**
 * A pod of an older revision (after an undo beyond the migration Role's list, or recreated on a
 * drained node) cannot read its migration Job: the init container `wait-for-migration-1` logs
 * "403 Forbidden" and exits 2 (the manifest's wait script), so the kubelet restarts it with an
 * exponential back-off capped at 5 minutes
 * (https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-restarts), leaves the
 * app container waiting, and records `BackOff` Warning events. The other pods serve alone. Only
 * the init container says why; its log is not the default container's
 * (https://kubernetes.io/docs/reference/kubectl/generated/kubectl_logs/: `--all-containers`).
 */
export function podCannotReadItsJob(k8s: KubernetesWorld): Evidence {
  const cluster = k8s.observed;
  const serving = cluster.pods.find((p) => p.containers.some((c) => c.init) && p.status === 'Running');
  if (!serving) throw new Error('the cluster runs no workload pod with an init container');
  const init = serving.containers.find((c) => c.init)!;
  const hash = cluster.hashes.get(1)!;
  const name = serving.name.replace(/-[0-9a-f]{9}-[a-z0-9]{5}$/, `-${hash}-r7w2n`);
  const job = `${serving.name.replace(/-[0-9a-f]{9}-[a-z0-9]{5}$/, '')}-migrate-add-order-notes-0a1b2c3d`;
  const text = `cannot read Job ${job} (403 Forbidden): the Role checkout-migration-reader does not list it`;
  const hashLabel = Object.keys(serving.labels).find((k) => /pod-template-hash/.test(k))!;
  cluster.pods.push({
    name,
    namespace: serving.namespace,
    labels: { ...serving.labels, [hashLabel]: hash },
    containers: [
      { name: init.name, init: true, log: [-840, -780, -660, -420, -120].map((at) => ({ at, text })) },
      ...serving.containers.filter((c) => !c.init).map((c) => ({ name: c.name, log: [] })),
    ],
    status: 'Init:CrashLoopBackOff',
    ready: `0/${serving.containers.filter((c) => !c.init).length}`,
    restarts: 5,
  });
  const event = { reason: 'BackOff', object: `pod/${name}` };
  cluster.event({
    namespace: serving.namespace,
    type: 'Normal',
    reason: 'Scheduled',
    object: `pod/${name}`,
    message: `Successfully assigned ${serving.namespace}/${name} to node-b`,
    lastTimestamp: -900,
  });
  // Newer Normal events of objects whose names sort after the pod's, so name order is not time order.
  cluster.event({
    namespace: serving.namespace,
    type: 'Normal',
    reason: 'Updated',
    object: `externalsecret/${serving.namespace}-db-password`,
    message: 'Updated Secret',
    lastTimestamp: -300,
  });
  cluster.event({
    namespace: serving.namespace,
    type: 'Warning',
    reason: event.reason,
    object: event.object,
    message: `Back-off restarting failed container ${init.name} in pod ${name}`,
    lastTimestamp: -45,
  });
  return { source: `[pod/${name}/${init.name}]`, text: '403 Forbidden', event };
}

/**
 * Prometheus stopped: its StatefulSet pod crash-loops (the Watchdog stops arriving). The reader
 * must see that pod, in namespace monitoring, not Running.
 */
export function prometheusDown(k8s: KubernetesWorld): Evidence {
  const pod = k8s.observed.pods.find((p) => p.labels['app.kubernetes.io/name'] === 'prometheus');
  if (!pod) throw new Error('the cluster runs no Prometheus pod');
  Object.assign(pod, { status: 'CrashLoopBackOff', ready: '1/2', restarts: 12 });
  return { text: `${pod.name}\t1/2\tCrashLoopBackOff` };
}

/**
 * The canary's background analysis failed: the newest AnalysisRun (revision 4) is Failed with Argo's
 * message (argo-rollouts `utils/analysis`: `Metric "NAME" assessed Failed due to failed (N) >
 * failureLimit (M)`), older Successful ones beside it, and Argo aborted the Rollout.
 */
export function analysisFailed(k8s: KubernetesWorld, rollout: string): Evidence {
  const cluster = k8s.observed;
  const namespace = cluster.analysisRuns[0]?.namespace;
  if (!namespace) throw new Error('the cluster has no AnalysisRun');
  const text = 'Metric "error-rate" assessed Failed due to failed (3) > failureLimit (2)';
  cluster.analysisRuns.push({
    name: `${rollout}-${cluster.hashes.get(4)}-4`,
    namespace,
    createdAt: -420,
    phase: 'Failed',
    message: text,
    metrics: ['error-rate: Failed (Count 3, Failed 3): value [0.064]'],
  });
  Object.assign(k8s.rollout, { phase: 'Degraded', message: 'RolloutAborted: Rollout aborted update to revision 4', canary: 4, weight: 0 });
  return { text };
}

/**
 * Before a release: the cluster runs the previous one (the workload's containers on the image tag
 * before), so applying the release's manifest changes the workload.
 */
export function runsPreviousRelease(k8s: KubernetesWorld): void {
  for (const o of k8s.objectsOf(['Rollout', 'Deployment'])) {
    const spec = JSON.parse(JSON.stringify(o.spec ?? {})) as { template?: { spec?: { containers?: { image?: string }[] } } };
    for (const c of spec.template?.spec?.containers ?? []) c.image = c.image?.replace(/:[^:]+$/, ':previous');
    o.spec = spec as Record<string, unknown>;
  }
}

/** A pod-template annotation the previous release set and this release's manifest no longer does. */
export const REMOVED_ANNOTATION = 'checkout.acme.example/legacy-coupons';

/**
 * Before a release that stops setting something: the cluster runs the previous release, whose pod
 * template carried an annotation this manifest no longer has. Applying server-side removes it; the
 * reader reviewing the diff must see that removal.
 */
export function previousReleaseSetMore(k8s: KubernetesWorld): void {
  runsPreviousRelease(k8s);
  for (const o of k8s.objectsOf(['Rollout', 'Deployment'])) {
    const spec = o.spec as { template?: { metadata?: { annotations?: Record<string, string> } } };
    spec.template ??= {};
    spec.template.metadata ??= {};
    spec.template.metadata.annotations = { ...spec.template.metadata.annotations, [REMOVED_ANNOTATION]: 'true' };
  }
}
