import { Construct } from 'constructs';
import type { AlarmPolicy, Evaluation } from '../../lib/model/alarm-policy';
import type { DeadMansSwitchPolicy } from '../../lib/model/dead-mans-switch';
import { Duration } from '../../lib/model/duration';
import { AlarmKind, AlarmSignal, ThresholdUnit, alarmCatalogue, alertNameOf, type AlarmDefinition } from '../../lib/plan/alarm-catalogue';
import { anchorOf, runbookUrl } from '../../lib/runbook/anchors';
import { AlarmSeverity, type AlarmFact, type IRunbookContributor, type RunbookCommand, type RunbookFacts } from '../../lib/runbook/facts';
import { Target } from '../../lib/targets/target';
import type { PrometheusSignals } from './prometheus-signals';
import { KubePrometheusRule, type AlertingRule, type PrometheusRuleSpec } from './private/crds';
import { plain, promDuration } from './private/units';
import { alertBounds, deadMansSwitchBounds, rateWindow } from './release-bounds';

/** Props of `PrometheusAlerts`. */
export interface PrometheusAlertsProps {
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
  /**
   * Labels the Prometheus selects rules by (kube-prometheus-stack: `release: <Helm release>`).
   * @default - none: only a Prometheus with an empty rule selector loads the rule
   */
  readonly labels?: Record<string, string>;
  /** Base URL of the published runbooks. @default - relative links (`runbooks/<file>#<anchor>`) */
  readonly runbookBaseUrl?: string;
  /** Commands on-call runs first when any alert fires. @default - none */
  readonly diagnosis?: readonly RunbookCommand[];
  /** What to do when a critical alert fires, one step each. @default - generic advice */
  readonly mitigation?: readonly string[];
}

/**
 * The kinds of alerts `PrometheusAlerts` writes, named like the AWS alarms.
 * @deprecated use `AlarmKind` from the core alarm catalogue.
 */
