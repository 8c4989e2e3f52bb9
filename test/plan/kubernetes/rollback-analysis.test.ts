import { Duration } from '../../../lib/model/duration';
import { resolveAlarmPolicy } from '../../../lib/model';
import type { ArgoGate } from '../../../lib/plan/detection/argo-detection';
import { PrometheusSignals } from '../../../lib/plan/kubernetes/prometheus-signals';
import {
  rollbackAnalysisBounds,
  rollbackAnalysisNumbers,
  type RollbackAnalysisSettings,
} from '../../../lib/plan/kubernetes/rollback-analysis';
import {
  alertBounds,
  analysisBounds,
  deadMansSwitchBounds,
  rateWindow,
  SCRAPES_PER_WINDOW,
} from '../../../lib/plan/kubernetes/release-bounds';

/*
 * The numbers an Argo Rollouts analysis runs with, and the time bounds the runbook states, from
 * the rollback trigger or the detection model's gate. Expected values are worked by hand from the
 * definitions: Argo measures every `interval`, fails the run at `failureLimit + 1` failed
 * measurements and ends it in Error after `consecutiveErrorLimit` consecutive query errors
 * (https://argo-rollouts.readthedocs.io/en/stable/features/analysis/); Prometheus windows span at
 * least 4 scrapes (https://www.robustperception.io/what-range-should-i-use-with-rate/).
 */

const seconds = (d: Duration | undefined) => d?.toSeconds();

function settings(
  overrides: Partial<RollbackAnalysisSettings> = {},
  period = Duration.minutes(2),
  datapointsToAlarm = 3,
): RollbackAnalysisSettings {
  return {
    name: 'shop-rollback',
    namespace: 'shop-prod',
    signals: PrometheusSignals.forWorkload({ namespace: 'shop-prod', job: 'shop' }),
    // baseline 0.5 % × 3: the trigger fails a window at 1.5 %.
    rollbackTrigger: resolveAlarmPolicy({
      rollbackTrigger: {
        baselineErrorRatePercent: 0.5,
        errorRateMultiplier: 3,
        evaluation: { period, evaluationPeriods: datapointsToAlarm, datapointsToAlarm },
      },
    }).rollbackTrigger,
    p99LatencyMs: 2500,
    rolloutName: 'shop',
    ...overrides,
  };
}

const gate = (g: Partial<ArgoGate> = {}): ArgoGate => ({
  windowSeconds: 300,
  intervalSeconds: 300,
  failureLimit: 1,
  minimumRequests: 30,
  threshold: 0.04,
  lostTrafficRequests: 90,
  ...g,
});

describe('rollbackAnalysisNumbers without a detection gate: the rollback trigger', () => {
  test('one measurement per trigger period, failing at datapointsToAlarm failures, at baseline × multiplier', () => {
    const n = rollbackAnalysisNumbers(settings());
    expect(n.templateName).toBe('shop-rollback');
    expect(n.healthTemplateName).toBeUndefined();
    expect(seconds(n.interval)).toBe(120);
    expect(n.failureLimit).toBe(2);
    expect(n.inconclusiveLimit).toBe(2);
    expect(n.minimumRequests).toBe(50);
    expect(seconds(n.window)).toBe(120);
    expect(seconds(n.scrapeInterval)).toBe(30);
    expect(n.thresholdRatio).toBeCloseTo(0.015, 12);
    expect(n.lostTrafficRequests).toBeUndefined();
    expect(n.address).toBe('http://prometheus-operated.monitoring.svc:9090');
  });

  test('a window shorter than 4 scrapes is stretched to 4 scrapes; a longer period is kept', () => {
    expect(seconds(rollbackAnalysisNumbers(settings({}, Duration.minutes(1))).window)).toBe(120);
    expect(seconds(rollbackAnalysisNumbers(settings({ scrapeInterval: Duration.seconds(15) }, Duration.minutes(1))).window)).toBe(60);
    expect(seconds(rollbackAnalysisNumbers(settings({}, Duration.minutes(5))).window)).toBe(300);
    expect(seconds(rollbackAnalysisNumbers(settings({ scrapeInterval: Duration.seconds(60) }, Duration.minutes(2))).window)).toBe(240);
  });

  test('one failed datapoint to alarm means no failure tolerated', () => {
    expect(rollbackAnalysisNumbers(settings({}, Duration.minutes(1), 1)).failureLimit).toBe(0);
  });

  test('a Prometheus outage of max(2 minutes, 2 intervals) is retried every 10 s before the analysis errors', () => {
    // 2 min interval: max(120, 240) s / 10 s = 24 retries.
    expect(rollbackAnalysisNumbers(settings()).consecutiveErrorLimit).toBe(24);
    // 1 min interval: max(120, 120) / 10 = 12.
    expect(rollbackAnalysisNumbers(settings({}, Duration.minutes(1))).consecutiveErrorLimit).toBe(12);
    // 45 s interval: the 2-minute floor, 12.
    expect(rollbackAnalysisNumbers(settings({ gate: gate({ intervalSeconds: 45 }) })).consecutiveErrorLimit).toBe(12);
    // 63 s interval: 126 s, rounded up to 13 retries.
    expect(rollbackAnalysisNumbers(settings({ gate: gate({ intervalSeconds: 63 }) })).consecutiveErrorLimit).toBe(13);
  });

  test('the comparison with the stable version spends 5 % over 20 measurements by default (z of 0.25 %: 2.807)', () => {
    // Standard normal upper quantiles (any z table): P(Z > 2.807) = 0.0025, P(Z > 2.576) = 0.005.
    expect(rollbackAnalysisNumbers(settings()).comparisonZ).toBeCloseTo(2.807, 3);
    const ten = rollbackAnalysisNumbers(settings({ measurementsInRelease: 10 }));
    expect(ten.comparisonZ).toBeCloseTo(2.576, 3);
    // Inconclusive windows up to the release's measurements never pause the rollout.
    expect(ten.inconclusiveLimit).toBe(10);
    expect(ten.failureLimit).toBe(2);
  });

  test('explicit minimum requests, Prometheus address and health template', () => {
    const n = rollbackAnalysisNumbers(
      settings({ minimumRequests: 200, prometheusAddress: 'http://prom.obs.svc:9090', healthMeasurements: 0 }),
    );
    expect(n.minimumRequests).toBe(200);
    expect(n.address).toBe('http://prom.obs.svc:9090');
    expect(n.healthTemplateName).toBe('shop-rollback-health');
    expect(rollbackAnalysisNumbers(settings({ healthMeasurements: 3 })).healthTemplateName).toBe('shop-rollback-health');
  });
});

