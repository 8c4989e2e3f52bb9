import { Duration, resolveAlarmPolicy, resolveDeadMansSwitch, type AlarmPolicyInput } from '../../../lib/model';
import { PrometheusSignals } from '../../../lib/plan/kubernetes/prometheus-signals';
import { prometheusAlertRules, type PrometheusAlertsSettings } from '../../../lib/plan/kubernetes/prometheus-alert-rules';

/*
 * The numbers and words of each generated alert, from the documented defaults of the alarm
 * policy (lib/model/alarm-policy.ts: critical 5 % errors and p99 5 s, warning 2 % and p95 2 s,
 * CPU and memory 80 %, evaluation 1m period 3 of 3) and Prometheus' rule semantics: `for` holds
 * period × datapoints, a window spans at least 4 scrapes, thresholds read as ratios and seconds
 * (https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/). Firing itself runs
 * through promtool in test/k8s/prometheus-alerts.test.ts.
 */

function rules(overrides: Partial<PrometheusAlertsSettings> = {}, policy: AlarmPolicyInput = {}) {
  return prometheusAlertRules({
    name: 'shop',
    namespace: 'shop-prod',
    service: 'shop',
    environment: 'prod',
    signals: PrometheusSignals.forWorkload({ namespace: 'shop-prod', job: 'shop' }),
    policy: resolveAlarmPolicy(policy),
    deadMansSwitch: resolveDeadMansSwitch({ missingFor: Duration.minutes(5) }),
    container: 'shop',
    ...overrides,
  });
}

