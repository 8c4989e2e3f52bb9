import type { AlarmPolicy, Evaluation } from '../../model/alarm-policy';
import type { DeadMansSwitchPolicy } from '../../model/dead-mans-switch';
import { Duration } from '../../model/duration';
import {
  AlarmKind,
  AlarmSeverity,
  AlarmSignal,
  ThresholdUnit,
  alarmCatalogue,
  alertNameOf,
  type AlarmDefinition,
} from '../alarm-catalogue';
import { anchorOf, runbookUrl } from '../../runbook/anchors';
import type { RunbookCommand } from '../../runbook/command';
import { Target } from '../../targets/target';
import type { PrometheusSignals } from './prometheus-signals';
import type { AlertingRule, PrometheusRuleSpec } from './prometheus-rule';
import { rateWindow } from './release-bounds';
import { plain, promDuration } from './units';

/** What the alerts of one workload are built from (`PrometheusAlertsProps` without the construct's own fields). */
export interface PrometheusAlertsSettings {
  /** Name of the PrometheusRule. */
  readonly name: string;
  /** Namespace of the objects. */
  readonly namespace: string;
  /** Service name, written to the `service` label of every alert. */
  readonly service: string;
  /** Environment name, written to the `environment` label of every alert. */
  readonly environment: string;
  /** Where the expressions read from. */
  readonly signals: PrometheusSignals;
  /** Thresholds and evaluation. */
  readonly policy: AlarmPolicy;
  /** The dead-man's switch; `enabled: false` leaves it (and only it) out. */
  readonly deadMansSwitch: DeadMansSwitchPolicy;
  /** Container name, for the CPU and memory alerts. */
  readonly container: string;
  /**
   * How often Prometheus scrapes the workload. The dead-man's switch waits `for` twice this long
   * so one missed scrape does not page.
   * @default 30s
   */
  readonly scrapeInterval?: Duration;
  /** Base URL of the published runbooks. @default - relative links (`runbooks/<file>#<anchor>`) */
  readonly runbookBaseUrl?: string;
  /** Commands on-call runs first when any alert fires. @default - none */
  readonly diagnosis?: readonly RunbookCommand[];
  /** What to do when a critical alert fires, one step each. @default - generic advice */
  readonly mitigation?: readonly string[];
}

/** One generated alert with the numbers it was built from (for tests and the runbook). */
export interface GeneratedAlert {
  readonly kind: AlarmKind;
  /** The catalogue entry it renders. */
  readonly definition: AlarmDefinition;
  /** The rule as written to the PrometheusRule. */
  readonly rule: AlertingRule;
  /** The runbook anchor its `runbook_url` points at. */
  readonly anchor: string;
  /** The threshold the expression compares with, in the expression's unit (ratio, seconds). */
  readonly threshold?: number;
  /** Window of the `rate()` or `absent_over_time()` in the expression. */
  readonly window?: Duration;
  /** How long the condition must hold (`for`). */
  readonly holdFor: Duration;
}

/** The alerts of a workload, the rule spec they are written as, and its evaluation interval. */
export interface PrometheusAlertRules {
  /** The generated alerts in rule order. */
  readonly alerts: readonly GeneratedAlert[];
  /** The rule's spec, as promtool reads it (`promtool check rules`). */
  readonly spec: PrometheusRuleSpec;
  /** The rule group's evaluation interval. */
  readonly evaluationInterval: Duration;
}

/**
 * The alarm policy's critical and warning alerts, a dead-man's switch and a `Watchdog`, as
 * Prometheus alerting rules (see `PrometheusAlerts` in constructs/k8s, which writes them).
 */
export function prometheusAlertRules(settings: PrometheusAlertsSettings): PrometheusAlertRules {
  const scrape = settings.scrapeInterval ?? Duration.seconds(30);
  const alerts = buildAlerts(settings, scrape);
  return {
    alerts,
    evaluationInterval: scrape,
    spec: {
      groups: [{ name: `${settings.service}.${settings.environment}`, interval: promDuration(scrape), rules: alerts.map((a) => a.rule) }],
    },
  };
}

