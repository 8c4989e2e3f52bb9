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
