import { DEFAULT_PROMETHEUS_ADDRESS } from '../../model/kubernetes';

/**
 * A `kubectl get --raw` to the Prometheus HTTP API through the API server's service proxy
 * (`/api/v1/namespaces/<ns>/services/[https:]<service>:<port>/proxy/<path>`,
 * https://kubernetes.io/docs/tasks/access-application-cluster/access-cluster-services/#manually-constructing-apiserver-proxy-urls),
 * when Prometheus runs in the cluster (an address `http(s)://<service>.<namespace>.svc[.cluster.local][:port]`);
 * `undefined` for an address outside the cluster, which kubectl cannot reach.
 */
export function prometheusApiCommand(address: string, pathAndQuery: string): string | undefined {
  const m = /^(https?):\/\/([^./:]+)\.([^./:]+)\.svc(?:\.cluster\.local)?(?::(\d+))?\/?$/.exec(address);
  if (!m) return undefined;
  const [, scheme, service, namespace, port] = m;
  const target = `${scheme === 'https' ? 'https:' : ''}${service}:${port ?? (scheme === 'https' ? '443' : '80')}`;
  return `kubectl get --raw "/api/v1/namespaces/${namespace}/services/${target}/proxy${pathAndQuery}"`;
}

/**
 * Whether an alert fires now, as Prometheus evaluates it: the `ALERTS` series Prometheus keeps for
 * every pending or firing alert, labelled `alertname`, `alertstate` ("pending" or "firing") and the
 * alert's labels (https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/#inspecting-alerts-during-runtime).
 * No series means the alert is inactive. `undefined` when Prometheus is outside the cluster.
 * @param address Prometheus as the cluster reaches it. @default DEFAULT_PROMETHEUS_ADDRESS
 */
export function alertStateCommand(alert: string, namespace: string, address = DEFAULT_PROMETHEUS_ADDRESS): string | undefined {
  const query = `ALERTS{alertname="${alert}",namespace="${namespace}"}`;
  const raw = prometheusApiCommand(address, `/api/v1/query?query=${encodeURIComponent(query)}`);
  return raw && `${raw} | jq -r '[.data.result[].metric.alertstate] | unique | if length == 0 then "inactive" else join(" ") end'`;
}
