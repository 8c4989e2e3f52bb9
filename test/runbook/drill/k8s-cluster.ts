/** A Kubernetes object as the drill reads it from a manifest or a cluster add-on. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

/** The release name of kube-prometheus-stack in the simulated cluster (the runbooks' `release` label). */
export const KUBE_PROMETHEUS_STACK = 'kube-prometheus-stack';

const deployment = (namespace: string, name: string, labels: Record<string, string>, args: string[] = []): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace, labels },
  spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name, args }] } } },
});

const namespace = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
});

/**
 * What the cluster runs beside the manifest: the controllers the chart requires and does not
 * install, each as its documented installation leaves it (names, namespaces, labels, ports):
 *
 * - Argo Rollouts, from the release's `install.yaml` (namespace `argo-rollouts`, Deployment
 *   `argo-rollouts`, pods labelled `app.kubernetes.io/name: argo-rollouts`;
 *   https://argo-rollouts.readthedocs.io/en/stable/installation/).
 * - Stakater Reloader, `helm install reloader stakater/reloader --namespace reloader --set
 *   reloader.isArgoRollouts=true` (https://docs.stakater.com/reloader/1.4/installation/install-oss.html):
 *   the chart names the Deployment `<release>-reloader` (stakater/Reloader
 *   `deployments/kubernetes/reloader.yaml`: `reloader-reloader`) and passes `--is-Argo-Rollouts=true`
 *   (stakater/Reloader `internal/pkg/options`, chart value `reloader.isArgoRollouts`).
 * - kube-prometheus-stack, release `kube-prometheus-stack` in `monitoring`: the Alertmanager
 *   `<release>-alertmanager` with the chart's default `alertmanagerConfigSelector: {}` and
 *   `alertmanagerConfigNamespaceSelector: {}` (charts/kube-prometheus-stack/values.yaml,
 *   `alertmanager.alertmanagerSpec`), and the governing Services the prometheus-operator creates
 *   for every Alertmanager and Prometheus: `alertmanager-operated` (port `web` 9093) and
 *   `prometheus-operated` (port `web` 9090) (prometheus-operator `pkg/alertmanager/statefulset.go`,
 *   `pkg/prometheus/statefulset.go`: `governingServiceName`).
 */
export function clusterAddOns(): KubeObject[] {
  return [
    namespace('argo-rollouts'),
    deployment('argo-rollouts', 'argo-rollouts', { 'app.kubernetes.io/name': 'argo-rollouts' }),
    namespace('reloader'),
    deployment('reloader', 'reloader-reloader', { app: 'reloader-reloader', release: 'reloader' }, ['--is-Argo-Rollouts=true']),
    namespace('monitoring'),
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'Alertmanager',
      metadata: { name: `${KUBE_PROMETHEUS_STACK}-alertmanager`, namespace: 'monitoring', labels: { release: KUBE_PROMETHEUS_STACK } },
      spec: { alertmanagerConfigSelector: {}, alertmanagerConfigNamespaceSelector: {} },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'alertmanager-operated', namespace: 'monitoring' },
      spec: { ports: [{ name: 'web', port: 9093 }] },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'prometheus-operated', namespace: 'monitoring' },
      spec: { ports: [{ name: 'web', port: 9090 }] },
    },
  ];
}

/**
 * Whether a label selector (`matchLabels`, `matchExpressions` with In/NotIn/Exists/DoesNotExist)
 * selects these labels; `{}` selects everything
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#resources-that-support-set-based-requirements).
 */
export function selects(
  selector: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } | undefined,
  labels: Record<string, string> = {},
): boolean {
  if (!selector) return false;
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every((e) =>
    e.operator === 'In'
      ? (e.values ?? []).includes(labels[e.key])
      : e.operator === 'NotIn'
        ? !(e.values ?? []).includes(labels[e.key])
        : e.operator === 'Exists'
          ? e.key in labels
          : !(e.key in labels),
  );
  return byLabels && byExpressions;
}

/** `kubectl get deployments|pods|jobs` without names (`-A`: all namespaces, `-l k=v,...` on labels); other kinds: undefined. */
export function listObjects(
  objects: readonly KubeObject[],
  kind: string,
  namespace: string | undefined,
  flags: Map<string, string | true>,
  jobConditions: (job: string) => string,
): { name: string; row: string }[] | undefined {
  const pods = ['pods', 'pod', 'po'].includes(kind);
  const jobs = ['jobs', 'job'].includes(kind);
  if (!pods && !jobs && !['deployments', 'deployment', 'deploy'].includes(kind)) return undefined;
  const selector = String(flags.get('-l') ?? flags.get('--selector') ?? '');
  const matchLabels = Object.fromEntries(
    selector ? selector.split(',').map((kv) => kv.split('=').map((x) => x.replace(/^"|"$/g, '')) as [string, string]) : [],
  );
  if (jobs) {
    // `-o jsonpath='{range .items[*]}{.metadata.name}{" "}{.status.conditions[*].type}{"\n"}{end}'`, or names.
    return objects
      .filter((o) => o.kind === 'Job' && (!namespace || o.metadata.namespace === namespace) && selects({ matchLabels }, o.metadata.labels))
      .map((o) => ({ name: `job.batch/${o.metadata.name}`, row: `${o.metadata.name} ${jobConditions(o.metadata.name)}` }));
  }
  const deployments = objects.filter((o) => o.kind === 'Deployment' && (!namespace || o.metadata.namespace === namespace));
  if (!pods)
    return deployments
      .filter((d) => selects({ matchLabels }, d.metadata.labels))
      .map((d) => ({ name: `deployment.apps/${d.metadata.name}`, row: `${d.metadata.namespace}\t${d.metadata.name}\t1/1\t1\t1` }));
  return deployments
    .filter((d) =>
      selects({ matchLabels }, (d.spec as { template?: { metadata?: { labels?: Record<string, string> } } }).template?.metadata?.labels),
    )
    .map((d) => ({
      name: `pod/${d.metadata.name}-7d9f8-abcde`,
      row: `${d.metadata.namespace}\t${d.metadata.name}-7d9f8-abcde\t1/1\tRunning\t0`,
    }));
}
