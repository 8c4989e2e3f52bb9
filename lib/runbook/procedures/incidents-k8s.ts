import { Duration } from '../../model/duration';
import { timeBound } from '../../plan/timing';
import type { IncidentProcedure } from './incident-procedure';

/** What the Kubernetes incident procedures name. */
export interface KubernetesIncidentNames {
  readonly namespace: string;
  readonly rollout: string;
  /** The Prometheus HTTP API through the API server's service proxy, e.g. `/api/v1/namespaces/monitoring/services/prometheus-operated:9090/proxy`. */
  readonly prometheusProxy: string;
  /** Selector of the workload's request counter, e.g. `http_requests_total{namespace="checkout-prod",job="checkout"}`. */
  readonly requests: string;
  readonly budget: Duration;
}

/**
 * A canary paused, or its analysis Inconclusive (too few measurements: Argo pauses the Rollout;
 * https://argo-rollouts.readthedocs.io/en/stable/features/analysis/#inconclusive-runs). The
 * question is whether the canary receives routed traffic at all: requests per second by pod
 * template hash (Argo labels canary and stable pods with `rollouts-pod-template-hash`,
 * https://argo-rollouts.readthedocs.io/en/stable/features/specification/) tell a quiet night (both
 * low) from a canary nothing reaches (stable busy, canary 0: routing is broken, nothing was
 * measured, never promote). `status` watches until Healthy or Degraded, so on a Paused rollout it
 * only returns at its --timeout: read it with --watch=false instead.
 */
export function canaryPaused(n: KubernetesIncidentNames): IncidentProcedure {
  const query = `sum by (rollouts_pod_template_hash) (rate(${n.requests}[5m]))`;
  const url = `${n.prometheusProxy}/api/v1/query?query=${encodeURIComponent(query)}`;
  const ro = `${n.rollout} -n ${n.namespace}`;
  return {
    title: 'canary paused or Inconclusive',
    when: `rollout ${n.rollout} is Paused at a canary step, or its analysis ended Inconclusive`,
    commands: [
      {
        description:
          'Read the rollout once (status --watch=false does not block; with a --timeout on a Paused rollout it waits the whole timeout)',
        command: [`kubectl argo rollouts status ${ro} --watch=false`, `kubectl argo rollouts get rollout ${ro}`].join('\n'),
        expected: 'Paused, the step and the canary weight',
      },
      {
        description:
          'Requests per second of canary and stable pods over 5m (by rollouts-pod-template-hash, lowest first: the canary at its small weight)',
        command: [
          `kubectl get --raw "${url}" | jq -r '[.data.result[] | .value[1] | tonumber] | sort | "\\(.[0] // 0) \\(.[-1] // 0)"' > rates.txt`,
          'read -r CANARY_RPS STABLE_RPS < rates.txt',
          'echo "canary $CANARY_RPS req/s, stable $STABLE_RPS req/s"',
        ].join('\n'),
        expected: 'two rates',
      },
      {
        description:
          'Decide: stable has traffic and the canary none = routing is broken and nothing was measured: abort (all traffic stays on stable). Both quiet = a quiet night: leave it paused until traffic returns. Canary has traffic = the analysis lacked requests: promote one step, and the next analysis decides',
        command: [
          'if awk -v c="$CANARY_RPS" -v s="$STABLE_RPS" \'BEGIN { exit !(c == 0 && s > 0) }\'; then',
          `  echo "no routed traffic reaches the canary: aborting"; kubectl argo rollouts abort ${ro}`,
          'elif awk -v c="$CANARY_RPS" \'BEGIN { exit !(c == 0) }\'; then',
          '  echo "quiet: no traffic anywhere; leave the rollout paused until traffic returns"',
          'else',
          `  echo "the canary receives traffic: promoting one step"; kubectl argo rollouts promote ${ro}`,
          'fi',
        ].join('\n'),
        expected: 'which case applied',
      },
      {
        description: 'Read the result once',
        command: `kubectl argo rollouts status ${ro} --watch=false`,
        expected: 'Degraded (aborted: stable serves everything), Paused (left for the morning) or Progressing',
      },
    ],
    bound: timeBound(
      [
        { what: 'read the rollout and the request rates (allowance)', duration: Duration.minutes(2) },
        { what: 'Argo Rollouts moves traffic back to stable (estimate)', duration: Duration.seconds(30) },
      ],
      n.budget,
    ),
    notes: ['A canary that received no traffic has proved nothing: promoting it is releasing unmeasured.'],
  };
}
