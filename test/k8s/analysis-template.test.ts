import { Testing } from 'cdk8s';
import { Duration, resolveAlarmPolicy } from '../../lib/model';
import { AlarmSeverity } from '../../lib/runbook/facts';
import { PrometheusSignals, RollbackAnalysis, type RollbackAnalysisProps } from '../../constructs/k8s';
import { measurementPhase, Phase } from './support/argo-analysis';
import { bashSyntaxError, objectOf, validateObject, type Manifest } from './helpers';

function synth(overrides: Partial<RollbackAnalysisProps> = {}): { analysis: RollbackAnalysis; manifests: Manifest[] } {
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
    healthMeasurements: 3,
    ...overrides,
  });
  return { analysis, manifests: Testing.synth(chart) };
}

describe('RollbackAnalysis', () => {
  // Built afresh in each test, not once per describe: mutation testing (per-test coverage) then
  // knows which tests read the construct, instead of running every suite for every mutant.
  const analysis = () => synth().analysis;
  const manifests = () => synth().manifests;
  const template = () => objectOf(manifests(), 'AnalysisTemplate', 'shop-rollback');
  const metric = (name: string) => template().spec.metrics.find((m: { name: string }) => m.name === name);

  test('both templates validate', () => {
    expect(manifests().map((m) => m.metadata.name)).toEqual(['shop-rollback', 'shop-rollback-health']);
    for (const m of manifests()) expect(() => validateObject(m)).not.toThrow();
  });

  test('the error-rate metric fails above baseline × multiplier, measured every period, failing at datapointsToAlarm failures', () => {
    expect(metric('error-rate')).toMatchObject({
      interval: '2m',
      failureLimit: 2,
      inconclusiveLimit: 2,
      initialDelay: '2m',
      successCondition: 'len(result) > 0 && !isNaN(result[0]) && result[0] < 0.015',
      failureCondition: 'len(result) > 0 && (isNaN(result[0]) || result[0] >= 0.015)',
    });
    expect(metric('error-rate').count).toBeUndefined();
    expect(metric('error-rate').provider.prometheus.address).toBe('http://prometheus-operated.monitoring.svc:9090');
  });

  test('queries read only the new version, selected by the pod-template-hash argument', () => {
    expect(template().spec.args).toEqual([{ name: 'pod-template-hash' }, { name: 'stable-pod-template-hash' }]);
    const canary = 'namespace="shop-prod",job="shop",rollouts_pod_template_hash="{{args.pod-template-hash}}"';
    // Exact window counts (value now minus value 2m ago, or 0 for a series born since), no extrapolation.
    const served = `sum(clamp_min(http_requests_total{${canary}} - (http_requests_total{${canary}} offset 2m or http_requests_total{${canary}} * 0), 0))`;
    const failed = `(sum(clamp_min(http_requests_total{${canary},code=~"5.."} - (http_requests_total{${canary},code=~"5.."} offset 2m or http_requests_total{${canary},code=~"5.."} * 0), 0)) or vector(0))`;
    expect(metric('error-rate').provider.prometheus.query).toBe(
      `max(label_replace((${failed} / ${served}) and on() (${served} >= 50), "source", "app", "", ""))`,
    );
  });

  test('with the ingress upstream and a lost-traffic limit, it also counts what ingress-nginx saw and fails lost traffic', () => {
    const { analysis: a } = synth({
      ingressCanaryUpstream: 'shop-prod-shop-canary-http',
      gate: { windowSeconds: 60, intervalSeconds: 60, failureLimit: 2, minimumRequests: 300, threshold: 0.01, lostTrafficRequests: 456 },
      measurementsInRelease: 71,
    });
    const m = a.metrics.find((x) => x.name === 'error-rate')!;
    const query = (m.provider as { prometheus: { query: string } }).prometheus.query;
    expect(query).toContain('nginx_ingress_controller_requests{canary="shop-prod-shop-canary-http",status=~"5.."}');
    expect(query).toContain('"source", "lost-traffic"');
    expect(query).toContain('>= 456');
    expect(m).toMatchObject({ interval: '1m', initialDelay: '1m', failureLimit: 2, inconclusiveLimit: 71, consecutiveErrorLimit: 12 });
    expect(m.successCondition).toBe('len(result) > 0 && !isNaN(result[0]) && result[0] < 0.01');
    // Lost traffic gives 1: every request failed.
    expect(measurementPhase(m, [1])).toBe(Phase.FAILED);
  });

  test('a result is judged only with traffic: empty is inconclusive, never an Error or a pass', () => {
    // Argo's EvaluateResult semantics (see test/k8s/support/argo-analysis.ts).
    for (const name of ['error-rate', 'latency-p99']) {
      const m = metric(name);
      expect(measurementPhase(m, [])).toBe(Phase.INCONCLUSIVE);
      expect(measurementPhase(m, [0])).toBe(Phase.SUCCESSFUL);
      expect(measurementPhase(m, [NaN])).toBe(Phase.FAILED);
    }
    expect(measurementPhase(metric('error-rate'), [0.015])).toBe(Phase.FAILED);
    expect(measurementPhase(metric('error-rate'), [0.0149])).toBe(Phase.SUCCESSFUL);
  });

  test('the canary is compared with the stable version: a one-sided two-proportion z-test, 95% over the release', () => {
    const m = metric('error-rate-vs-stable');
    expect(m.provider.prometheus.query).toContain('rollouts_pod_template_hash="{{args.stable-pod-template-hash}}"');
    expect(m.provider.prometheus.query).toContain(') / sqrt(');
    // 20 measurements by default: z at 1 − 0.05 / 20 = 0.9975 is 2.807.
    expect(m.successCondition).toBe('len(result) == 0 || isNaN(result[0]) || result[0] < 2.807');
    expect(measurementPhase(m, [])).toBe(Phase.SUCCESSFUL);
    expect(measurementPhase(m, [NaN])).toBe(Phase.SUCCESSFUL);
    expect(measurementPhase(m, [3])).toBe(Phase.FAILED);
  });

  test('latency fails at the critical p99, in seconds', () => {
    expect(metric('latency-p99').successCondition).toBe('len(result) > 0 && !isNaN(result[0]) && result[0] < 2.5');
  });

  test('the health template checks every new pod is up, a fixed number of times', () => {
    const health = objectOf(manifests(), 'AnalysisTemplate', 'shop-rollback-health').spec.metrics[0];
    // A fresh pod's first scrape can precede readiness: wait two scrapes, tolerate one failure.
    expect(health).toMatchObject({
      name: 'pods-up',
      count: 3,
      failureLimit: 1,
      initialDelay: '1m',
      successCondition: 'len(result) > 0 && result[0] == 1',
    });
    expect(measurementPhase(health, [])).toBe(Phase.FAILED);
    expect(health.provider.prometheus.query).toBe(
      'min(up{namespace="shop-prod",job="shop",rollouts_pod_template_hash="{{args.pod-template-hash}}"})',
    );
  });

  test('no health template unless asked for', () => {
    const { analysis: plain, manifests: only } = synth({ healthMeasurements: undefined });
    expect(only.map((m) => m.metadata.name)).toEqual(['shop-rollback']);
    expect(plain.healthTemplateName).toBeUndefined();
  });

  test('measurements and address are configurable', () => {
    const custom = objectOf(
      synth({ measurements: 15, prometheusAddress: 'http://prom:9090' }).manifests,
      'AnalysisTemplate',
      'shop-rollback',
    );
    expect(custom.spec.metrics.map((m: { count: number }) => m.count)).toEqual([15, 15, 15]);
    expect(custom.spec.metrics[0].provider.prometheus.address).toBe('http://prom:9090');
  });

  test('contributes the rollback alarm with commands that parse', () => {
    const [fact] = analysis().runbookFacts().alarms ?? [];
    expect(fact).toMatchObject({ anchor: 'shop-prod-rollback-error-rate', name: 'shop-rollback', severity: AlarmSeverity.ROLLBACK });
    expect(fact.condition).toContain('at or above 1.5% (the rollback trigger is 1.5%: 0.5% baseline × 3)');
    expect(fact.condition).toContain('in 3 measurements, one every 2m');
    expect(fact.condition).toContain(`detected within ${analysis().bounds().detect}`);
    expect(fact.missingData).toContain('inconclusive');
    for (const c of fact.diagnosis) expect(bashSyntaxError(c.command)).toBeUndefined();
  });
});
