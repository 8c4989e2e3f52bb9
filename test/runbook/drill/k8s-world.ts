import { parseAllDocuments } from 'yaml';
import type { StubResult } from './aws-world';

type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
};

/**
 * kubectl commands and flags the runbooks may use, from the kubectl reference
 * (https://kubernetes.io/docs/reference/kubectl/generated/, v1.30) and the Argo Rollouts kubectl
 * plugin reference (https://argo-rollouts.readthedocs.io/en/stable/generated/kubectl-argo-rollouts/).
 * Flags listed take a value unless marked `!` (boolean).
 */
const KUBECTL: Record<string, string[]> = {
  get: ['-o', '--output', '--raw', '--sort-by', '-l', '--selector', '--all-namespaces!', '-A!', '--watch!', '-w!'],
  describe: [],
  logs: ['-l', '--selector', '--all-containers!', '--prefix!', '--since', '--tail', '-f!', '--follow!', '-c', '--container'],
  apply: ['-f', '--filename', '--server-side!', '--dry-run'],
  diff: ['-f', '--filename', '--server-side!'],
  wait: ['--for', '--timeout'],
  patch: ['--type', '-p', '--patch'],
  'port-forward': [],
  'rollout status': ['--timeout', '-w!', '--watch!'],
  'rollout undo': ['--to-revision'],
  'rollout history': ['--revision'],
  'argo rollouts get': ['--watch!', '-w!', '--no-color!'],
  'argo rollouts status': ['--timeout', '--watch!', '-w!'],
  'argo rollouts promote': ['--full!'],
  'argo rollouts abort': [],
  'argo rollouts undo': ['--to-revision'],
  'argo rollouts retry': [],
  'argo rollouts pause': [],
  'argo rollouts list': [],
};
const GLOBAL = ['-n', '--namespace', '--context'];

function seconds(text: string): number {
  let total = 0;
  for (const [, n, u] of text.matchAll(/(\d+)([smh])/g)) total += Number(n) * { s: 1, m: 60, h: 3600 }[u as 's' | 'm' | 'h'];
  return total;
}

/**
 * A simulated cluster holding the synthesized manifests of one environment: kubectl calls are
 * checked against the command reference above, must name an existing namespace and objects in it,
 * and Argo waits are checked against how long the rollout really runs (an `undo` after a completed
 * canary replays every step unless `spec.rollbackWindow` covers it).
 */
export class KubernetesWorld {
  public readonly problems: string[] = [];
  private readonly objects: Obj[];
  private lastAction: 'undo' | 'abort' | 'promote' | undefined;

  constructor(manifest: string) {
    this.objects = parseAllDocuments(manifest)
      .map((d) => d.toJSON() as Obj)
      .filter((o) => o && o.kind);
  }

  private find(kind: string, name: string, namespace: string | undefined): Obj | undefined {
    return this.objects.find(
      (o) =>
        o.kind.toLowerCase() === kind.toLowerCase() &&
        o.metadata.name === name &&
        (!namespace || o.metadata.namespace === namespace || o.kind === 'Namespace'),
    );
  }