describe('rollbackAnalysisNumbers with the detection model gate', () => {
  test('window, interval, failure limit, minimum, threshold and lost-traffic check come from the gate', () => {
    const n = rollbackAnalysisNumbers(settings({ gate: gate(), minimumRequests: 200 }));
    expect(seconds(n.window)).toBe(300);
    expect(seconds(n.interval)).toBe(300);
    expect(n.failureLimit).toBe(1);
    expect(n.inconclusiveLimit).toBe(1);
    expect(n.minimumRequests).toBe(30);
    expect(n.thresholdRatio).toBe(0.04);
    expect(n.lostTrafficRequests).toBe(90);
    // max(120, 600) / 10
    expect(n.consecutiveErrorLimit).toBe(60);
  });

  test('a gate window different from its interval is kept as chosen', () => {
    const n = rollbackAnalysisNumbers(settings({ gate: gate({ windowSeconds: 60, intervalSeconds: 120, failureLimit: 3 }) }));
    expect(seconds(n.window)).toBe(60);
    expect(seconds(n.interval)).toBe(120);
    expect(n.failureLimit).toBe(3);
    expect(n.inconclusiveLimit).toBe(3);
  });
});

describe('release bounds', () => {
  test('rate windows: the period, at least 4 scrapes', () => {
    expect(SCRAPES_PER_WINDOW).toBe(4);
    expect(seconds(rateWindow(Duration.minutes(1), Duration.seconds(30)))).toBe(120);
    expect(seconds(rateWindow(Duration.minutes(5), Duration.seconds(30)))).toBe(300);
    expect(seconds(rateWindow(Duration.minutes(2), Duration.seconds(30)))).toBe(120);
    expect(seconds(rateWindow(Duration.seconds(30), Duration.seconds(10)))).toBe(40);
  });

  test('the analysis detects after a scrape, a full window and failureLimit + 1 intervals, and aborts 30 s later', () => {
    // 30 s scrape + 2 min window + 3 × 2 min = 8 min 30 s; Argo's abort estimate adds 30 s.
    const b = rollbackAnalysisBounds(rollbackAnalysisNumbers(settings()));
    expect(seconds(b.detect)).toBe(510);
    expect(seconds(b.abort)).toBe(540);
    expect(b.parts.map((p) => [p.what, seconds(p.duration)])).toEqual([
      ['the next scrape records it (30s)', 30],
      ['the 2m query window fills', 120],
      ['3 failed measurements, one every 2m', 360],
      ['Argo Rollouts aborts: all traffic back on the stable version (estimate)', 30],
    ]);
  });

  test('one failed measurement is singular', () => {
    const b = analysisBounds({
      interval: Duration.minutes(1),
      window: Duration.minutes(2),
      failureLimit: 0,
      scrapeInterval: Duration.seconds(15),
    });
    // 15 + 120 + 60
    expect(seconds(b.detect)).toBe(195);
    expect(seconds(b.abort)).toBe(225);
    expect(b.parts[2].what).toBe('1 failed measurement, one every 1m');
    expect(b.parts).toHaveLength(4);
  });

  test('an alert fires between window + for − one scrape and window + for + one evaluation', () => {
    const b = alertBounds(Duration.minutes(2), Duration.minutes(3), Duration.seconds(30), Duration.seconds(15));
    expect(seconds(b.earliest)).toBe(270);
    expect(seconds(b.latest)).toBe(315);
  });

  test('the dead-man’s switch fires missingFor after the last sample, within one evaluation', () => {
    const b = deadMansSwitchBounds(Duration.minutes(5), Duration.seconds(30));
    expect(seconds(b.earliest)).toBe(300);
    expect(seconds(b.latest)).toBe(330);
  });
});