describe('prometheusAlertRules', () => {
  test('one group per service and environment, evaluated every scrape', () => {
    const r = rules();
    expect(r.spec.groups.map((g) => [g.name, g.interval])).toEqual([['shop.prod', '30s']]);
    expect(r.evaluationInterval.toSeconds()).toBe(30);
    expect(rules({ scrapeInterval: Duration.seconds(15) }).spec.groups[0].interval).toBe('15s');
    expect(r.spec.groups[0].rules).toEqual(r.alerts.map((a) => a.rule));
  });

  test('defaults: thresholds as ratios and seconds, 2m windows (4 scrapes of 30 s), held 3 × 1m', () => {
    const r = rules();
    expect(
      r.alerts.map((a) => [a.rule.alert, a.threshold, a.window?.toSeconds(), a.holdFor.toSeconds(), a.rule.for, a.rule.labels.severity]),
    ).toEqual([
      ['CriticalErrorRate', 0.05, 120, 180, '3m', 'critical'],
      ['CriticalLatencyP99', 5, 120, 180, '3m', 'critical'],
      ['WarningErrorRate', 0.02, 120, 180, '3m', 'warning'],
      ['WarningLatencyP95', 2, 120, 180, '3m', 'warning'],
      ['WarningCpu', 0.8, 120, 180, '3m', 'warning'],
      // Memory is a gauge: no window.
      ['WarningMemory', 0.8, undefined, 180, '3m', 'warning'],
      // 5m missing: for two scrapes (1m), the window the rest (4m).
      ['DeadMansSwitch', undefined, 240, 60, '1m', 'critical'],
      ['Watchdog', undefined, undefined, 0, undefined, 'none'],
    ]);
    for (const a of r.alerts) expect(a.rule.labels).toMatchObject({ service: 'shop', environment: 'prod', namespace: 'shop-prod' });
  });

  test('expressions compare at the threshold (>=), in the expression’s unit', () => {
    const r = rules({}, { critical: { p99LatencyMs: 1500, errorRatePercent: 4 } });
    const expr = (name: string) => r.alerts.find((a) => a.rule.alert === name)!.rule.expr;
    expect(expr('CriticalErrorRate')).toMatch(/\) >= 0\.04$/);
    expect(expr('CriticalLatencyP99')).toMatch(/^\(histogram_quantile\(0\.99, .*\[2m\]\)+ >= 1\.5$/);
    expect(expr('WarningLatencyP95')).toMatch(/^\(histogram_quantile\(0\.95, /);
    expect(expr('WarningCpu')).toContain('container="shop"');
    expect(expr('WarningCpu')).toMatch(/\[2m\].* >= 0\.8$/);
    expect(expr('WarningMemory')).not.toMatch(/\[\d+m\]/);
    expect(expr('WarningMemory')).toBe(
      '(sum(container_memory_working_set_bytes{namespace="shop-prod",container="shop"}) / sum(kube_pod_container_resource_limits{namespace="shop-prod",container="shop",resource="memory"})) >= 0.8',
    );
    expect(expr('Watchdog')).toBe('vector(1)');
    expect(expr('DeadMansSwitch')).toBe(
      'sum(absent_over_time(up{namespace="shop-prod",job="shop"}[4m])) or (max(max_over_time(up{namespace="shop-prod",job="shop"}[4m])) < 1)',
    );
  });

  test('the annotations state the threshold with its unit, the hold and the window', () => {
    const a = Object.fromEntries(rules().alerts.map((x) => [x.rule.alert, x.rule.annotations]));
    expect(a.CriticalErrorRate.summary).toBe('shop (prod): error rate at or above 5%');
    expect(a.CriticalErrorRate.description).toBe('5% or more of requests fail. Held for 3m over a 2m window.');
    expect(a.CriticalLatencyP99.summary).toBe('shop (prod): p99 latency at or above 5000 ms');
    expect(a.WarningMemory.description).toBe('Memory utilization is at or above 80% of what the workload may use. Held for 3m.');
    expect(a.DeadMansSwitch.summary).toBe('shop (prod): no heartbeat for 5m');
    expect(a.DeadMansSwitch.description).toBe(
      'No sample of up{namespace="shop-prod",job="shop"}, or no scrape target up, for 5m: the workload is gone, down, not scraped, or not reporting. Missing data counts as an outage.',
    );
    expect(a.Watchdog.summary).toBe('Alerting pipeline heartbeat: always firing');
    expect(a.CriticalErrorRate.runbook_url).toBe('runbooks/shop-prod.k8s.md#shop-prod-critical-error-rate');
    const withBase = rules({ runbookBaseUrl: 'https://runbooks.example/shop' }).alerts[0].rule.annotations.runbook_url;
    expect(withBase).toBe('https://runbooks.example/shop/shop-prod.k8s.md#shop-prod-critical-error-rate');
  });

  test('a longer evaluation period widens the window; slower scrapes stretch it to 4 scrapes', () => {
    const long = rules({}, { evaluation: { period: Duration.minutes(5), evaluationPeriods: 2, datapointsToAlarm: 2 } }).alerts[0];
    expect([long.window?.toSeconds(), long.holdFor.toSeconds(), long.rule.for]).toEqual([300, 600, '10m']);
    const slow = rules({ scrapeInterval: Duration.minutes(1) }).alerts[0];
    expect(slow.window?.toSeconds()).toBe(240);
    expect(slow.rule.expr).toContain('[4m]');
  });

  test('the dead-man’s switch: for two scrapes, the window the rest of missingFor; at least 3 scrapes in all', () => {
    const dms = (scrape: number, missing: number) =>
      rules({
        scrapeInterval: Duration.seconds(scrape),
        deadMansSwitch: resolveDeadMansSwitch({ missingFor: Duration.seconds(missing) }),
      }).alerts.find((a) => a.rule.alert === 'DeadMansSwitch')!;
    const exact = dms(30, 90);
    expect([exact.holdFor.toSeconds(), exact.window?.toSeconds()]).toEqual([60, 30]);
    expect(() => dms(30, 89)).toThrow(
      'deadMansSwitch.missingFor is 1m29s; on Prometheus it must be at least 3 × the scrape interval (1m30s) so that one missed scrape does not page; raise missingFor or lower the scrape interval',
    );
    const disabled = rules({ deadMansSwitch: { ...resolveDeadMansSwitch({}), enabled: false } });
    expect(disabled.alerts.map((a) => a.rule.alert)).not.toContain('DeadMansSwitch');
    expect(disabled.alerts.map((a) => a.rule.alert)).toContain('Watchdog');
  });
});