function buildAlerts(settings: PrometheusAlertsSettings, scrape: Duration): GeneratedAlert[] {
  const { policy, signals, deadMansSwitch, container } = settings;
  const windowOf = (evaluation: Evaluation): Duration => rateWindow(evaluation.period, scrape);
  const holdFor = (evaluation: Evaluation): Duration => evaluation.period.times(evaluation.datapointsToAlarm);
  // The rollback trigger is the Argo analysis on Kubernetes (RollbackAnalysis), not an alert.
  const catalogue = alarmCatalogue(policy, { deadMansSwitch, watchdog: true }).filter((a) => a.kind !== AlarmKind.ROLLBACK_ERROR_RATE);
  return catalogue.map((alarm): GeneratedAlert => {
    if (alarm.signal === AlarmSignal.HEARTBEAT) {
      return deadMansSwitchAlert(settings, alarm, deadMansSwitch, scrape);
    }
    if (alarm.signal === AlarmSignal.CONSTANT) {
      return alert(settings, alarm, 'none', 'vector(1)', Duration.seconds(0), 'Alerting pipeline heartbeat: always firing', alarm.meaning);
    }
    const evaluation = alarm.evaluation as Evaluation;
    const window = windowOf(evaluation);
    const hold = holdFor(evaluation);
    const w = promDuration(window);
    // Prometheus reads ratios and seconds where the definition says % and ms.
    const value = alarm.unit === ThresholdUnit.MILLISECONDS ? (alarm.threshold as number) / 1000 : (alarm.threshold as number) / 100;
    const query = {
      [AlarmSignal.ERROR_RATIO]: () => signals.errorRatio(w),
      [AlarmSignal.LATENCY]: () => signals.latencySeconds(alarm.quantile as number, w),
      [AlarmSignal.CPU]: () => signals.cpuRatio(w, container),
      // Memory is a gauge: the working set now, no window.
      [AlarmSignal.MEMORY]: () => signals.memoryRatio(container),
    }[alarm.signal]();
    const severity = alarm.severity === AlarmSeverity.CRITICAL ? 'critical' : 'warning';
    const summary = `${label(settings)}: ${alarm.what} at or above ${alarm.threshold}${alarm.unit === ThresholdUnit.PERCENT ? '%' : ` ${alarm.unit}`}`;
    const description = `${alarm.meaning} Held for ${hold}${alarm.signal === AlarmSignal.MEMORY ? '' : ` over a ${window} window`}.`;
    return alert(settings, alarm, severity, `(${query}) >= ${plain(value)}`, hold, summary, description, {
      threshold: value,
      ...(alarm.signal === AlarmSignal.MEMORY ? {} : { window }),
    });
  });
}

function deadMansSwitchAlert(
  settings: PrometheusAlertsSettings,
  alarm: AlarmDefinition,
  policy: DeadMansSwitchPolicy,
  scrape: Duration,
): GeneratedAlert {
  // `for` spans two scrapes so one missed scrape does not page; the window makes up the rest, so
  // the alert fires `missingFor` after the last sample.
  const hold = scrape.times(2);
  const window = Duration.seconds(policy.missingFor.toSeconds() - hold.toSeconds());
  if (window.toSeconds() < scrape.toSeconds()) {
    throw new Error(
      `deadMansSwitch.missingFor is ${policy.missingFor}; on Prometheus it must be at least 3 × the scrape interval (${scrape.times(3)}) so that one missed scrape does not page; raise missingFor or lower the scrape interval`,
    );
  }
  const heartbeat = settings.signals.heartbeat();
  const w = promDuration(window);
  // absent_over_time() alone stays quiet while targets exist but every scrape fails (up == 0):
  // also fire when no target was up at any time in the window. Both sides aggregate away the
  // pod labels, so the old and new pods of a rollout count together (no alert on pod churn).
  return alert(
    settings,
    alarm,
    'critical',
    `sum(absent_over_time(${heartbeat}[${w}])) or (max(max_over_time(${settings.signals.up()}[${w}])) < 1)`,
    hold,
    `${label(settings)}: no heartbeat for ${policy.missingFor}`,
    `No sample of ${heartbeat}, or no scrape target up, for ${policy.missingFor}: the workload is gone, down, not scraped, or not reporting. Missing data counts as an outage.`,
    { window },
  );
}

function alert(
  settings: PrometheusAlertsSettings,
  alarm: AlarmDefinition,
  severity: 'critical' | 'warning' | 'none',
  expr: string,
  holdFor: Duration,
  summary: string,
  description: string,
  extra: { threshold?: number; window?: Duration } = {},
): GeneratedAlert {
  const kind = alarm.kind;
  const anchor = anchorOf(`${settings.namespace}-${kind}`);
  const url = runbookUrl(
    { service: settings.service, environment: settings.environment, target: Target.KUBERNETES, baseUrl: settings.runbookBaseUrl },
    anchor,
  );
  const rule: AlertingRule = {
    alert: alertNameOf(kind),
    expr,
    ...(holdFor.toSeconds() > 0 ? { for: promDuration(holdFor) } : {}),
    labels: { severity, service: settings.service, environment: settings.environment, namespace: settings.namespace },
    annotations: { summary, description, runbook_url: url },
  };
  return { kind, definition: alarm, rule, anchor, holdFor, ...extra };
}

function label(settings: PrometheusAlertsSettings): string {
  return `${settings.service} (${settings.environment})`;
}
