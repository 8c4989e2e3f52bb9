import { Construct } from 'constructs';
import type { Duration } from '../../lib/model/duration';
import { AlarmKind, alertNameOf } from '../../lib/plan/alarm-catalogue';
import { prometheusAlertRules, type GeneratedAlert, type PrometheusAlertsSettings } from '../../lib/plan/kubernetes/prometheus-alert-rules';
import type { IRunbookContributor, RunbookFacts } from '../../lib/runbook/facts';
import { prometheusAlertsRunbookFacts } from '../../lib/runbook/platforms/kubernetes-alerts';
import type { PrometheusSignals } from './prometheus-signals';
import { KubePrometheusRule, type PrometheusRuleSpec } from './private/crds';

export type { GeneratedAlert } from '../../lib/plan/kubernetes/prometheus-alert-rules';

/** Props of `PrometheusAlerts`. */
export interface PrometheusAlertsProps extends PrometheusAlertsSettings {
  /**
   * Labels the Prometheus selects rules by (kube-prometheus-stack: `release: <Helm release>`).
   * @default - none: only a Prometheus with an empty rule selector loads the rule
   */
  readonly labels?: Record<string, string>;
}

/** The kinds of alerts `PrometheusAlerts` writes, named like the AWS alarms. */
export const AlertKind = AlarmKind;
/** @deprecated use `AlarmKind` from the core alarm catalogue. */
export type AlertKind = AlarmKind;

/**
 * A prometheus-operator `PrometheusRule` with the alarm policy's critical and warning alerts, a
 * dead-man's switch and a `Watchdog`. Every alert carries `severity`, `service`, `environment` and
 * `namespace` labels and `summary`, `description` and `runbook_url` annotations; the runbook URL
 * points at the same anchor as the alert's runbook section.
 *
 * Thresholds fire at the threshold (`>=`). Missing request metrics make the ratios empty, so the
 * ratio alerts stay quiet; the dead-man's switch (`absent_over_time` on the heartbeat) is the alert
 * for missing data, and `Watchdog` always fires so that a silent alerting pipeline is noticed.
 *
 * @see https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/
 */
export class PrometheusAlerts extends Construct implements IRunbookContributor {
  /** The generated alerts in rule order. */
  public readonly alerts: readonly GeneratedAlert[];
  /** The rule's spec, as promtool reads it (`promtool check rules`). */
  public readonly spec: PrometheusRuleSpec;
  /** The rule group's evaluation interval. */
  public readonly evaluationInterval: Duration;
  /** The PrometheusRule's name. */
  public readonly name: string;
  /** Where the expressions read from. */
  public readonly signals: PrometheusSignals;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: PrometheusAlertsProps,
  ) {
    super(scope, id);
    this.name = props.name;
    this.signals = props.signals;
    const rules = prometheusAlertRules(props);
    this.evaluationInterval = rules.evaluationInterval;
    this.alerts = rules.alerts;
    this.spec = rules.spec;
    new KubePrometheusRule(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace, ...(props.labels ? { labels: props.labels } : {}) },
      spec: this.spec,
    });
  }

  /** The alerts' part of the runbook (text in lib/runbook/platforms/kubernetes-alerts.ts). */
  public runbookFacts(): RunbookFacts {
    return prometheusAlertsRunbookFacts(this.props, {
      alerts: this.alerts,
      spec: this.spec,
      evaluationInterval: this.evaluationInterval,
    });
  }
}

/**
 * Prometheus alert names are metric-name-like: `critical-error-rate` → `CriticalErrorRate`.
 * @deprecated use `alertNameOf` from the core alarm catalogue.
 */
export function alertName(kind: AlarmKind): string {
  return alertNameOf(kind);
}
