import { validateDefinition } from '../../../lib/model';
import { Duration } from '../../../lib/model/duration';
import type { DetectionReport } from '../../../lib/plan/detection/detection-plan';
import { analysisSettings } from '../../../lib/plan/kubernetes/analysis-plan';
import { PrometheusSignals } from '../../../lib/plan/kubernetes/prometheus-signals';
import type { RolloutPlan } from '../../../lib/plan/rollout/rollout-plan';

/**
 * The rollback analysis settings of a Rollout, worked by hand from a hand-written schedule (the
 * plan's steps) and gate, every fixture built inside its test. The canary upstream is named as
 * ingress-nginx names it, `<namespace>-<service>-<port>` (kubernetes/ingress-nginx
 * `internal/ingress/controller/util.go` `upstreamName`); a rate window is at least 4 scrapes
 * (lib/model/kubernetes.ts: "alert and analysis windows are at least 4 of them").
 */

function environment(top: Record<string, unknown> = {}, env: Record<string, unknown> = {}) {
  const definition = validateDefinition({
    service: 'checkout',
    owners: { team: 'payments', primary: '@ana', backup: '@ben', channel: '#checkout-releases' },
    receivers: { critical: { enabled: false, reason: 'A test definition: nobody is paged' } },
    workload: { container: { image: 'public.ecr.aws/acme/checkout:1.0.0', port: 8080, healthCheckPath: '/healthz' } },
    alarms: { critical: { p99LatencyMs: 2500 } },
    ...top,
    environments: [{ name: 'staging', region: 'eu-west-1', rollout: { strategy: 'canary' }, ...env }],
  });
  return { definition, env: definition.environments[0] };
}

/** A plan of which `analysisSettings` reads the schedule's steps only. */
const planOf = (...steps: [number, Duration][]) =>
  ({ schedule: { steps: steps.map(([trafficPercent, bake], i) => ({ name: `s${i}`, trafficPercent, bake })) } }) as unknown as RolloutPlan;

const gate = (intervalSeconds: number) =>
  ({
    argoGate: { windowSeconds: intervalSeconds, intervalSeconds, failureLimit: 1, minimumRequests: 40, threshold: 0.05 },
  }) as unknown as DetectionReport;

const options = () => ({
  namespace: 'checkout-staging',
  signals: PrometheusSignals.forWorkload({ namespace: 'checkout-staging', job: 'checkout' }),
  scrapeInterval: Duration.seconds(30),
  prometheusAddress: 'http://prometheus-operated.monitoring.svc:9090',
});

describe('analysisSettings: a canary', () => {
  test('names, thresholds and the gate; measurements from the first traffic shift to the end, plus the first', () => {
    const { definition, env } = environment();
    const detection = gate(60);
    const o = options();
    const settings = analysisSettings(
      definition,
      env,
      // The 0 % test step is not measured: 4m + 5m30s + 0s from the first shift = 570 s, 9.5 intervals of 60 s → 10, + 1.
      planOf([0, Duration.minutes(5)], [10, Duration.minutes(4)], [50, Duration.seconds(330)], [100, Duration.seconds(0)]),
      detection,
      o,
    );
    expect(settings).toMatchObject({
      name: 'checkout-rollback',
      namespace: 'checkout-staging',
      rolloutName: 'checkout',
      p99LatencyMs: 2500,
      // The definition's documented default.
      minimumRequests: 50,
      prometheusAddress: 'http://prometheus-operated.monitoring.svc:9090',
      ingressCanaryUpstream: 'checkout-staging-checkout-canary-http',
      measurementsInRelease: 11,
      measurements: undefined,
      stableLookback: undefined,
      healthMeasurements: undefined,
    });
    expect(settings.gate).toBe(detection.argoGate);
    expect(settings.signals).toBe(o.signals);
    expect(settings.scrapeInterval).toBe(o.scrapeInterval);
    expect(settings.rollbackTrigger).toBe(env.alarms.rollbackTrigger);
  });

  test("without a gate the interval is the rollback alarm's period (1m unless set)", () => {
    const { definition, env } = environment();
    // 10m + 0s = 600 s: 10 intervals of 60 s, + 1.
    const settings = analysisSettings(
      definition,
      env,
      planOf([20, Duration.minutes(10)], [100, Duration.seconds(0)]),
      undefined,
      options(),
    );
    expect(settings.gate).toBeUndefined();
    expect(settings.measurementsInRelease).toBe(11);
    const twoMinutes = environment({
      alarms: { rollbackTrigger: { evaluation: { period: '2m', evaluationPeriods: 2, datapointsToAlarm: 2 } } },
    });
    // 600 s over 120 s: 5, + 1.
    expect(
      analysisSettings(
        twoMinutes.definition,
        twoMinutes.env,
        planOf([20, Duration.minutes(10)], [100, Duration.seconds(0)]),
        undefined,
        options(),
      ).measurementsInRelease,
    ).toBe(6);
  });

  test('behind an ALB there is no ingress-nginx upstream to read', () => {
    const { definition, env } = environment({ kubernetes: { ingress: { className: 'alb', sourceCidr: '10.0.0.0/16' } } });
    expect(analysisSettings(definition, env, planOf([20, Duration.minutes(1)]), gate(60), options()).ingressCanaryUpstream).toBeUndefined();
  });
});

