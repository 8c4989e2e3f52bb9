/**
 * kubectl commands and flags the runbooks may use, from the kubectl reference
 * (https://kubernetes.io/docs/reference/kubectl/generated/, v1.30) and the Argo Rollouts kubectl
 * plugin reference (https://argo-rollouts.readthedocs.io/en/stable/generated/kubectl-argo-rollouts/).
 * Flags listed take a value unless marked `!` (boolean).
 */
export const KUBECTL: Record<string, string[]> = {
  get: ['-o', '--output', '--raw', '--sort-by', '-l', '--selector', '--all-namespaces!', '-A!', '--watch!', '-w!'],
  describe: [],
  logs: ['-l', '--selector', '--all-containers!', '--prefix!', '--since', '--tail', '-f!', '--follow!', '-c', '--container'],
  apply: ['-f', '--filename', '--server-side!', '--dry-run', '--force-conflicts!', '--field-manager'],
  delete: ['--ignore-not-found!', '--wait!'],
  diff: ['-f', '--filename', '--server-side!'],
  wait: ['--for', '--timeout'],
  patch: ['--type', '-p', '--patch'],
  'port-forward': [],
  'rollout status': ['--timeout', '-w!', '--watch!'],
  'rollout undo': ['--to-revision'],
  // https://kubernetes.io/docs/reference/kubectl/generated/kubectl_rollout/kubectl_rollout_restart/
  'rollout restart': [],
  'rollout history': ['--revision'],
  'argo rollouts get': ['--watch!', '-w!', '--no-color!'],
  'argo rollouts status': ['--timeout', '-t', '--watch!', '-w!'],
  'argo rollouts promote': ['--full!'],
  'argo rollouts abort': [],
  'argo rollouts undo': ['--to-revision'],
  'argo rollouts retry': [],
  'config use-context': [],
  'config current-context': [],
  'argo rollouts pause': [],
  'argo rollouts list': [],
  'argo rollouts version': [],
  // https://kubernetes.io/docs/reference/kubectl/generated/kubectl_version/
  version: ['--client!', '-o', '--output'],
};
/** Flags every kubectl command takes. */
export const GLOBAL = ['-n', '--namespace', '--context'];

/** `configmaps` → `configmap`, `ingressclass` stays. */
export function singular(kind: string): string {
  return kind.endsWith('ses') ? kind.slice(0, -2) : kind.endsWith('ss') ? kind : kind.replace(/s$/, '');
}

/** Seconds in a kubectl/Argo duration (`90m`, `1h30m`, `30s`). */
export function seconds(text: string): number {
  let total = 0;
  for (const [, n, u] of text.matchAll(/(\d+)([smh])/g)) total += Number(n) * { s: 1, m: 60, h: 3600 }[u as 's' | 'm' | 'h'];
  return total;
}

/** What Go's strconv.ParseBool accepts (https://pkg.go.dev/strconv#ParseBool). */
export const GO_BOOLS = ['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False'];
/** Flags of type time.Duration in the kubectl and Argo Rollouts references (`--timeout`, `--since`). */
export const DURATION_FLAGS = ['--timeout', '-t', '--since'];
/** Integer flags (`--tail` int64, `--to-revision` int64): strconv.ParseInt refuses anything else, an empty value included. */
export const INT_FLAGS = ['--tail', '--to-revision'];

/** One requirement of a label selector. */
export interface LabelRequirement {
  readonly key: string;
  readonly operator: 'in' | 'notin' | 'exists' | '!';
  readonly values: readonly string[];
}

/** A label value as the API server validates it: 63 characters at most, alphanumerics, '-', '_', '.', alphanumeric at both ends. */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** A label key: an optional DNS-subdomain prefix and a name. */
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;

/**
 * Parses a label selector as kubectl does (k8s.io/apimachinery `pkg/labels/selector.go`, `Parse`):
 * `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, comma-separated; a key or value
 * the API server would refuse is an error before anything is sent
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set).
 */
