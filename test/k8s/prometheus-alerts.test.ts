import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing } from 'cdk8s';
import { stringify } from 'yaml';
import { Duration, resolveAlarmPolicy, resolveDeadMansSwitch, type AlarmPolicyInput } from '../../lib/model';
import { AlarmSeverity } from '../../lib/runbook/facts';
import { PrometheusAlerts, PrometheusSignals, promtoolTests, type PrometheusAlertsProps } from '../../constructs/k8s';
import { havePromtool, promtool, validateObject } from './helpers';

function alerts(
  overrides: Partial<PrometheusAlertsProps> = {},
  policy: AlarmPolicyInput = {},
): { construct: PrometheusAlerts; manifest: Record<string, any> } {
  const chart = Testing.chart();
  const construct = new PrometheusAlerts(chart, 'Alerts', {
    name: 'shop',
    namespace: 'shop-prod',
    service: 'shop',
    environment: 'prod',
    signals: PrometheusSignals.forWorkload({ namespace: 'shop-prod', job: 'shop' }),
    policy: resolveAlarmPolicy(policy),
    deadMansSwitch: resolveDeadMansSwitch({ missingFor: Duration.minutes(5) }),
    container: 'shop',
    runbookBaseUrl: 'https://runbooks.example/shop',
    ...overrides,
  });
  return { construct, manifest: Testing.synth(chart)[0] };
}

const ruleOf = (manifest: Record<string, any>, alert: string) =>
  manifest.spec.groups[0].rules.find((r: { alert: string }) => r.alert === alert);

describe('PrometheusAlerts', () => {
  test('is a valid monitoring.coreos.com/v1 PrometheusRule', () => {
    const { manifest } = alerts();
    expect(manifest).toMatchObject({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: 'shop', namespace: 'shop-prod' },
    });
    expect(() => validateObject(manifest)).not.toThrow();
  });

  test('the critical error-rate alert fires at the policy threshold, held for period × datapoints', () => {
    const { manifest } = alerts(
      {},
      { critical: { errorRatePercent: 4 }, evaluation: { period: Duration.minutes(1), evaluationPeriods: 3, datapointsToAlarm: 2 } },
    );
    const rule = ruleOf(manifest, 'CriticalErrorRate');
    // A window of 4 scrapes (2m at 30s); no 5xx series counts as 0 errors, not as an empty result.
    expect(rule.expr).toBe(
      '((sum(increase(http_requests_total{namespace="shop-prod",job="shop",code=~"5.."}[2m])) or vector(0)) / sum(increase(http_requests_total{namespace="shop-prod",job="shop"}[2m]))) >= 0.04',
    );
    expect(rule.for).toBe('2m');
    expect(rule.labels).toEqual({ severity: 'critical', service: 'shop', environment: 'prod', namespace: 'shop-prod' });
    expect(rule.annotations.summary).toBe('shop (prod): error rate at or above 4%');
  });

  test('latency thresholds are in seconds and warnings are labelled warning', () => {
    const { manifest } = alerts({}, { critical: { p99LatencyMs: 1500 }, warning: { p95LatencyMs: 800 } });
    expect(ruleOf(manifest, 'CriticalLatencyP99').expr).toMatch(/^\(histogram_quantile\(0\.99, .*\)\) >= 1\.5$/);
    expect(ruleOf(manifest, 'WarningLatencyP95').expr).toMatch(/>= 0\.8$/);
    expect(ruleOf(manifest, 'WarningLatencyP95').labels.severity).toBe('warning');
  });

  test('a rate window spans at least four scrapes, so one missed scrape leaves three samples', () => {
    const { manifest } = alerts({ scrapeInterval: Duration.minutes(1) }, { evaluation: { period: Duration.seconds(30) } });
    expect(ruleOf(manifest, 'CriticalErrorRate').expr).toContain('[4m]');
    expect(ruleOf(manifest, 'CriticalErrorRate').expr).not.toContain('[2m]');
  });

  test('kube-prometheus-stack selector labels go on the PrometheusRule', () => {
    const { manifest } = alerts({ labels: { release: 'kube-prometheus-stack' } });
    expect(manifest.metadata.labels).toEqual({ release: 'kube-prometheus-stack' });
  });

  test('the Watchdog is listed as what it is routed as: a heartbeat with severity "none"', () => {
    const { construct } = alerts();
    const fact = construct.runbookFacts().alarms!.find((a) => a.name === 'Watchdog')!;
    expect(fact.severity).toBe('heartbeat');
    expect(fact.notifies).toContain('severity="none"');
    expect(construct.alerts.find((a) => a.rule.alert === 'Watchdog')!.rule.labels.severity).toBe('none');
  });

  test('the dead-man switch fires missingFor after the last sample: window + for, for = 2 scrapes', () => {
    const { manifest } = alerts({ deadMansSwitch: resolveDeadMansSwitch({ missingFor: Duration.minutes(10) }) });
    const rule = ruleOf(manifest, 'DeadMansSwitch');
    // Also when every target is down (up == 0): absent_over_time() alone misses that.
    expect(rule.expr).toBe(
      'sum(absent_over_time(up{namespace="shop-prod",job="shop"}[9m])) or (max(max_over_time(up{namespace="shop-prod",job="shop"}[9m])) < 1)',
    );
    expect(rule.for).toBe('1m');
    expect(rule.labels.severity).toBe('critical');
  });

  test('Watchdog always fires and has no for', () => {
    const rule = ruleOf(alerts().manifest, 'Watchdog');
    expect(rule.expr).toBe('vector(1)');
    expect(rule.for).toBeUndefined();
    expect(rule.labels.severity).toBe('none');
  });

  test('a disabled dead-man switch leaves only that alert out', () => {
    const { manifest } = alerts({ deadMansSwitch: resolveDeadMansSwitch({ enabled: false }) });
    expect(manifest.spec.groups[0].rules.map((r: { alert: string }) => r.alert)).toEqual([
      'CriticalErrorRate',
      'CriticalLatencyP99',
      'WarningErrorRate',
      'WarningLatencyP95',
      'WarningCpu',
      'WarningMemory',
      'Watchdog',
    ]);
  });

  test('every runbook_url points at the anchor of the alarm fact with the same name', () => {
    const { construct, manifest } = alerts();
    const facts = construct.runbookFacts().alarms ?? [];
    for (const rule of manifest.spec.groups[0].rules) {
      const fact = facts.find((f) => f.name === rule.alert);
      expect(fact).toBeDefined();
      expect(rule.annotations.runbook_url).toBe(`https://runbooks.example/shop/shop-prod.k8s.md#${fact!.anchor}`);
    }
    expect(facts.find((f) => f.name === 'CriticalErrorRate')).toMatchObject({
      anchor: 'shop-prod-critical-error-rate',
      severity: AlarmSeverity.CRITICAL,
    });
    expect(facts.find((f) => f.name === 'DeadMansSwitch')?.missingData).toMatch(/^breaching/);
  });

  test('Watchdog and dead-man facts send on-call to the right places', () => {
    const facts = alerts().construct.runbookFacts().alarms ?? [];
    const watchdog = facts.find((f) => f.name === 'Watchdog')!;
    expect(watchdog.diagnosis.map((c) => c.command)).toEqual([
      'kubectl get pods --all-namespaces -l "app.kubernetes.io/name in (prometheus,alertmanager)"',
    ]);
    expect(watchdog.missingData).toBe('not applicable: the expression is a constant');
    const deadMan = facts.find((f) => f.name === 'DeadMansSwitch')!;
    expect(deadMan.diagnosis.map((c) => c.command)).toEqual([
      'kubectl -n shop-prod get pods -o wide',
      'kubectl -n shop-prod get podmonitors,servicemonitors',
      // Whether it fires now: Prometheus's ALERTS series (alertname, alertstate, the alert's labels:
      // https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/#inspecting-alerts-during-runtime),
      // through the API server's proxy to the prometheus-operator's governing Service (the default address).
      'kubectl get --raw "/api/v1/namespaces/monitoring/services/prometheus-operated:9090/proxy/api/v1/query?query=ALERTS%7Balertname%3D%22DeadMansSwitch%22%2Cnamespace%3D%22shop-prod%22%7D"' +
        ` | jq -r '[.data.result[].metric.alertstate] | unique | if length == 0 then "inactive" else join(" ") end'`,
    ]);
  });

  test('fails when missingFor leaves no room for two scrapes of for', () => {
    expect(() => alerts({ deadMansSwitch: resolveDeadMansSwitch({ missingFor: Duration.minutes(1) }) })).toThrow(
      'deadMansSwitch.missingFor is 1m; on Prometheus it must be at least 3 × the scrape interval (1m30s) so that one missed scrape does not page; raise missingFor or lower the scrape interval',
    );
  });
});

