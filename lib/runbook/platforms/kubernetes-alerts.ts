import { Duration } from '../../model/duration';
import { AlarmKind, AlarmSignal } from '../../plan/alarm-catalogue';
import type { GeneratedAlert, PrometheusAlertRules, PrometheusAlertsSettings } from '../../plan/kubernetes/prometheus-alert-rules';
import { alertBounds, deadMansSwitchBounds } from '../../plan/kubernetes/release-bounds';
import type { AlarmFact, RunbookCommand, RunbookFacts } from '../facts';
import { alertStateCommand } from './prometheus-proxy';

/**
 * The workload's Prometheus alerts in the runbook: condition, timing, diagnosis and mitigation of each.
 * @param prometheusAddress Prometheus as the cluster reaches it, to ask whether an alert fires now. @default DEFAULT_PROMETHEUS_ADDRESS
 */
export function prometheusAlertsRunbookFacts(
  settings: PrometheusAlertsSettings,
  rules: PrometheusAlertRules,
  prometheusAddress?: string,
): RunbookFacts {
  return {
    alarms: rules.alerts.map((a) => fact(settings, rules, a, prometheusAddress)),
    resources: [{ type: 'monitoring.coreos.com/PrometheusRule', name: settings.name }],
    notes: [
      `alert "Watchdog" (${settings.namespace}) always fires; route it to a dead-man's-switch receiver so that a broken Prometheus or Alertmanager is noticed`,
    ],
  };
}

function fact(settings: PrometheusAlertsSettings, rules: PrometheusAlertRules, a: GeneratedAlert, prometheusAddress?: string): AlarmFact {
  const deadMan = a.kind === AlarmKind.DEAD_MANS_SWITCH;
  const ns = settings.namespace;
  const state = alertStateCommand(a.rule.alert, ns, prometheusAddress);
  return {
    anchor: a.anchor,
    name: a.rule.alert,
    severity: a.definition.severity,
    condition: `${a.rule.expr}${a.rule.for ? ` for ${a.rule.for}` : ''}${timing(settings, rules, a)} (PrometheusRule ${ns}/${settings.name})`,
    missingData:
      a.kind === AlarmKind.WATCHDOG
        ? 'not applicable: the expression is a constant'
        : deadMan
          ? 'breaching: the alert is about missing data'
          : 'not breaching: without the metrics the expression is empty; the DeadMansSwitch alert covers missing data',
    notifies:
      a.kind === AlarmKind.WATCHDOG
        ? 'Alertmanager, severity="none": route it to a dead-man\'s-switch receiver (a service that pages when it stops arriving), never to people'
        : `Alertmanager, severity="${a.rule.labels.severity}"`,
    meaning: a.definition.meaning,
    impact: a.definition.impact,
    diagnosis:
      a.kind === AlarmKind.WATCHDOG
        ? WATCHDOG_DIAGNOSIS
        : [
            ...(settings.diagnosis ?? []),
            ...(deadMan
              ? [
                  {
                    description: 'Check that pods run and are ready',
                    command: `kubectl -n ${ns} get pods -o wide`,
                    expected: 'every pod Running and READY',
                  },
                  {
                    description: 'Check that Prometheus is told to scrape them',
                    command: `kubectl -n ${ns} get podmonitors,servicemonitors`,
                    expected: "the workload's PodMonitor is listed",
                  },
                ]
              : []),
            // Whether it fires now, from Prometheus itself; outside the cluster kubectl cannot reach it,
            // so the rule as loaded is the most the runbook can show.
            state
              ? {
                  description: 'Ask Prometheus whether the alert fires now (its ALERTS series)',
                  command: state,
                  expected: `firing (pending: the condition holds, not yet for ${a.rule.for ?? 'its "for" duration'}; inactive: it has stopped firing)`,
                }
              : {
                  description:
                    'Show the rule Prometheus evaluates (Prometheus is outside the cluster: ask it there whether the alert fires)',
                  command: `kubectl -n ${ns} get prometheusrule ${settings.name} -o yaml`,
                  expected: `a rule "${a.rule.alert}" with the expression above`,
                },
          ],
    mitigation:
      a.definition.signal === AlarmSignal.HEARTBEAT || a.definition.signal === AlarmSignal.CONSTANT
        ? [...a.definition.mitigation]
        : [...(settings.mitigation ?? a.definition.mitigation)],
  };
}

/** The alert's time bound, from the same functions the scenario tests measure against. */
function timing(settings: PrometheusAlertsSettings, rules: PrometheusAlertRules, a: GeneratedAlert): string {
  if (a.kind === AlarmKind.DEAD_MANS_SWITCH) {
    const b = deadMansSwitchBounds(a.window!.plus(a.holdFor), rules.evaluationInterval);
    return `; fires within ${b.latest} of the last good scrape`;
  }
  if (a.window && a.holdFor.toSeconds() > 0) {
    const b = alertBounds(a.window, a.holdFor, settings.scrapeInterval ?? Duration.seconds(30), rules.evaluationInterval);
    return `; fires within ${b.latest} of a sustained breach, not before ${b.earliest}`;
  }
  return '';
}

const WATCHDOG_DIAGNOSIS: RunbookCommand[] = [
  {
    description: 'Find the Prometheus and Alertmanager pods and check they run',
    command: 'kubectl get pods --all-namespaces -l "app.kubernetes.io/name in (prometheus,alertmanager)"',
    expected: 'every pod Running and READY',
  },
];