  public kubectl(argv: readonly string[]): StubResult {
    const args = [...argv];
    const flags = new Map<string, string | true>();
    const words: string[] = [];
    // The verb decides which flags take values; find it first.
    const verbWords = args.filter((a, i) => !a.startsWith('-') && !['-n', '--namespace', '--context'].includes(args[i - 1] ?? ''));
    const verb = [3, 2, 1].map((n) => verbWords.slice(0, n).join(' ')).find((v) => KUBECTL[v] !== undefined);
    if (!verb) return this.fail(`unknown kubectl command "kubectl ${verbWords.slice(0, 3).join(' ')}"`);
    const known = [...KUBECTL[verb], ...GLOBAL];
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a.startsWith('-') && a !== '-') {
        const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
        if (known.includes(`${flag}!`)) {
          flags.set(flag, true);
        } else if (known.includes(flag)) {
          flags.set(flag, inline ?? args[++i]);
        } else {
          return this.fail(`kubectl ${verb}: unknown flag ${flag}`);
        }
      } else {
        words.push(a);
      }
    }
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
        missing = named('Rollout', rest[1]);
        if (flags.has('--watch') || flags.has('-w'))
          return this.fail('kubectl argo rollouts get --watch never returns: a runbook step must end');
        stdout = `Name: ${rest[1]}\nStatus: ✔ Healthy\nRevision 3 (stable)\nRevision 2\nRevision 1`;
        break;
      case 'argo rollouts status': {
        missing = named('Rollout', rest[0]);
        const timeout = seconds(String(flags.get('--timeout') ?? '0s'));
        const work = this.rolloutSeconds(rest[0]);
        if (timeout > 0 && timeout < work)
          return this.fail(
            `kubectl argo rollouts status --timeout ${flags.get('--timeout')} gives up while the rollout runs ${Math.round(work / 60)}m (after ${this.lastAction ?? 'a release'})`,
          );
        stdout = 'Healthy';
        break;
      }
      case 'argo rollouts promote':
      case 'argo rollouts abort':
      case 'argo rollouts undo':
        missing = named('Rollout', rest[0]);
        this.lastAction = verb.split(' ')[2] as 'undo';
        break;
      case 'get':
      case 'describe': {
        const raw = flags.get('--raw');
        if (typeof raw === 'string') {
          // The Prometheus HTTP API through the API server's service proxy: rule groups from the
          // PrometheusRules of this environment, and a query that has one series.
          const groups = this.objects
            .filter((o) => o.kind === 'PrometheusRule')
            .flatMap((o) => ((o.spec?.groups ?? []) as { name: string }[]).map((g) => ({ name: g.name, rules: [] })));
          stdout = raw.includes('/api/v1/rules')
            ? JSON.stringify({ status: 'success', data: { groups } })
            : JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [0, '2'] }] } });
          break;
        }
        const [kind, ...names] = rest;
        if (kind === 'crd') {
          const groups = new Set(this.objects.map((o) => o.apiVersion.split('/')[0]));
          missing =
            names.find((n) => !groups.has(n.slice(n.indexOf('.') + 1))) &&
            `CRD ${names.find((n) => !groups.has(n.slice(n.indexOf('.') + 1)))} is not used by this environment`;
        } else if (names.length > 0 && !kind.includes('/') && !kind.startsWith('$')) {
          missing = names.map((n) => named(kind.replace(/s$/, ''), n)).find((m) => m);
        }
        const output = String(flags.get('-o') ?? '');
        const obj = names[0] ? this.find(kind.replace(/s$/, ''), names[0], namespace) : undefined;
        stdout =
          output === 'name'
            ? `${kind.replace(/s$/, '')}.argoproj.io/${namespace}-run-1`
            : output.includes('.data')
              ? JSON.stringify(obj?.data ?? {})
              : output.includes('conditions')
                ? 'Complete'
                : 'NAME\tSTATUS';
        break;
      }
      case 'logs':
        if (rest[0]?.startsWith('job/')) missing = named('Job', rest[0].slice(4));
        break;
      case 'wait':
        missing = rest[0]?.startsWith('job/') ? named('Job', rest[0].slice(4)) : undefined;
        break;
      case 'patch':
        missing = named(rest[0], rest[1]);
        break;
      case 'rollout status':
      case 'rollout undo':
      case 'rollout history':
        missing = named('Deployment', rest[0].replace(/^deployment\//, ''));
        break;
      case 'port-forward':
        missing = named('Service', rest[0].replace(/^svc\//, ''));
        break;
      default:
        break;
    }
    if (missing) return this.fail(`kubectl ${verb}: ${missing}`);
    return { stdout, status: 0 };
  }

  /** How long a rollout runs after the last action: an undo replays the canary steps unless the rollback window covers it. */
  private rolloutSeconds(name: string): number {
    const rollout = this.find('Rollout', name, undefined);
    const spec = (rollout?.spec ?? {}) as {
      rollbackWindow?: { revisions?: number };
      strategy?: { canary?: { steps?: { pause?: { duration?: string } }[] } };
    };
    if (this.lastAction === 'abort' || this.lastAction === 'promote') return 120;
    if (this.lastAction === 'undo' && (spec.rollbackWindow?.revisions ?? 0) >= 1) return 120;
    const steps = spec.strategy?.canary?.steps ?? [];
    return 120 + steps.reduce((acc, s) => acc + seconds(String(s.pause?.duration ?? '0s')), 0);
  }

  private fail(problem: string): StubResult {
    this.problems.push(problem);
    return { stdout: problem, status: 1 };
  }
}