describe('promtool', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-promtool-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const run = havePromtool() ? test : test.skip;

  /** Writes the rules of `rules` and the tests generated from `expected`, and runs promtool test. */
  function testRules(name: string, rules: PrometheusAlerts, expected: PrometheusAlerts = rules): { status: number; output: string } {
    fs.writeFileSync(path.join(dir, `${name}.rules.yaml`), stringify(rules.spec));
    fs.writeFileSync(path.join(dir, `${name}.test.yaml`), stringify(promtoolTests(expected, `${name}.rules.yaml`)));
    return promtool(dir, 'test', 'rules', `${name}.test.yaml`);
  }

  run('check rules accepts the rule spec', () => {
    const { construct } = alerts();
    fs.writeFileSync(path.join(dir, 'check.yaml'), stringify(construct.spec));
    const result = promtool(dir, 'check', 'rules', 'check.yaml');
    expect(result.output).toContain('SUCCESS: 8 rules found');
    expect(result.status).toBe(0);
  });

  run.each([
    ['5m, 30s scrapes, 5%', Duration.minutes(5), Duration.seconds(30), 5],
    ['15m, 1m scrapes, 2.5%', Duration.minutes(15), Duration.minutes(1), 2.5],
  ])(
    'generated tests pass: dead-man switch at missingFor, error rate at the threshold (%s)',
    (name, missingFor, scrape, errorRatePercent) => {
      const { construct } = alerts(
        { deadMansSwitch: resolveDeadMansSwitch({ missingFor }), scrapeInterval: scrape },
        { critical: { errorRatePercent }, warning: { errorRatePercent: 1 } },
      );
      const result = testRules(name.replace(/\W+/g, '-'), construct);
      expect(result.output).toContain('SUCCESS');
      expect(result.status).toBe(0);
    },
  );

  run('the generated tests catch a dead-man switch that fires early', () => {
    const early = alerts({ deadMansSwitch: resolveDeadMansSwitch({ missingFor: Duration.minutes(4) }) }).construct;
    const expected = alerts({ deadMansSwitch: resolveDeadMansSwitch({ missingFor: Duration.minutes(5) }) }).construct;
    const result = testRules('early', early, expected);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('alertname: DeadMansSwitch, time: 14m30s');
  });

  run('the generated tests catch an error-rate alert that needs more than the threshold', () => {
    const late = alerts({}, { critical: { errorRatePercent: 5.1 } }).construct;
    const expected = alerts({}, { critical: { errorRatePercent: 5 } }).construct;
    const result = testRules('late', late, expected);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('alertname: CriticalErrorRate');
  });
});
