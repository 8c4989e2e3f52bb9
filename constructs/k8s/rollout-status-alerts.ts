import { Construct } from 'constructs';
import { Duration } from '../../lib/model/duration';
import type { ArgoRolloutPlan } from '../../lib/plan/argo-schedule';
import { anchorOf, runbookUrl } from '../../lib/runbook/anchors';
import { AlarmSeverity, type AlarmFact, type IRunbookContributor, type RunbookCommand, type RunbookFacts } from '../../lib/runbook/facts';
import { Target } from '../../lib/targets/target';
import { KubePrometheusRule, type AlertingRule } from './private/crds';
import { promDuration } from './private/units';

/** Props of `RolloutStatusAlerts`. */
export interface RolloutStatusAlertsProps {
  /** Name of the Rollout, e.g. `checkout`; the PrometheusRule is `<name>-rollout-status`. */
  readonly rolloutName: string;
  /** Namespace of the Rollout and the rule. */
  readonly namespace: string;
  /** Service and environment, written to the alert labels. */
  readonly service: string;
  readonly environment: string;
  /** The compiled Argo plan, for the longest pause it plans. */
  readonly plan: ArgoRolloutPlan;
  /** Seconds after which Argo aborts a rollout that makes no progress (`progressDeadlineSeconds`). */
  readonly progressDeadlineSeconds: number;
  /** Labels the Prometheus selects rules by. @default - none */
  readonly labels?: Record<string, string>;
  /** Base URL of the published runbooks; without it `runbook_url` is a relative link. @default - relative */
  readonly runbookBaseUrl?: string;
  /** Commands that show the Rollout's state. @default - none */
  readonly diagnosis?: readonly RunbookCommand[];
}

/** The Argo Rollouts controller's reconcile phases that mean the release failed (controller/metrics/rollouts.go). */
export const FAILED_ROLLOUT_PHASES = ['Abort', 'Timeout', 'Error', 'InvalidSpec'] as const;

/**
 * Alerts on what the Argo Rollouts controller reports about the Rollout itself, from its
 * `rollout_info{namespace, name, strategy, traffic_router, phase}` gauge (argoproj/argo-rollouts
 * `controller/metrics/prommetrics.go`; phases from `controller/metrics/rollouts.go`
 * `calculatePhase`: Progressing, Paused, Completed, Timeout, Error, Abort, InvalidSpec):
 *
 * - `RolloutPausedTooLong` (critical for a canary, warning for blue-green, whose paused preview
 *   has no users): Paused for longer than the plan's whole bake plus the progress deadline. An inconclusive analysis (too little traffic, a hung or
 *   crash-looping canary that reports nothing) pauses the Rollout with the canary weight still
 *   set (`rollout/analysis.go`), and nothing else alerts; so does a manual promotion nobody gave.
 * - `RolloutFailed` (warning): the controller reports Abort, Timeout, Error or InvalidSpec for a
 *   minute. Users are on the stable version; the release needs a person.
 *
 * The controller's own `namespace` label becomes `exported_namespace` when the scrape config
 * does not honour labels (a ServiceMonitor's default), so both are matched. The controller must
 * be scraped by the Prometheus that evaluates this rule.
 *
 * @see https://argo-rollouts.readthedocs.io/en/stable/features/controller-metrics/
 */
export class RolloutStatusAlerts extends Construct implements IRunbookContributor {
  /** The rules, in order: paused too long, failed. */
  public readonly rules: readonly AlertingRule[];
  /** How long the Rollout may stay Paused before the critical alert. */
  public readonly pausedFor: Duration;
  /** The PrometheusRule's name. */
  public readonly name: string;
  private readonly anchors: readonly string[];

