import { AlarmKind } from '../../lib/plan/alarm-catalogue';
import type { GeneratedAlert, PrometheusAlerts } from './prometheus-alerts';
import { promDuration } from './private/units';

/** One `promtool test rules` alert expectation. */
export interface PromtoolAlertTest {
  readonly eval_time: string;
  readonly alertname: string;
  readonly exp_alerts: readonly { readonly exp_labels: Record<string, string>; readonly exp_annotations: Record<string, string> }[];
}

/** One `promtool test rules` test group. */
export interface PromtoolTestGroup {
  readonly name: string;
  readonly interval: string;
  readonly input_series: readonly { readonly series: string; readonly values: string }[];
  readonly alert_rule_test: readonly PromtoolAlertTest[];
}

/** A `promtool test rules` file. */
export interface PromtoolTestFile {
  readonly rule_files: readonly string[];
  readonly evaluation_interval: string;
  readonly tests: readonly PromtoolTestGroup[];
}

/**
 * Unit tests for the rules of a `PrometheusAlerts`, for `promtool test rules` (write the rule's
 * `spec` to `ruleFile` beside it). They prove that:
 *
 * - the dead-man's switch does not fire one evaluation before `missingFor` has passed since the
 *   last heartbeat sample, and fires one evaluation after (the slack covers Prometheus 2's
 *   closed and Prometheus 3's left-open range windows), also while targets exist but are down
 *   (`up == 0`), and stays quiet through a rollout's pod churn and one missed scrape;
 * - the critical error-rate alert fires with the 5xx ratio exactly at the threshold, and not with
 *   the smallest ratio below it;
 * - `Watchdog` always fires.
 *
 * @see https://prometheus.io/docs/prometheus/latest/configuration/unit_testing_rules/
 */
export function promtoolTests(alerts: PrometheusAlerts, ruleFile: string): PromtoolTestFile {
  const step = alerts.evaluationInterval;
  const interval = promDuration(step);
  const tests: PromtoolTestGroup[] = [];
  const expected = (a: GeneratedAlert, extraLabels: Record<string, string> = {}) => ({
    exp_labels: { ...extraLabels, ...a.rule.labels },
    exp_annotations: a.rule.annotations,
  });
  const find = (kind: AlarmKind) => alerts.alerts.find((a) => a.kind === kind);

  const deadMan = find(AlarmKind.DEAD_MANS_SWITCH);
  if (deadMan) {
    const missingFor = deadMan.window!.plus(deadMan.holdFor);
    const samples = 20;
    const last = step.times(samples);
    const up = (hash: string) => `${alerts.signals.up()}`.replace('}', `,rollouts_pod_template_hash="${hash}"}`);
    const notBefore = promDuration(last.plus(missingFor).plus(step.times(-1)));
    const firedBy = promDuration(last.plus(missingFor).plus(step));
    const tail = Math.ceil(missingFor.toSeconds() / step.toSeconds()) + 4;
    tests.push(
      {
        name: `${deadMan.rule.alert}: fires ${missingFor} after the last heartbeat, not before`,
        interval,
        input_series: [{ series: alerts.signals.heartbeat(), values: `1x${samples}` }],
        alert_rule_test: [
          { eval_time: notBefore, alertname: deadMan.rule.alert, exp_alerts: [] },
          { eval_time: firedBy, alertname: deadMan.rule.alert, exp_alerts: [expected(deadMan)] },
        ],
      },
      {
        // absent_over_time() alone misses this: the targets exist, every scrape fails.
        name: `${deadMan.rule.alert}: fires ${missingFor} after the last successful scrape while targets are down (up == 0)`,
        interval,
        input_series: [
          { series: alerts.signals.up(), values: `1x${samples} 0x${tail}` },
          // A service-published heartbeat is not scraped while the target is down.
          ...(alerts.signals.heartbeat() === alerts.signals.up() ? [] : [{ series: alerts.signals.heartbeat(), values: `0+1x${samples}` }]),
        ],
        alert_rule_test: [
          { eval_time: notBefore, alertname: deadMan.rule.alert, exp_alerts: [] },
          { eval_time: firedBy, alertname: deadMan.rule.alert, exp_alerts: [expected(deadMan)] },
        ],
      },
      {
        name: `${deadMan.rule.alert}: quiet through a rollout's pod churn (old pod template hash ends, new one starts) and one missed scrape`,
        interval,
        input_series: [
          { series: up('old'), values: `1x${samples} stale` },
          { series: up('new'), values: `_x${samples} 1 _ 1x${tail}` },
          ...(alerts.signals.heartbeat() === alerts.signals.up()
            ? []
            : [{ series: alerts.signals.heartbeat(), values: `0+1x${samples} _ ${samples + 2}+1x${tail}` }]),
        ],
        alert_rule_test: [
          { eval_time: notBefore, alertname: deadMan.rule.alert, exp_alerts: [] },
          { eval_time: firedBy, alertname: deadMan.rule.alert, exp_alerts: [] },
        ],
      },
    );
  }

  const errorRate = find(AlarmKind.CRITICAL_ERROR_RATE);
  if (errorRate) {
    const ratio = errorRate.threshold!;
    // Requests per scrape such that the threshold is a whole number of errors.
    let total = 1000;
    while (!Number.isInteger(Number((ratio * total).toFixed(6)))) total *= 10;
    const errors = Math.round(ratio * total);
    // Evaluate once the rate window is full and the condition has held for `for`, with slack.
    const evalAt = errorRate.holdFor.plus(errorRate.window!).plus(step.times(4));
    const scrapes = Math.ceil(evalAt.toSeconds() / step.toSeconds()) + 4;
    const series = (errorsPerScrape: number) => [
      { series: alerts.signals.requestSeries('200'), values: `0+${total - errorsPerScrape}x${scrapes}` },
      { series: alerts.signals.requestSeries('500'), values: `0+${errorsPerScrape}x${scrapes}` },
    ];
    tests.push(
      {
        name: `${errorRate.rule.alert}: fires at exactly ${errors} errors in ${total} requests`,
        interval,
        input_series: series(errors),
        alert_rule_test: [{ eval_time: promDuration(evalAt), alertname: errorRate.rule.alert, exp_alerts: [expected(errorRate)] }],
      },
      {
        name: `${errorRate.rule.alert}: stays quiet at ${errors - 1} errors in ${total} requests`,
        interval,
        input_series: series(errors - 1),
        alert_rule_test: [{ eval_time: promDuration(evalAt), alertname: errorRate.rule.alert, exp_alerts: [] }],
      },
    );
  }

  const watchdog = find(AlarmKind.WATCHDOG);
  if (watchdog) {
    tests.push({
      name: 'Watchdog: always fires',
      interval,
      input_series: [],
      alert_rule_test: [{ eval_time: interval, alertname: watchdog.rule.alert, exp_alerts: [expected(watchdog)] }],
    });
  }
  return { rule_files: [ruleFile], evaluation_interval: interval, tests };
}
