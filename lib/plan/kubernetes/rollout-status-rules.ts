import { Duration } from '../../model/duration';
import type { ArgoRolloutPlan } from '../rollout/argo-schedule';
import { anchorOf, runbookUrl } from '../../runbook/anchors';
import type { RunbookCommand } from '../../runbook/command';
import { Target } from '../../targets/target';
import type { AlertingRule } from './prometheus-rule';
import { promDuration } from './units';

/** What the alerts on a Rollout's phase are built from (the props of `RolloutStatusAlerts` in constructs/k8s). */
export interface RolloutStatusSettings {
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

/** The rules on a Rollout's phase, their runbook anchors and the longest pause they allow. */
export interface RolloutStatusRules {
  /** Name of the PrometheusRule: `<rollout>-rollout-status`. */
  readonly name: string;
  /** The rules, in order: paused too long, failed. */
  readonly rules: readonly AlertingRule[];
  /** The runbook anchors of the rules, in the same order. */
  readonly anchors: readonly string[];
  /** How long the Rollout may stay Paused before the alert. */
  readonly pausedFor: Duration;
}

/** `RolloutPausedTooLong` and `RolloutFailed` for one Rollout (see `RolloutStatusAlerts` in constructs/k8s). */
export function rolloutStatusRules(settings: RolloutStatusSettings): RolloutStatusRules {
  const { rolloutName, namespace } = settings;
  const name = `${rolloutName}-rollout-status`;
  // Consecutive pause steps can read as one Paused period (the Progressing moments between them
  // are shorter than a scrape), so the whole planned bake is the longest legitimate pause.
  const pausedFor = settings.plan.schedule.totalBake.plus(Duration.seconds(settings.progressDeadlineSeconds));
  // A paused canary may keep users on the new version; a paused blue-green preview serves none.
  const pausedSeverity = settings.plan.canary ? 'critical' : 'warning';
  const phase = (matcher: string) =>
    `max(rollout_info{name="${rolloutName}",namespace="${namespace}",phase=${matcher}} or rollout_info{name="${rolloutName}",exported_namespace="${namespace}",phase=${matcher}})`;
  const labels = (severity: string) => ({ severity, service: settings.service, environment: settings.environment, namespace });
  const anchors = [anchorOf(`${namespace}-rollout-paused`), anchorOf(`${namespace}-rollout-failed`)];
  const url = (anchor: string) =>
    runbookUrl(
      { service: settings.service, environment: settings.environment, target: Target.KUBERNETES, baseUrl: settings.runbookBaseUrl },
      anchor,
    );
  const rules: AlertingRule[] = [
    {
      alert: 'RolloutPausedTooLong',
      expr: `${phase('"Paused"')} == 1`,
      for: promDuration(pausedFor),
      labels: labels(pausedSeverity),
      annotations: {
        summary: `${settings.service} (${settings.environment}): Rollout ${rolloutName} paused for more than ${pausedFor}`,
        description: `Argo Rollouts reports Rollout ${namespace}/${rolloutName} Paused for longer than its whole planned bake plus the progress deadline: an inconclusive analysis (too little traffic, or a hung or crashing new version that reports nothing) or a promotion nobody gave. The new version may still receive traffic.`,
        runbook_url: url(anchors[0]),
      },
    },
    {
      alert: 'RolloutFailed',
      expr: `${phase(`~"${FAILED_ROLLOUT_PHASES.join('|')}"`)} == 1`,
      for: '1m',
      labels: labels('warning'),
      annotations: {
        summary: `${settings.service} (${settings.environment}): Rollout ${rolloutName} aborted or failed`,
        description: `Argo Rollouts reports Rollout ${namespace}/${rolloutName} in phase Abort, Timeout, Error or InvalidSpec: the release stopped and the stable version serves all traffic.`,
        runbook_url: url(anchors[1]),
      },
    },
  ];
  return { name, rules, anchors, pausedFor };
}
