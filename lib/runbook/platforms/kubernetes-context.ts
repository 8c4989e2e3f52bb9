import type { RunbookFacts } from '../facts';

/**
 * A command with `--context` on every kubectl call, so it cannot run against whichever cluster
 * is current. Plugins take global flags after their name (kubectl looks the plugin up from the
 * first arguments), so `kubectl argo rollouts` gets it after `rollouts`.
 */
export function withKubectlContext(command: string, context: string): string {
  return command
    .replace(/\bkubectl argo rollouts /g, `kubectl argo rollouts --context ${context} `)
    .replace(/\bkubectl (?!argo rollouts )/g, `kubectl --context ${context} `);
}

/** Runbook facts with every command and watch line naming the kubeconfig context. */
export function factsWithKubectlContext(facts: RunbookFacts, context: string | undefined): RunbookFacts {
  if (!context) return facts;
  const visit = (value: unknown, key?: string): unknown => {
    if (typeof value === 'string') return key === 'command' || key === 'watch' ? withKubectlContext(value, context) : value;
    if (Array.isArray(value)) return value.map((v) => visit(v, key));
    // Leave class instances (Duration, schedules' values) as they are.
    if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(v, k)]));
    }
    return value;
  };
  return visit(facts) as RunbookFacts;
}
