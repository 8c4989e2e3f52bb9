import { Testing } from 'cdk8s';
import { Duration, resolveAlarmPolicy } from '../../lib/model';
import { PrometheusSignals, RollbackAnalysis, type RollbackAnalysisProps } from '../../constructs/k8s';
import { measurementPhase, Phase } from './support/argo-analysis';
import { objectOf } from './helpers';

/*
 * RollbackAnalysis for blue-green post-promotion analysis (a fixed number of measurements, the
 * previous version's ratio over a lookback as the baseline) and its health template, judged with
 * Argo Rollouts' measurement semantics (test/k8s/support/argo-analysis.ts, from
 * utils/evaluate/evaluate.go). Rollback trigger: 0.5 % baseline × 3, 2-minute period, 3 of 3.
 */

function build(overrides: Partial<RollbackAnalysisProps> = {}) {
  const chart = Testing.chart();
  const analysis = new RollbackAnalysis(chart, 'Analysis', {
    name: 'shop-rollback',
    namespace: 'shop-prod',
    signals: PrometheusSignals.forWorkload({ namespace: 'shop-prod', job: 'shop' }),
    rollbackTrigger: resolveAlarmPolicy({
      rollbackTrigger: {
        baselineErrorRatePercent: 0.5,
        errorRateMultiplier: 3,
        evaluation: { period: Duration.minutes(2), evaluationPeriods: 3, datapointsToAlarm: 3 },
      },
    }).rollbackTrigger,
    p99LatencyMs: 2500,
    rolloutName: 'shop',
    ...overrides,
  });
  return { analysis, manifests: Testing.synth(chart) };
}

const metricOf = (analysis: RollbackAnalysis, name: string) => analysis.metrics.find((m) => m.name === name)!;
const queryOf = (m: { provider: unknown }) => (m.provider as { prometheus: { query: string } }).prometheus.query;

