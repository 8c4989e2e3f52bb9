import { PrometheusSignals } from '../prometheus-signals';

/** ingress-nginx's request counter (`internal/ingress/metric/collectors/socket.go`). */
export const INGRESS_NGINX_REQUESTS = 'nginx_ingress_controller_requests';

export { ingressUpstreamName } from '../../../lib/plan/kubernetes/ingress-upstream';

/** What the error-rate measurement of the new version reads. */
export interface CanaryQueryOptions {
  readonly signals: PrometheusSignals;
  /** Query window, Prometheus notation. */
  readonly window: string;
  /** Matcher of the new version's series (`rollouts_pod_template_hash="…"`). */
  readonly canary: string;
  /** Matcher of the old version's series. */
  readonly stable: string;
  /** Requests a source must have counted before its ratio is judged. */
  readonly minimumRequests: number;
  /** ingress-nginx canary upstream name, to count what the ingress saw. @default - the app's counters only */
  readonly ingressCanaryUpstream?: string;
  /** Old-version requests with none reaching the new version that make a window lost traffic. @default - no lost-traffic check */
  readonly lostTrafficRequests?: number;
}

/**
 * The new version's error ratio over the window, the worse of two sources, each judged from
 * `minimumRequests` requests: its own counters, and what the ingress controller answered for the
 * canary upstream (which includes the 502/504 the ingress answers for a hung or crashing pod, and
 * timeouts the app never counts). A window where the new version served nothing while the old one
 * served `lostTrafficRequests` gives 1 (every request failed): lost traffic fails the measurement
 * instead of leaving it inconclusive. Empty (inconclusive) only when there was too little traffic
 * on both versions to tell.
 */
export function canaryErrorRatioQuery(o: CanaryQueryOptions): string {
  const { signals, window, canary, minimumRequests: g } = o;
  const labelled = (expr: string, source: string) => `label_replace(${expr}, "source", "${source}", "", "")`;
  const judged = (failed: string, served: string) => `(${failed} / ${served}) and on() (${served} >= ${g})`;
  const sources = [labelled(judged(signals.failed(window, canary), signals.served(window, canary)), 'app')];
  const seen = [labelled(signals.served(window, canary), 'app')];
  if (o.ingressCanaryUpstream) {
    const ingress = `${INGRESS_NGINX_REQUESTS}{canary="${o.ingressCanaryUpstream}"}`;
    const served = PrometheusSignals.windowCount(ingress, window);
    const failed = `(${PrometheusSignals.windowCount(`${INGRESS_NGINX_REQUESTS}{canary="${o.ingressCanaryUpstream}",status=~"5.."}`, window)} or vector(0))`;
    sources.push(labelled(judged(failed, served), 'ingress'));
    seen.push(labelled(served, 'ingress'));
  }
  if (o.lostTrafficRequests !== undefined) {
    const canaryServed = `(max(${seen.join(' or ')}) or vector(0))`;
    sources.push(
      labelled(
        `vector(1) and on() (${canaryServed} == 0) and on() (${signals.served(window, o.stable)} >= ${o.lostTrafficRequests})`,
        'lost-traffic',
      ),
    );
  }
  return `max(${sources.join(' or ')})`;
}
