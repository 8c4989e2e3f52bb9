import type { StubResult } from './aws-world';
import { age, sinceSeconds, type ObservedCluster, type ObservedPod } from './k8s-observed';
import { matchesSelector, parseSelector } from './kubectl-reference';

type Flags = Map<string, string | true>;

/**
 * Resource types `kubectl get` knows in the simulated cluster: the built-in ones (short names and
 * plurals from `kubectl api-resources`) and those of the CRDs its controllers install (Argo Rollouts,
 * prometheus-operator, External Secrets). Anything else: "the server doesn't have a resource type".
 */
const RESOURCE_TYPES = new Set(
  [
    'pods pod po',
    'deployments deployment deploy',
    'replicasets replicaset rs',
    'statefulsets statefulset sts',
    'jobs job',
    'events event ev',
    'configmaps configmap cm',
    'secrets secret',
    'services service svc',
    'serviceaccounts serviceaccount sa',
    'namespaces namespace ns',
    'nodes node no',
    'ingresses ingress ing',
    'ingressclasses ingressclass',
    'networkpolicies networkpolicy netpol',
    'poddisruptionbudgets poddisruptionbudget pdb',
    'roles role rolebindings rolebinding',
    'customresourcedefinitions customresourcedefinition crd crds',
    'rollouts rollout ro analysisruns analysisrun analysistemplates analysistemplate experiments experiment',
    'podmonitors podmonitor servicemonitors servicemonitor prometheusrules prometheusrule prometheuses prometheus',
    'alertmanagers alertmanager alertmanagerconfigs alertmanagerconfig',
    'externalsecrets externalsecret es secretstores secretstore clustersecretstores clustersecretstore',
  ].flatMap((l) => l.split(' ')),
);

/** The error kubectl gives for a resource type argument the server does not serve, or undefined. */
export function unknownResourceType(arg: string): string | undefined {
  if (arg.startsWith('/')) return `error: arguments in resource/name form must have a single resource and name (${arg})`;
  const types = (arg.includes('/') ? arg.slice(0, arg.indexOf('/')) : arg).split(',');
  const unknown = types.find((t) => !RESOURCE_TYPES.has(t.replace(/\.[a-z0-9.-]+$/, '')));
  return unknown === undefined ? undefined : `error: the server doesn't have a resource type "${unknown}"`;
}

/**
 * `kubectl logs` as its reference documents it
 * (https://kubernetes.io/docs/reference/kubectl/generated/kubectl_logs/):
 * - the pods of `-l` in the namespace, or the first pod of `job/NAME`, or the pod NAME;
 * - one container per pod: `-c`, else the `kubectl.kubernetes.io/default-container` annotation,
 *   else the first container (kubectl `pkg/cmd/util/podcmd`, `FindOrDefaultContainerByName`);
 *   `--all-containers` prints the init containers, then the containers;
 * - `--since` keeps the lines newer than the duration; `--tail` keeps the last N lines of each
 *   container, by default all of them (-1) without a selector and 10 with one;
 * - `--prefix` starts each line with `[pod/NAME/CONTAINER]`.
 */
export function kubectlLogs(cluster: ObservedCluster, flags: Flags, words: string[], namespace: string, clock: number): StubResult {
  const selector = flags.get('-l') ?? flags.get('--selector');
  let pods: ObservedPod[];
  if (typeof selector === 'string') pods = cluster.select(namespace, selector);
  else {
    const target = words[0] ?? '';
    const [kind, name] = target.includes('/') ? target.split('/') : ['pod', target];
    pods =
      kind === 'job' || kind === 'jobs'
        ? cluster.pods.filter((p) => p.namespace === namespace && p.job === name).slice(0, 1)
        : cluster.pods.filter((p) => p.namespace === namespace && p.name === name);
    if (pods.length === 0) return { stdout: `error: ${kind}s "${name}" not found`, status: 1 };
  }
  if (pods.length === 0) return { stdout: `No resources found in ${namespace} namespace.`, status: 0 };
  const tail = Number(flags.get('--tail') ?? (typeof selector === 'string' ? 10 : -1));
  const since = sinceSeconds(flags.get('--since') as string | undefined);
  const container = (flags.get('-c') ?? flags.get('--container')) as string | undefined;
  const lines: string[] = [];
  for (const pod of pods) {
    const regular = pod.containers.filter((c) => !c.init);
    const chosen = flags.has('--all-containers')
      ? [...pod.containers.filter((c) => c.init), ...regular]
      : container
        ? pod.containers.filter((c) => c.name === container)
        : regular.filter((c) => c.name === (pod.defaultContainer ?? regular[0]?.name));
    if (container && chosen.length === 0) return { stdout: `error: container ${container} is not valid for pod ${pod.name}`, status: 1 };
    for (const c of chosen) {
      let log = c.log.filter((l) => l.at <= clock && (since === undefined || l.at >= clock - since));
      if (tail >= 0) log = log.slice(Math.max(0, log.length - tail));
      lines.push(...log.map((l) => (flags.has('--prefix') ? `[pod/${pod.name}/${c.name}] ${l.text}` : l.text)));
    }
  }
  return { stdout: lines.join('\n'), status: 0 };
}