export const AlertKind = AlarmKind;
/** @deprecated use `AlarmKind` from the core alarm catalogue. */
export type AlertKind = AlarmKind;

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
    const scrape = props.scrapeInterval ?? Duration.seconds(30);
    this.evaluationInterval = scrape;
    this.alerts = this.buildAlerts(scrape);
    this.spec = {
      groups: [
        {
          name: `${props.service}.${props.environment}`,
          interval: promDuration(this.evaluationInterval),
          rules: this.alerts.map((a) => a.rule),
        },
      ],
    };
    new KubePrometheusRule(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace, ...(props.labels ? { labels: props.labels } : {}) },
      spec: this.spec,
    });
  }

  public runbookFacts(): RunbookFacts {
    return {
      alarms: this.alerts.map((a) => this.fact(a)),
      resources: [{ type: 'monitoring.coreos.com/PrometheusRule', name: this.props.name }],
      notes: [
        `alert "Watchdog" (${this.props.namespace}) always fires; route it to a dead-man's-switch receiver so that a broken Prometheus or Alertmanager is noticed`,
      ],
    };
  }

  private buildAlerts(scrape: Duration): GeneratedAlert[] {
    const { policy, signals, deadMansSwitch, container } = this.props;
    const windowOf = (evaluation: Evaluation): Duration => rateWindow(evaluation.period, scrape);
    const holdFor = (evaluation: Evaluation): Duration => evaluation.period.times(evaluation.datapointsToAlarm);
    // The rollback trigger is the Argo analysis on Kubernetes (RollbackAnalysis), not an alert.
    const catalogue = alarmCatalogue(policy, { deadMansSwitch, watchdog: true }).filter((a) => a.kind !== AlarmKind.ROLLBACK_ERROR_RATE);
    return catalogue.map((alarm): GeneratedAlert => {
      if (alarm.signal === AlarmSignal.HEARTBEAT) {
        return this.deadMansSwitch(alarm, deadMansSwitch, scrape);
      }
      if (alarm.signal === AlarmSignal.CONSTANT) {
        return this.alert(alarm, 'none', 'vector(1)', Duration.seconds(0), 'Alerting pipeline heartbeat: always firing', alarm.meaning);
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
      const summary = `${this.label()}: ${alarm.what} at or above ${alarm.threshold}${alarm.unit === ThresholdUnit.PERCENT ? '%' : ` ${alarm.unit}`}`;
      const description = `${alarm.meaning} Held for ${hold}${alarm.signal === AlarmSignal.MEMORY ? '' : ` over a ${window} window`}.`;
      return this.alert(alarm, severity, `(${query}) >= ${plain(value)}`, hold, summary, description, {
        threshold: value,
        ...(alarm.signal === AlarmSignal.MEMORY ? {} : { window }),
      });
    });
  }

  private deadMansSwitch(alarm: AlarmDefinition, policy: DeadMansSwitchPolicy, scrape: Duration): GeneratedAlert {
    // `for` spans two scrapes so one missed scrape does not page; the window makes up the rest, so
    // the alert fires `missingFor` after the last sample.
    const hold = scrape.times(2);
    const window = Duration.seconds(policy.missingFor.toSeconds() - hold.toSeconds());
    if (window.toSeconds() < scrape.toSeconds()) {
      throw new Error(
        `deadMansSwitch.missingFor is ${policy.missingFor}; on Prometheus it must be at least 3 × the scrape interval (${scrape.times(3)}) so that one missed scrape does not page; raise missingFor or lower the scrape interval`,
      );
    }
    const heartbeat = this.props.signals.heartbeat();
    const w = promDuration(window);
    // absent_over_time() alone stays quiet while targets exist but every scrape fails (up == 0):
    // also fire when no target was up at any time in the window. Both sides aggregate away the
    // pod labels, so the old and new pods of a rollout count together (no alert on pod churn).
    return this.alert(
      alarm,
      'critical',
      `sum(absent_over_time(${heartbeat}[${w}])) or (max(max_over_time(${this.props.signals.up()}[${w}])) < 1)`,
      hold,
      `${this.label()}: no heartbeat for ${policy.missingFor}`,
      `No sample of ${heartbeat}, or no scrape target up, for ${policy.missingFor}: the workload is gone, down, not scraped, or not reporting. Missing data counts as an outage.`,
      { window },
    );
  }

  private alert(
    alarm: AlarmDefinition,
    severity: 'critical' | 'warning' | 'none',
    expr: string,
    holdFor: Duration,
    summary: string,
    description: string,
    extra: { threshold?: number; window?: Duration } = {},
  ): GeneratedAlert {
    const kind = alarm.kind;
    const anchor = anchorOf(`${this.props.namespace}-${kind}`);
    const url = runbookUrl(
      {
        service: this.props.service,
        environment: this.props.environment,
        target: Target.KUBERNETES,
        baseUrl: this.props.runbookBaseUrl,
      },
      anchor,
    );
    const rule: AlertingRule = {
      alert: alertNameOf(kind),
      expr,
      ...(holdFor.toSeconds() > 0 ? { for: promDuration(holdFor) } : {}),
      labels: { severity, service: this.props.service, environment: this.props.environment, namespace: this.props.namespace },
      annotations: { summary, description, runbook_url: url },
    };
    return { kind, definition: alarm, rule, anchor, holdFor, ...extra };
  }

  private fact(a: GeneratedAlert): AlarmFact {
    const deadMan = a.kind === AlarmKind.DEAD_MANS_SWITCH;
    const ns = this.props.namespace;
    return {
      anchor: a.anchor,
      name: a.rule.alert,
      severity: a.definition.severity,
      condition: `${a.rule.expr}${a.rule.for ? ` for ${a.rule.for}` : ''}${this.timing(a)} (PrometheusRule ${ns}/${this.props.name})`,
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
              ...(this.props.diagnosis ?? []),
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
              {
                description: 'Show the alert as Prometheus evaluates it',
                command: `kubectl -n ${ns} get prometheusrule ${this.props.name} -o yaml`,
                expected: `a rule "${a.rule.alert}" with the expression above`,
              },
            ],
      mitigation:
        a.definition.signal === AlarmSignal.HEARTBEAT || a.definition.signal === AlarmSignal.CONSTANT
          ? [...a.definition.mitigation]
          : [...(this.props.mitigation ?? a.definition.mitigation)],
    };
  }

  /** The alert's time bound, from the same functions the scenario tests measure against. */
  private timing(a: GeneratedAlert): string {
    if (a.kind === AlarmKind.DEAD_MANS_SWITCH) {
      const b = deadMansSwitchBounds(a.window!.plus(a.holdFor), this.evaluationInterval);
      return `; fires within ${b.latest} of the last good scrape`;
    }
    if (a.window && a.holdFor.toSeconds() > 0) {
      const b = alertBounds(a.window, a.holdFor, this.props.scrapeInterval ?? Duration.seconds(30), this.evaluationInterval);
      return `; fires within ${b.latest} of a sustained breach, not before ${b.earliest}`;
    }
    return '';
  }

  private label(): string {
    return `${this.props.service} (${this.props.environment})`;
  }
}

const WATCHDOG_DIAGNOSIS: RunbookCommand[] = [
  {
    description: 'Find the Prometheus and Alertmanager pods and check they run',
    command: 'kubectl get pods --all-namespaces -l "app.kubernetes.io/name in (prometheus,alertmanager)"',
    expected: 'every pod Running and READY',
  },
];

/**
 * Prometheus alert names are metric-name-like: `critical-error-rate` → `CriticalErrorRate`.
 * @deprecated use `alertNameOf` from the core alarm catalogue.
 */
export function alertName(kind: AlarmKind): string {
  return alertNameOf(kind);
}
