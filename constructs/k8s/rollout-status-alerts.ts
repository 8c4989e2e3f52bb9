import { Construct } from 'constructs';
import type { Duration } from '../../lib/model/duration';
import { rolloutStatusRules, type RolloutStatusRules, type RolloutStatusSettings } from '../../lib/plan/kubernetes/rollout-status-rules';
import type { IRunbookContributor, RunbookFacts } from '../../lib/runbook/facts';
import { rolloutStatusRunbookFacts } from '../../lib/runbook/platforms/kubernetes-rollout-status';
import { KubePrometheusRule, type AlertingRule } from './private/crds';

/** Props of `RolloutStatusAlerts`. */
export type RolloutStatusAlertsProps = RolloutStatusSettings;

export { FAILED_ROLLOUT_PHASES } from '../../lib/plan/kubernetes/rollout-status-rules';

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
  private readonly status: RolloutStatusRules;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: RolloutStatusAlertsProps,
  ) {
    super(scope, id);
    const status = rolloutStatusRules(props);
    this.status = status;
    this.name = status.name;
    this.pausedFor = status.pausedFor;
    this.rules = status.rules;
    const { namespace } = props;
    new KubePrometheusRule(this, 'Resource', {
      metadata: { name: this.name, namespace, ...(props.labels ? { labels: props.labels } : {}) },
      spec: { groups: [{ name: `${props.service}.${props.environment}.rollout`, interval: '30s', rules: this.rules }] },
    });
  }

  /** The alerts' part of the runbook (text in lib/runbook/platforms/kubernetes-rollout-status.ts). */
  public runbookFacts(): RunbookFacts {
    return rolloutStatusRunbookFacts(this.props, this.status);
  }
}
