import { Testing } from 'cdk8s';
import { Duration, resolveAlarmPolicy } from '../../lib/model';
import { PrometheusSignals, RollbackAnalysis, type RollbackAnalysisProps } from '../../constructs/k8s';
import { objectOf } from './helpers';

// Where each AnalysisTemplate metric reads from, built afresh in every test (per-test coverage).

function manifests(overrides: Partial<RollbackAnalysisProps> = {}) {
  const chart = Testing.chart();
  new RollbackAnalysis(chart, 'Analysis', {
    name: 'shop-rollback',
    namespace: 'shop-prod',
    signals: PrometheusSignals.forWorkload({ namespace: 'shop-prod', job: 'shop' }),
    rollbackTrigger: resolveAlarmPolicy({
      rollbackTrigger: { evaluation: { period: Duration.minutes(2), evaluationPeriods: 3, datapointsToAlarm: 3 } },
    }).rollbackTrigger,
    p99LatencyMs: 2500,
    rolloutName: 'shop',
    ...overrides,
  });
  return Testing.synth(chart);
}

const metricOf = (name: string, overrides: Partial<RollbackAnalysisProps> = {}) =>
  objectOf(manifests(overrides), 'AnalysisTemplate', 'shop-rollback').spec.metrics.find((m: { name: string }) => m.name === name);

// The prometheus-operator's governing Service of the Prometheus pods in `monitoring`.
const PROMETHEUS = 'http://prometheus-operated.monitoring.svc:9090';
const NEW = 'pod_template_hash="{{args.pod-template-hash}}"';
const STABLE = 'pod_template_hash="{{args.stable-pod-template-hash}}"';

describe('RollbackAnalysis queries', () => {
  test('the canary comparison reads both versions from Prometheus', () => {
    const { address, query } = metricOf('error-rate-vs-stable').provider.prometheus;
    expect(address).toBe(PROMETHEUS);
    expect(query).toContain(NEW);
    expect(query).toContain(STABLE);
    expect(query).toContain('http_requests_total');
    expect(query).not.toContain('undefined');
  });

  test('the latency metric reads the new version p99 from Prometheus', () => {
    const { address, query } = metricOf('latency-p99').provider.prometheus;
    expect(address).toBe(PROMETHEUS);
    expect(query).toContain('0.99');
    expect(query).toContain(NEW);
    expect(query).not.toContain(STABLE);
  });

  test('no health template unless health measurements are asked for', () => {
    expect(manifests().map((m) => m.metadata.name)).toEqual(['shop-rollback']);
  });

  test('the health template takes the new version hash as its one argument', () => {
    const health = objectOf(manifests({ healthMeasurements: 3 }), 'AnalysisTemplate', 'shop-rollback-health');
    expect(health.spec.args).toEqual([{ name: 'pod-template-hash' }]);
  });
});