export function parseSelector(text: string): { error: string } | LabelRequirement[] {
  const out: LabelRequirement[] = [];
  // Split on commas outside parentheses.
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of text) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  if (current.trim() !== '' || parts.length > 0) parts.push(current);
  const invalid = (what: string, v: string) => ({
    error: `unable to parse requirement: ${what}: Invalid value: "${v}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
  });
  for (const raw of parts) {
    const part = raw.trim();
    const set = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    const eq = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    let req: LabelRequirement;
    if (set) req = { key: set[1], operator: set[2] as 'in' | 'notin', values: set[3].split(',').map((v) => v.trim()) };
    else if (eq) req = { key: eq[1], operator: eq[2] === '!=' ? 'notin' : 'in', values: [eq[3]] };
    else if (part.startsWith('!')) req = { key: part.slice(1), operator: '!', values: [] };
    else req = { key: part, operator: 'exists', values: [] };
    if (!LABEL_KEY.test(req.key) || req.key.length > 316) return { error: `unable to parse requirement: invalid label key "${req.key}"` };
    for (const v of req.values) if (!LABEL_VALUE.test(v) || v.length > 63) return invalid(`values[0][${req.key}]`, v);
    out.push(req);
  }
  return out;
}

/** Whether labels satisfy every requirement of a parsed selector. */
export function matchesSelector(requirements: readonly LabelRequirement[], labels: Record<string, string> = {}): boolean {
  return requirements.every((r) =>
    r.operator === 'in'
      ? r.values.includes(labels[r.key])
      : r.operator === 'notin'
        ? !r.values.includes(labels[r.key])
        : r.operator === 'exists'
          ? r.key in labels
          : !(r.key in labels),
  );
}

/** The verb of a kubectl call (`get`, `rollout status`, `argo rollouts promote`), or undefined. */
export function kubectlVerb(args: readonly string[]): string | undefined {
  const verbWords = args.filter((a, i) => !a.startsWith('-') && !['-n', '--namespace', '--context'].includes(args[i - 1] ?? ''));
  return [3, 2, 1].map((n) => verbWords.slice(0, n).join(' ')).find((v) => KUBECTL[v] !== undefined);
}

/**
 * Parses a kubectl call's flags as kubectl (cobra/pflag) does: an unknown flag, a boolean flag
 * given a value Go's ParseBool refuses, a flag without its value, or a duration Go's
 * time.ParseDuration refuses is an error before anything is sent. Returns the error, or the flags
 * and the other words.
 */
export function parseKubectl(
  args: readonly string[],
): { error: string } | { verb: string; flags: Map<string, string | true>; words: string[] } {
  const verb = kubectlVerb(args);
  if (!verb)
    return {
      error: `unknown kubectl command "kubectl ${args
        .filter((a) => !a.startsWith('-'))
        .slice(0, 3)
        .join(' ')}"`,
    };
  const known = [...KUBECTL[verb], ...GLOBAL];
  const flags = new Map<string, string | true>();
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('-') || a === '-') {
      words.push(a);
      continue;
    }
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (known.includes(`${flag}!`)) {
      if (inline !== undefined && !GO_BOOLS.includes(inline))
        return {
          error: `kubectl ${verb}: invalid argument "${inline}" for "${flag}" flag: strconv.ParseBool: parsing "${inline}": invalid syntax`,
        };
      if (inline === undefined || ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(inline)) flags.set(flag, true);
    } else if (known.includes(flag)) {
      const value = inline ?? args[++i];
      if (value === undefined) return { error: `kubectl ${verb}: flag needs an argument: ${flag}` };
      if (DURATION_FLAGS.includes(flag) && !value.includes('$') && !/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(value) && value !== '0')
        return { error: `kubectl ${verb}: invalid argument "${value}" for "${flag}" flag: time: invalid duration "${value}"` };
      if (INT_FLAGS.includes(flag) && !value.includes('$') && !/^-?\d+$/.test(value))
        return {
          error: `kubectl ${verb}: invalid argument "${value}" for "${flag}" flag: strconv.ParseInt: parsing "${value}": invalid syntax`,
        };
      if (['-l', '--selector'].includes(flag) && !value.includes('$')) {
        const selector = parseSelector(value);
        if ('error' in selector) return { error: `kubectl ${verb}: ${selector.error}` };
      }
      flags.set(flag, value);
    } else {
      return { error: `kubectl ${verb}: unknown flag ${flag}` };
    }
  }
  return { verb, flags, words };
}
