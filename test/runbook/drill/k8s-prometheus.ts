import type { StubResult } from './aws-world';
import type { KubeObject } from './k8s-cluster';

type Series = { metric: Record<string, string>; value: [number, string] }[];

/** What the simulated Prometheus knows: the cluster's PrometheusRules, the alerts firing, the canary's traffic. */
export interface PrometheusState {
  readonly objects: readonly KubeObject[];
  readonly firing: readonly { alert: string; labels: Record<string, string> }[];
  readonly rollout: { readonly canaryRps: number; readonly stableRps: number };
  readonly clock: number;
}

/**
 * `kubectl get --raw PATH`: the Prometheus HTTP API through the API server's service proxy. The path
 * must name a Service of the cluster and one of its ports
 * (https://kubernetes.io/docs/tasks/access-application-cluster/access-cluster-services/#manually-constructing-apiserver-proxy-urls);
 * `/api/v1/rules` answers the rule groups of the PrometheusRules, `/api/v1/query` an instant query.
 */
export function prometheusRaw(raw: string, state: PrometheusState): StubResult {
  const proxy = /^\/api\/v1\/namespaces\/([^/]+)\/services\/(?:https?:)?([^/:]+):(\d+)\/proxy(\/.*)$/.exec(raw);
  if (raw.includes('/proxy')) {
    const service =
      proxy && state.objects.find((o) => o.kind === 'Service' && o.metadata.name === proxy[2] && o.metadata.namespace === proxy[1]);
    const ports = ((service?.spec?.ports ?? []) as { port: number }[]).map((p) => p.port);
    if (!proxy || !service || !ports.includes(Number(proxy[3])))
      return { stdout: `kubectl get --raw ${raw}: no Service port behind this proxy path`, status: 1 };
  }
  if (raw.includes('/api/v1/rules')) {
    const groups = state.objects
      .filter((o) => o.kind === 'PrometheusRule')
      .flatMap((o) => ((o.spec?.groups ?? []) as { name: string }[]).map((g) => ({ name: g.name, rules: [] })));
    return { stdout: JSON.stringify({ status: 'success', data: { groups } }), status: 0 };
  }
  const result = queryResult(raw, state);
  if (typeof result === 'string') return { stdout: `kubectl get --raw: ${result}`, status: 1 };
  return { stdout: JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }), status: 0 };
}

/**
 * A Prometheus instant query: request rates by role (canary pods carry the `rollouts-pod-template-hash`
 * of the canary ReplicaSet), `ALERTS{…}`, else one series.
 */
function queryResult(raw: string, state: PrometheusState): Series | string {
  const q = decodeURIComponent(raw.replace(/^.*[?&]query=/, '').replace(/\+/g, ' '));
  const alerts = /^ALERTS\{(.*)\}$/.exec(q);
  if (alerts) return alertsSeries(alerts[1], state);
  if (/canary|rollouts_pod_template_hash|role/.test(q) && /rate|increase/.test(q))
    return [
      { metric: { role: 'canary' }, value: [state.clock, String(state.rollout.canaryRps)] },
      { metric: { role: 'stable' }, value: [state.clock, String(state.rollout.stableRps)] },
    ];
  return [{ metric: {}, value: [state.clock, '2'] }];
}

/**
 * `ALERTS{...}`: one series per pending or firing alert, labelled `alertname`, `alertstate` and the
 * alert's labels, value 1; an inactive alert has none
 * (https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/#inspecting-alerts-during-runtime).
 * Prometheus answers an empty vector for an alert no rule defines, which reads as "inactive": the
 * drill refuses the query instead, as the runbook must name an alert that exists.
 */
function alertsSeries(matchers: string, state: PrometheusState): Series | string {
  const wanted = [...matchers.matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k, v] as const);
  if (wanted.map(([k, v]) => `${k}="${v}"`).join(',') !== matchers) return `ALERTS{${matchers}}: only label="value" matchers are simulated`;
  const defined = state.objects
    .filter((o) => o.kind === 'PrometheusRule')
    .flatMap((o) => ((o.spec?.groups ?? []) as { rules: { alert?: string; labels?: Record<string, string> }[] }[]).flatMap((g) => g.rules))
    .filter((r) => r.alert)
    .map((r) => ({ alertname: r.alert!, ...r.labels }) as Record<string, string>);
  if (!defined.some((d) => wanted.every(([k, v]) => k === 'alertstate' || d[k] === v)))
    return `ALERTS{${matchers}}: no alerting rule of the cluster has these labels`;
  return state.firing
    .map((f) => ({ __name__: 'ALERTS', alertname: f.alert, alertstate: 'firing', ...f.labels }) as Record<string, string>)
    .filter((m) => wanted.every(([k, v]) => m[k] === v))
    .map((metric) => ({ metric, value: [state.clock, '1'] as [number, string] }));
}