/**
 * `kubectl get events`: the API server lists them by name (`<involved object>.<time in hex>`), so
 * without `--sort-by` they come grouped by object, not by time; `--sort-by=.lastTimestamp` orders
 * them oldest first (https://kubernetes.io/docs/reference/kubectl/generated/kubectl_get/,
 * `--sort-by`; the default columns LAST SEEN, TYPE, REASON, OBJECT, MESSAGE).
 */
export function kubectlEvents(cluster: ObservedCluster, flags: Flags, namespace: string | undefined, clock: number): StubResult {
  const sortBy = flags.get('--sort-by');
  let events = cluster.events.filter((e) => (!namespace || e.namespace === namespace) && e.lastTimestamp <= clock);
  events = [...events].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (sortBy === '.lastTimestamp' || sortBy === '.metadata.creationTimestamp')
    events = [...events].sort((a, b) => a.lastTimestamp - b.lastTimestamp);
  else if (sortBy !== undefined)
    return { stdout: `error: couldn't find any field with path "{${sortBy}}" in the list of objects`, status: 1 };
  if (events.length === 0) return { stdout: `No resources found in ${namespace ?? 'any'} namespace.`, status: 0 };
  const header = `${namespace ? '' : 'NAMESPACE\t'}LAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE`;
  return {
    stdout: [
      header,
      ...events.map(
        (e) => `${namespace ? '' : `${e.namespace}\t`}${age(clock - e.lastTimestamp)}\t${e.type}\t${e.reason}\t${e.object}\t${e.message}`,
      ),
    ].join('\n'),
    status: 0,
  };
}

/** `kubectl get pods`: NAME READY STATUS RESTARTS (NAMESPACE first across namespaces), or `pod/NAME` with `-o name`. */
export function kubectlPods(cluster: ObservedCluster, flags: Flags, namespace: string | undefined): StubResult {
  const selector = flags.get('-l') ?? flags.get('--selector');
  const pods = cluster.select(namespace, typeof selector === 'string' ? selector : undefined);
  if (pods.length === 0) return { stdout: `No resources found in ${namespace ?? 'any'} namespace.`, status: 0 };
  if (flags.get('-o') === 'name') return { stdout: pods.map((p) => `pod/${p.name}`).join('\n'), status: 0 };
  return {
    stdout: [
      `${namespace ? '' : 'NAMESPACE\t'}NAME\tREADY\tSTATUS\tRESTARTS`,
      ...pods.map((p) => `${namespace ? '' : `${p.namespace}\t`}${p.name}\t${p.ready}\t${p.status}\t${p.restarts}`),
    ].join('\n'),
    status: 0,
  };
}

/** `kubectl get replicasets -l … -o jsonpath='{range .items[*]}{.metadata.annotations.KEY}{"\n"}{end}'`, listed by name. */
export function kubectlReplicaSets(cluster: ObservedCluster, flags: Flags, namespace: string): StubResult {
  const selector = flags.get('-l') ?? flags.get('--selector');
  const output = String(flags.get('-o') ?? '');
  const reqs = typeof selector === 'string' ? parseSelector(selector) : [];
  const sets = cluster.replicaSets
    .filter((r) => r.namespace === namespace && !('error' in reqs) && matchesSelector(reqs, r.labels))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const key = /annotations\.([^}]+)\}/.exec(output)?.[1]?.replace(/\\\./g, '.');
  if (key) return { stdout: sets.map((r) => `${r.annotations[key] ?? ''}\n`).join(''), status: 0 };
  return { stdout: sets.map((r) => (output === 'name' ? `replicaset.apps/${r.name}` : r.name)).join('\n'), status: 0 };
}

