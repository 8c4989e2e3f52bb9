import { Testing } from 'cdk8s';
import { Duration, resolveAlarmPolicy, resolveDeadMansSwitch } from '../../lib/model';
import { AlarmKind } from '../../lib/plan/alarm-catalogue';
import { PrometheusAlerts, PrometheusSignals, alertName, type PrometheusAlertsProps } from '../../constructs/k8s';

// What the PrometheusAlerts construct itself adds around the generated rules: the object's
// metadata, the properties it exposes, and the deprecated alert-name helper.

function build(overrides: Partial<PrometheusAlertsProps> = {}) {
  const chart = Testing.chart();
  const signals = PrometheusSignals.forWorkload({ namespace: 'shop-prod', job: 'shop' });
  const construct = new PrometheusAlerts(chart, 'Alerts', {
    name: 'shop-alerts',
    namespace: 'shop-prod',
    service: 'shop',
    environment: 'prod',
    signals,
    policy: resolveAlarmPolicy({}),
    deadMansSwitch: resolveDeadMansSwitch({ missingFor: Duration.minutes(5) }),
    container: 'shop',
    runbookBaseUrl: 'https://runbooks.example/shop',
    ...overrides,
  });
  return { construct, signals, manifests: Testing.synth(chart) };
}

describe('PrometheusAlerts construct', () => {
  test('writes one PrometheusRule named and namespaced as asked, without labels when none are given', () => {
    const { manifests } = build();
    expect(manifests).toHaveLength(1);
    expect(manifests[0].metadata).toEqual({ name: 'shop-alerts', namespace: 'shop-prod' });
  });

  // kube-prometheus-stack's Prometheus selects rules by its Helm release label.
  test('carries the labels a Prometheus selects rules by', () => {
    const { manifests } = build({ labels: { release: 'monitoring', team: 'payments' } });
    expect(manifests[0].metadata).toEqual({
      name: 'shop-alerts',
      namespace: 'shop-prod',
      labels: { release: 'monitoring', team: 'payments' },
    });
  });

  test('exposes its name, signals, evaluation interval and the spec it wrote', () => {
    const { construct, signals, manifests } = build({ scrapeInterval: Duration.seconds(15) });
    expect(construct.name).toBe('shop-alerts');
    expect(construct.signals).toBe(signals);
    expect(construct.evaluationInterval.toSeconds()).toBe(15);
    expect(manifests[0].spec).toEqual(construct.spec);
    expect(manifests[0].spec.groups[0].interval).toBe('15s');
    expect(construct.alerts.map((a) => a.rule.alert)).toEqual(manifests[0].spec.groups[0].rules.map((r: { alert: string }) => r.alert));
  });

  test('alertName turns a kind into a metric-like alert name', () => {
    expect(alertName(AlarmKind.CRITICAL_ERROR_RATE)).toBe('CriticalErrorRate');
    expect(alertName(AlarmKind.WARNING_LATENCY_P95)).toBe('WarningLatencyP95');
  });
});
