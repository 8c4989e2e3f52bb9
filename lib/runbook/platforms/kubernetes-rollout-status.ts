import type { RolloutStatusRules, RolloutStatusSettings } from '../../plan/kubernetes/rollout-status-rules';
import { AlarmSeverity, type AlarmFact, type RunbookFacts } from '../facts';
import type { AlertingRule } from '../../plan/kubernetes/prometheus-rule';

/** The Rollout's phase alerts in the runbook: paused too long, failed. */
export function rolloutStatusRunbookFacts(settings: RolloutStatusSettings, status: RolloutStatusRules): RunbookFacts {
  const ns = settings.namespace;
  const diagnosis = [
    ...(settings.diagnosis ?? []),
    {
      description: 'Show why the Rollout paused or stopped (once; it returns)',
      command: `kubectl argo rollouts get rollout ${settings.rolloutName} -n ${ns}`,
      expected: 'the status line, the step, and the AnalysisRun with its measurements',
    },
  ];
  const fact = (
    rule: AlertingRule,
    anchor: string,
    severity: AlarmSeverity,
    meaning: string,
    impact: string,
    mitigation: string[],
  ): AlarmFact => ({
    anchor,
    name: rule.alert,
    severity,
    condition: `${rule.expr} for ${rule.for} (PrometheusRule ${ns}/${status.name})`,
    missingData:
      'not breaching: without the Argo Rollouts controller metrics the expression is empty; check that Prometheus scrapes the controller',
    notifies: `Alertmanager, severity="${rule.labels.severity}"`,
    meaning,
    impact,
    diagnosis,
    mitigation,
  });
  return {
    alarms: [
      fact(
        status.rules[0],
        status.anchors[0],
        status.rules[0].labels.severity === 'critical' ? AlarmSeverity.CRITICAL : AlarmSeverity.WARNING,
        status.rules[0].annotations.description,
        'Users may still reach the new version at its current weight while the release waits.',
        [
          `If the new version misbehaves or reports nothing: kubectl argo rollouts abort ${settings.rolloutName} -n ${ns}`,
          `If it is healthy and waits for a promotion: kubectl argo rollouts promote ${settings.rolloutName} -n ${ns}`,
        ],
      ),
      fact(
        status.rules[1],
        status.anchors[1],
        AlarmSeverity.WARNING,
        status.rules[1].annotations.description,
        'None for users: the stable version serves all traffic.',
        ["Read the AnalysisRun and the new pods' events, fix, and release again"],
      ),
    ],
    resources: [{ type: 'monitoring.coreos.com/PrometheusRule', name: status.name }],
  };
}