/** `kubectl get analysisruns [-o name] [--sort-by=.metadata.creationTimestamp]`: by name unless sorted. */
export function kubectlAnalysisRuns(cluster: ObservedCluster, flags: Flags, namespace: string): StubResult {
  let runs = cluster.analysisRuns.filter((r) => r.namespace === namespace).sort((a, b) => (a.name < b.name ? -1 : 1));
  if (flags.get('--sort-by') === '.metadata.creationTimestamp') runs = [...runs].sort((a, b) => a.createdAt - b.createdAt);
  if (runs.length === 0) return { stdout: `No resources found in ${namespace} namespace.`, status: 0 };
  if (flags.get('-o') === 'name') return { stdout: runs.map((r) => `analysisrun.argoproj.io/${r.name}`).join('\n'), status: 0 };
  return { stdout: ['NAME\tSTATUS', ...runs.map((r) => `${r.name}\t${r.phase}`)].join('\n'), status: 0 };
}

/** `kubectl describe analysisrun NAME`: its phase, message and metric results. */
export function describeAnalysisRun(cluster: ObservedCluster, name: string, namespace: string): StubResult {
  const run = cluster.analysisRuns.find((r) => r.namespace === namespace && r.name === name);
  if (!run) return { stdout: `Error from server (NotFound): analysisruns.argoproj.io "${name}" not found`, status: 1 };
  return {
    stdout: [
      `Name:         ${run.name}`,
      `Namespace:    ${run.namespace}`,
      'API Version:  argoproj.io/v1alpha1',
      'Kind:         AnalysisRun',
      'Status:',
      `  Phase:    ${run.phase}`,
      ...(run.message ? [`  Message:  ${run.message}`] : []),
      '  Metric Results:',
      ...run.metrics.map((m) => `    ${m}`),
    ].join('\n'),
    status: 0,
  };
}

/**
 * The part of `kubectl get|describe|logs` the observed state answers, or undefined (the manifest's
 * objects answer). Without `-n`, kubectl uses the context's namespace: `default` in the simulated
 * kubeconfig; `-A` lists every namespace.
 */
export function observedKubectl(
  cluster: ObservedCluster,
  verb: string,
  rest: string[],
  flags: Flags,
  namespace: string | undefined,
  clock: number,
): StubResult | undefined {
  const ns = namespace ?? 'default';
  const all = flags.has('-A') || flags.has('--all-namespaces');
  if (verb === 'logs') return kubectlLogs(cluster, flags, rest, ns, clock);
  if (verb !== 'get' && verb !== 'describe') return undefined;
  if (rest.length === 0) return { stdout: `error: You must specify the type of resource to ${verb}`, status: 1 };
  const unknown = unknownResourceType(rest[0]);
  if (unknown) return { stdout: unknown, status: 1 };
  const [kind, name] = rest[0].includes('/') ? rest[0].split('/') : [rest[0], rest[1]];
  const type = kind.replace(/\.[a-z0-9.-]+$/, '');
  if (verb === 'describe') return ['analysisrun', 'analysisruns'].includes(type) ? describeAnalysisRun(cluster, name, ns) : undefined;
  if (name !== undefined) return undefined;
  if (['events', 'event', 'ev'].includes(type)) return kubectlEvents(cluster, flags, all ? undefined : ns, clock);
  if (['pods', 'pod', 'po'].includes(type)) return kubectlPods(cluster, flags, all ? undefined : ns);
  if (['replicasets', 'replicaset', 'rs'].includes(type)) return kubectlReplicaSets(cluster, flags, ns);
  if (['analysisruns', 'analysisrun'].includes(type)) return kubectlAnalysisRuns(cluster, flags, ns);
  return undefined;
}