describe('analysisSettings: blue/green', () => {
  test('the post-promotion analysis, the look-back to the previous version and the health checks of the test stage', () => {
    // The documented default blue/green stages: a 0 % test stage of 5m, then all traffic for 30m.
    const { definition, env } = environment({}, { rollout: { strategy: 'blue-green' } });
    const settings = analysisSettings(definition, env, planOf([0, Duration.minutes(5)], [100, Duration.minutes(30)]), gate(60), options());
    // 30m / 60 s = 30 measurements after the switch; in the release 1800 s / 60 s + 1.
    expect(settings.measurements).toBe(30);
    expect(settings.measurementsInRelease).toBe(31);
    // (30 + 1) intervals of 60 s, plus two rate windows of max(60 s, 4 × 30 s) = 120 s: 1860 + 240.
    expect(settings.stableLookback?.toSeconds()).toBe(2100);
    // The 5m test stage holds 5 measurements; at most 3 health checks.
    expect(settings.healthMeasurements).toBe(3);
    expect(settings.ingressCanaryUpstream).toBeUndefined();
  });

  test('a short test stage holds fewer health checks, at least one; a bake shorter than an interval is one measurement', () => {
    const stages = (testBake: string, fullBake: string) => ({
      rollout: {
        strategy: 'blue-green',
        stages: [
          { name: 'test', trafficPercent: 0, bake: testBake },
          { name: 'full', trafficPercent: 100, bake: fullBake },
        ],
      },
    });
    const two = environment({}, stages('2m', '150s'));
    const settings = analysisSettings(
      two.definition,
      two.env,
      planOf([0, Duration.minutes(2)], [100, Duration.seconds(150)]),
      gate(60),
      options(),
    );
    expect(settings.healthMeasurements).toBe(2);
    // 150 s holds 2 whole intervals of 60 s.
    expect(settings.measurements).toBe(2);
    // (2 + 1) × 60 s + 2 × 120 s.
    expect(settings.stableLookback?.toSeconds()).toBe(420);
    const short = environment({}, stages('30s', '30s'));
    const s2 = analysisSettings(
      short.definition,
      short.env,
      planOf([0, Duration.seconds(30)], [100, Duration.seconds(30)]),
      gate(60),
      options(),
    );
    expect(s2.healthMeasurements).toBe(1);
    expect(s2.measurements).toBe(1);
    // (1 + 1) × 60 s + 2 × 120 s.
    expect(s2.stableLookback?.toSeconds()).toBe(360);
  });

  test('without a test stage, 3 health checks', () => {
    const { definition, env } = environment(
      {},
      { rollout: { strategy: 'blue-green', stages: [{ name: 'full', trafficPercent: 100, bake: '10m' }] } },
    );
    const settings = analysisSettings(definition, env, planOf([100, Duration.minutes(10)]), gate(120), options());
    expect(settings.healthMeasurements).toBe(3);
    // 600 s over 120 s.
    expect(settings.measurements).toBe(5);
    // Rate window max(120 s, 4 × 30 s) = 120 s: (5 + 1) × 120 + 2 × 120.
    expect(settings.stableLookback?.toSeconds()).toBe(960);
  });

  test('without a test stage a short bake does not lower the health checks: still 3', () => {
    const { definition, env } = environment(
      {},
      { rollout: { strategy: 'blue-green', stages: [{ name: 'full', trafficPercent: 100, bake: '2m' }] } },
    );
    const settings = analysisSettings(definition, env, planOf([100, Duration.minutes(2)]), gate(60), options());
    // The 100 % stage is not a test stage, though its 2m hold only 2 measurements.
    expect(settings.measurements).toBe(2);
    expect(settings.healthMeasurements).toBe(3);
  });
});
