/** One Prometheus alerting rule. */
export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}
/** `monitoring.coreos.com/v1` PrometheusRule spec. */
export interface PrometheusRuleSpec {
  readonly groups: readonly { readonly name: string; readonly interval?: string; readonly rules: readonly AlertingRule[] }[];
}