  constructor(
    scope: Construct,
    id: string,
    private readonly props: RolloutStatusAlertsProps,
  ) {
    super(scope, id);
    const { rolloutName, namespace } = props;
    this.name = `${rolloutName}-rollout-status`;
    // Consecutive pause steps can read as one Paused period (the Progressing moments between them
    // are shorter than a scrape), so the whole planned bake is the longest legitimate pause.
    this.pausedFor = props.plan.schedule.totalBake.plus(Duration.seconds(props.progressDeadlineSeconds));
    // A paused canary may keep users on the new version; a paused blue-green preview serves none.
    const pausedSeverity = props.plan.canary ? 'critical' : 'warning';
    const phase = (matcher: string) =>
      `max(rollout_info{name="${rolloutName}",namespace="${namespace}",phase=${matcher}} or rollout_info{name="${rolloutName}",exported_namespace="${namespace}",phase=${matcher}})`;
    const labels = (severity: string) => ({ severity, service: props.service, environment: props.environment, namespace });
    this.anchors = [anchorOf(`${namespace}-rollout-paused`), anchorOf(`${namespace}-rollout-failed`)];
    const url = (anchor: string) =>
      runbookUrl(
        { service: props.service, environment: props.environment, target: Target.KUBERNETES, baseUrl: props.runbookBaseUrl },
        anchor,
      );
    this.rules = [
      {
        alert: 'RolloutPausedTooLong',
        expr: `${phase('"Paused"')} == 1`,
        for: promDuration(this.pausedFor),
        labels: labels(pausedSeverity),
        annotations: {
          summary: `${props.service} (${props.environment}): Rollout ${rolloutName} paused for more than ${this.pausedFor}`,
          description: `Argo Rollouts reports Rollout ${namespace}/${rolloutName} Paused for longer than its whole planned bake plus the progress deadline: an inconclusive analysis (too little traffic, or a hung or crashing new version that reports nothing) or a promotion nobody gave. The new version may still receive traffic.`,
          runbook_url: url(this.anchors[0]),
        },
      },
      {
        alert: 'RolloutFailed',
        expr: `${phase(`~"${FAILED_ROLLOUT_PHASES.join('|')}"`)} == 1`,
        for: '1m',
        labels: labels('warning'),
        annotations: {
          summary: `${props.service} (${props.environment}): Rollout ${rolloutName} aborted or failed`,
          description: `Argo Rollouts reports Rollout ${namespace}/${rolloutName} in phase Abort, Timeout, Error or InvalidSpec: the release stopped and the stable version serves all traffic.`,
          runbook_url: url(this.anchors[1]),
        },
      },
    ];
    new KubePrometheusRule(this, 'Resource', {
      metadata: { name: this.name, namespace, ...(props.labels ? { labels: props.labels } : {}) },
      spec: { groups: [{ name: `${props.service}.${props.environment}.rollout`, interval: '30s', rules: this.rules }] },
    });
  }

  public runbookFacts(): RunbookFacts {
    const ns = this.props.namespace;
    const diagnosis = [
      ...(this.props.diagnosis ?? []),
      {
        description: 'Show why the Rollout paused or stopped (once; it returns)',
        command: `kubectl argo rollouts get rollout ${this.props.rolloutName} -n ${ns}`,
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
      condition: `${rule.expr} for ${rule.for} (PrometheusRule ${ns}/${this.name})`,
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
          this.rules[0],
          this.anchors[0],
          this.rules[0].labels.severity === 'critical' ? AlarmSeverity.CRITICAL : AlarmSeverity.WARNING,
          this.rules[0].annotations.description,
          'Users may still reach the new version at its current weight while the release waits.',
          [
            `If the new version misbehaves or reports nothing: kubectl argo rollouts abort ${this.props.rolloutName} -n ${ns}`,
            `If it is healthy and waits for a promotion: kubectl argo rollouts promote ${this.props.rolloutName} -n ${ns}`,
          ],
        ),
        fact(
          this.rules[1],
          this.anchors[1],
          AlarmSeverity.WARNING,
          this.rules[1].annotations.description,
          'None for users: the stable version serves all traffic.',
          ["Read the AnalysisRun and the new pods' events, fix, and release again"],
        ),
      ],
      resources: [{ type: 'monitoring.coreos.com/PrometheusRule', name: this.name }],
    };
  }
}