describe('RollbackAnalysis after a blue-green switch', () => {
  test('the new version is compared with multiplier × the previous one over the lookback, at least the baseline floor', () => {
    const { analysis } = build({ stableLookback: Duration.minutes(30), measurements: 5 });
    const vs = metricOf(analysis, 'error-rate-vs-stable');
    expect(vs.successCondition).toBe('len(result) == 0 || result[0] < 1');
    const q = queryOf(vs);
    expect(q).toMatch(/\) \/ clamp_min\(\(.*\) \* 3, 0\.005\)$/);
    // The previous version's ratio spans the lookback; the new version's the 2m window.
    expect(q).toContain('rollouts_pod_template_hash="{{args.stable-pod-template-hash}}"');
    expect(q).toContain('[30m]');
    expect(q).toContain('[2m]');
    // At or above multiplier × the previous ratio fails; below passes; no data (either version under the minimum) passes.
    expect(measurementPhase(vs, [1])).toBe(Phase.FAILED);
    expect(measurementPhase(vs, [0.99])).toBe(Phase.SUCCESSFUL);
    expect(measurementPhase(vs, [])).toBe(Phase.SUCCESSFUL);
  });

  test('a zero baseline still divides by a positive floor (1e-6)', () => {
    const { analysis } = build({
      stableLookback: Duration.minutes(30),
      rollbackTrigger: resolveAlarmPolicy({ rollbackTrigger: { baselineErrorRatePercent: 0, errorRateMultiplier: 2 } }).rollbackTrigger,
    });
    expect(queryOf(metricOf(analysis, 'error-rate-vs-stable'))).toMatch(/\* 2, 0\.000001\)$/);
  });

  test('a fixed number of measurements on every metric, with the shared timing and limits', () => {
    const { analysis } = build({ stableLookback: Duration.minutes(30), measurements: 5 });
    for (const m of analysis.metrics) {
      expect(m).toMatchObject({
        count: 5,
        interval: '2m',
        initialDelay: '2m',
        failureLimit: 2,
        inconclusiveLimit: 2,
        consecutiveErrorLimit: 24,
      });
    }
    expect(analysis.metrics.map((m) => m.name)).toEqual(['error-rate', 'error-rate-vs-stable', 'latency-p99']);
  });

  test('canary analysis runs until the rollout ends: no count', () => {
    const { analysis } = build();
    for (const m of analysis.metrics) expect(m.count).toBeUndefined();
  });

  test('latency: judged only with traffic, failing at the critical p99 in seconds', () => {
    const { analysis } = build({ p99LatencyMs: 800 });
    const m = metricOf(analysis, 'latency-p99');
    expect(m.successCondition).toBe('len(result) > 0 && !isNaN(result[0]) && result[0] < 0.8');
    expect(m.failureCondition).toBe('len(result) > 0 && (isNaN(result[0]) || result[0] >= 0.8)');
    expect(queryOf(m)).toContain('histogram_quantile(0.99');
    expect(queryOf(m)).toContain('>= 50');
    expect(measurementPhase(m, [])).toBe(Phase.INCONCLUSIVE);
    expect(measurementPhase(m, [0.8])).toBe(Phase.FAILED);
    expect(measurementPhase(m, [0.79])).toBe(Phase.SUCCESSFUL);
  });

  test('the health template: at least 2 measurements, two scrapes of delay, one failure tolerated, new pods only', () => {
    const { analysis, manifests } = build({ healthMeasurements: 1, scrapeInterval: Duration.seconds(15) });
    expect(analysis.healthTemplateName).toBe('shop-rollback-health');
    const health = objectOf(manifests, 'AnalysisTemplate', 'shop-rollback-health');
    expect(health.metadata.namespace).toBe('shop-prod');
    expect(health.spec.args).toEqual([{ name: 'pod-template-hash' }]);
    expect(health.spec.metrics).toEqual(analysis.healthMetrics);
    expect(analysis.healthMetrics![0]).toMatchObject({ name: 'pods-up', count: 2, initialDelay: '30s', interval: '2m', failureLimit: 1 });
    expect(measurementPhase(analysis.healthMetrics![0], [1])).toBe(Phase.SUCCESSFUL);
    expect(measurementPhase(analysis.healthMetrics![0], [0])).toBe(Phase.FAILED);
    expect(build({ healthMeasurements: 4 }).analysis.healthMetrics![0].count).toBe(4);
    expect(build().analysis.healthMetrics).toBeUndefined();
  });

  test('the template is namespaced, takes both hashes, and exposes the numbers it runs with', () => {
    const { analysis, manifests } = build({
      gate: { windowSeconds: 60, intervalSeconds: 60, failureLimit: 1, minimumRequests: 30, threshold: 0.04 },
    });
    const t = objectOf(manifests, 'AnalysisTemplate', 'shop-rollback');
    expect(t.metadata.namespace).toBe('shop-prod');
    expect(t.spec.args).toEqual([{ name: 'pod-template-hash' }, { name: 'stable-pod-template-hash' }]);
    expect([analysis.window.toSeconds(), analysis.interval.toSeconds(), analysis.scrapeInterval.toSeconds()]).toEqual([60, 60, 30]);
    expect([analysis.failureLimit, analysis.inconclusiveLimit, analysis.minimumRequests, analysis.thresholdRatio]).toEqual([
      1, 1, 30, 0.04,
    ]);
    expect(analysis.lostTrafficRequests).toBeUndefined();
    expect(analysis.consecutiveErrorLimit).toBe(12);
    expect(analysis.comparisonZ).toBeCloseTo(2.807, 3);
    expect(analysis.templateName).toBe('shop-rollback');
    expect(metricOf(analysis, 'error-rate').successCondition).toBe('len(result) > 0 && !isNaN(result[0]) && result[0] < 0.04');
    expect(queryOf(metricOf(analysis, 'error-rate-vs-stable'))).toMatch(/>= 30\)$/);
    expect(RollbackAnalysis.DEFAULT_PROMETHEUS_ADDRESS).toBe('http://prometheus-operated.monitoring.svc:9090');
    expect(RollbackAnalysis.POD_TEMPLATE_HASH_ARG).toBe('pod-template-hash');
    expect(RollbackAnalysis.STABLE_POD_TEMPLATE_HASH_ARG).toBe('stable-pod-template-hash');
  });

  test('bounds: a scrape, the window, failureLimit + 1 intervals, then Argo aborts', () => {
    const { analysis } = build();
    // 30 s + 2m + 3 × 2m = 8m30s; + 30 s.
    expect(analysis.bounds().detect.toSeconds()).toBe(510);
    expect(analysis.bounds().abort.toSeconds()).toBe(540);
  });
});
