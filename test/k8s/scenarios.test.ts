import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { Testing } from 'cdk8s';
import { DeploymentChart, promtoolTests } from '../../constructs/k8s';
import { AlarmKind, alertNameOf } from '../../lib/plan/alarm-catalogue';
import { alertBounds, deadMansSwitchBounds } from '../../constructs/k8s/release-bounds';
import { loadDefinitionFile } from '../../lib/model';
import { collectRunbookFacts } from '../../lib/runbook/facts';
import {
  DEFAULT_ERROR_RETRY_SECONDS,
  goDurationSeconds,
  Phase,
  simulateAnalysis,
  type AnalysisOutcome,
  type SimulatedMetric,
} from './support/argo-analysis';
import { PromqlEngine } from './support/promql';
import { trafficSeries, type VersionBehaviour } from './support/traffic';

/*
 * The scenario table of issue 14, for every environment of the Kubernetes examples: the
 * *generated* PrometheusRule and AnalysisTemplate queries run through the real Prometheus engine
 * (promtool), and the analysis results through Argo Rollouts' documented semantics
 * (support/argo-analysis.ts). The measured times are compared with the bounds the runbook states
 * (constructs/k8s/release-bounds.ts). promtool is required: without it these tests fail.
 */

const EXAMPLES = ['storefront-web', 'checkout'].map((name) => path.join(__dirname, '..', '..', 'examples', name, 'definition.yaml'));
const cases = EXAMPLES.flatMap((file) => {
  const definition = loadDefinitionFile(file);
  return definition.environments.map((env) => [`${definition.service}-${env.name}`, definition, env.name] as const);
});

const END = 40 * 60;

describe.each(cases)('%s', (_name, definition, environment) => {
  const chart = new DeploymentChart(Testing.app(), 'Chart', { definition, environment });
  const env = chart.environmentDefinition;
  const scrape = env.kubernetes.scrapeInterval.toSeconds();
  const signals = chart.alerts.signals;
  const evaluation = chart.alerts.evaluationInterval.toSeconds();
  const p99 = env.alarms.critical.p99LatencyMs / 1000;
  const facts = collectRunbookFacts(chart);
  const series = (versions: VersionBehaviour[]) => trafficSeries(signals, versions, scrape, END, p99);
  // Fault start: a scrape boundary well after the analysis started.
  const faultAt = Math.ceil(600 / scrape) * scrape + scrape;

  describe('alerts', () => {
    const rules = chart.alerts.spec;
    const deadMan = chart.alerts.alerts.find((a) => a.kind === AlarmKind.DEAD_MANS_SWITCH);
    const fires = (versions: VersionBehaviour[], kind: AlarmKind) =>
      new PromqlEngine(scrape, series(versions), evaluation).firingTimes(rules, alertNameOf(kind), END);
    const steady = (hash: string, extra: Partial<VersionBehaviour> = {}): VersionBehaviour => ({ hash, requests: () => 1000, ...extra });

    test('the generated promtool unit tests pass on the generated rules (promtool test rules)', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-rules-'));
      fs.writeFileSync(path.join(dir, 'rules.yaml'), stringify(rules));
      fs.writeFileSync(path.join(dir, 'rules.test.yaml'), stringify(promtoolTests(chart.alerts, 'rules.yaml')));
      const r = spawnSync('promtool', ['test', 'rules', 'rules.test.yaml'], { cwd: dir, encoding: 'utf8' });
      expect(r.error).toBeUndefined();
      expect(`${r.stdout}${r.stderr}`).toContain('SUCCESS');
      expect(r.status).toBe(0);
    });

    test('healthy traffic: no alert but the Watchdog', () => {
      const engine = new PromqlEngine(
        scrape,
        series([steady('stable', { errorRatio: () => env.alarms.rollbackTrigger.baselineErrorRatePercent / 100 / 2 })]),
        evaluation,
      );
      const firing = engine.firingTimesOf(
        rules,
        chart.alerts.alerts.map((a) => a.rule.alert),
        END,
      );
      for (const a of chart.alerts.alerts) {
        expect([a.rule.alert, firing.get(a.rule.alert)!.length > 0]).toEqual([a.rule.alert, a.kind === AlarmKind.WATCHDOG]);
      }
    });

    if (deadMan) {
      const bounds = deadMansSwitchBounds(deadMan.window!.plus(deadMan.holdFor), chart.alerts.evaluationInterval);
      const lastGood = 600;
      const expectWithin = (times: number[]) => {
        expect(times.length).toBeGreaterThan(0);
        const after = times[0] - lastGood;
        expect(after).toBeGreaterThan(bounds.earliest.toSeconds());
        expect(after).toBeLessThanOrEqual(bounds.latest.toSeconds());
      };
      test(`app down (targets present, up == 0): DeadMansSwitch fires within ${bounds.latest}`, () => {
        expectWithin(fires([steady('stable', { up: (t) => (t <= lastGood ? 1 : 0) })], AlarmKind.DEAD_MANS_SWITCH));
      });
      test(`metrics gone (no targets): DeadMansSwitch fires within ${bounds.latest}`, () => {
        expectWithin(fires([steady('stable', { to: lastGood })], AlarmKind.DEAD_MANS_SWITCH));
      });
      test('rollout pod churn (old hash ends, new hash starts): no DeadMansSwitch', () => {
        expect(fires([steady('old', { to: lastGood }), steady('new', { from: lastGood + scrape })], AlarmKind.DEAD_MANS_SWITCH)).toEqual(
          [],
        );
      });
      test('one missed scrape: no DeadMansSwitch', () => {
        expect(fires([steady('stable', { missed: [lastGood] })], AlarmKind.DEAD_MANS_SWITCH)).toEqual([]);
      });
      test('the runbook states the dead-man bound', () => {
        const fact = facts.flatMap((f) => f.alarms ?? []).find((a) => a.name === deadMan.rule.alert)!;
        expect(fact.condition).toContain(`fires within ${bounds.latest}`);
      });
    } else {
      test("the dead-man's switch is only off outside production", () => expect(env.production).toBe(false));
    }

    const critical = chart.alerts.alerts.find((a) => a.kind === AlarmKind.CRITICAL_ERROR_RATE);
    if (critical) {
      const bounds = alertBounds(critical.window!, critical.holdFor, env.kubernetes.scrapeInterval, chart.alerts.evaluationInterval);
      test(`critical error ratio sustained: fires between ${bounds.earliest} and ${bounds.latest} after it starts, not before`, () => {
        const times = fires(
          [steady('stable', { errorRatio: (t) => (t > faultAt ? critical.threshold! : 0) })],
          AlarmKind.CRITICAL_ERROR_RATE,
        );
        expect(times.length).toBeGreaterThan(0);
        expect(times[0] - faultAt).toBeGreaterThanOrEqual(bounds.earliest.toSeconds());
        expect(times[0] - faultAt).toBeLessThanOrEqual(bounds.latest.toSeconds());
      });
    }
  });

  const analysis = chart.analysis;
  if (!analysis) {
    test('no analysis: the workload is a Deployment', () => expect(chart.workload.kind).toBe('Deployment'));
    return;
  }

  describe('analysis', () => {
    const weight = chart.workload.schedule.steps.find((s) => s.trafficPercent > 0)!.trafficPercent;
    // The canary serves 1000 requests per scrape at the first weight; the stable version the rest.
    const canaryRequests = 1000;
    const stableRequests = Math.round((canaryRequests * (100 - weight)) / weight);
    const trigger = env.alarms.rollbackTrigger;
    const bounds = analysis.bounds();
    const stable = (ratio = trigger.baselineErrorRatePercent / 100 / 2): VersionBehaviour => ({
      hash: 'stable',
      requests: () => stableRequests,
      errorRatio: () => ratio,
    });
    const canary = (extra: Partial<VersionBehaviour> = {}): VersionBehaviour => ({
      hash: 'canary',
      requests: () => canaryRequests,
      ...extra,
    });

    const run = (versions: VersionBehaviour[], metrics: readonly SimulatedMetric[] = analysis.metrics): AnalysisOutcome => {
      const engine = new PromqlEngine(scrape, series(versions), evaluation);
      const queryOf = (m: SimulatedMetric) =>
        (m as unknown as { provider: { prometheus: { query: string } } }).provider.prometheus.query
          .replace(/\{\{args\.pod-template-hash\}\}/g, 'canary')
          .replace(/\{\{args\.stable-pod-template-hash\}\}/g, 'stable');
      // Evaluate every nominal measurement time of every query in one promtool run.
      engine.prefetch(
        metrics.map((m) => {
          // Each metric is measured at its own interval (the analysis' by default).
          const every = goDurationSeconds(m.interval ?? '0s') || analysis.interval.toSeconds();
          const times: number[] = [];
          for (let t = goDurationSeconds(m.initialDelay ?? '0s'); t <= END; t += every) times.push(t);
          return { expr: queryOf(m), times };
        }),
      );
      return simulateAnalysis(metrics, END, (m, t) => {
        const expr = queryOf(m);
        // Off the nominal times (a retry after an Error): the rest of the run at the retry step, in
        // one promtool run rather than one per measurement (each result is its own instant query).
        if (!engine.has(expr, t)) {
          const times: number[] = [];
          for (let at = t; at <= END; at += DEFAULT_ERROR_RETRY_SECONDS) times.push(at);
          engine.prefetch([{ expr, times }]);
        }
        return engine.values(expr, t);
      });
    };
    const phasesOf = (o: AnalysisOutcome) => new Set(o.measurements.map((m) => m.phase));

    test('healthy canary (only 2xx, at the first weight): Successful, every measurement judged', () => {
      const o = run([stable(), canary()]);
      expect(o.phase).toBe(Phase.SUCCESSFUL);
      expect([...phasesOf(o)]).toEqual([Phase.SUCCESSFUL]);
    });

    test.each([
      ['the rollback threshold (multiplier × baseline)', 1],
      ['10 × the rollback threshold', 10],
    ])('5xx at %s: Failed within the stated detect bound', (_what, factor) => {
      const ratio = Math.min(1, (trigger.errorRatePercent / 100) * factor);
      const o = run([stable(), canary({ errorRatio: (t) => (t > faultAt ? ratio : 0) })]);
      expect(o.phase).toBe(Phase.FAILED);
      expect(o.measurements.filter((m) => m.atSeconds <= faultAt && m.phase !== Phase.SUCCESSFUL)).toEqual([]);
      expect(o.atSeconds - faultAt).toBeLessThanOrEqual(bounds.detect.toSeconds());
    });

    test('slower than the latency threshold: Failed within the stated detect bound', () => {
      const o = run([stable(), canary({ slow: (t) => t > faultAt })]);
      expect(o.phase).toBe(Phase.FAILED);
      expect(o.measurements.find((m) => m.phase === Phase.FAILED)!.metric).toBe('latency-p99');
      expect(o.atSeconds - faultAt).toBeLessThanOrEqual(bounds.detect.toSeconds());
    });

    // Blue-green post-promotion analysis: the old version has no traffic left to compare with, so
    // the comparison passes and the fixed threshold decides.
    if (weight >= 100) {
      test('no stable traffic to compare with: the comparison passes, the fixed threshold decides', () => {
        const o = run([stable(), canary({ errorRatio: (t) => (t > faultAt ? trigger.errorRatePercent / 100 : 0) })]);
        expect(o.measurements.filter((m) => m.metric === 'error-rate-vs-stable').every((m) => m.phase === Phase.SUCCESSFUL)).toBe(true);
        expect(o.measurements.find((m) => m.phase === Phase.FAILED)?.metric).toBe('error-rate');
      });
    }
    if (weight < 100) {
      test("error ratio under the fixed threshold but multiplier × the stable version's: Failed", () => {
        const stableRatio = (trigger.baselineErrorRatePercent / 100) * 0.4;
        // Under the template's fixed threshold, which the detection model may set below the
        // rollback trigger (README, "What the model chooses").
        const canaryRatio = analysis.thresholdRatio * 0.8;
        expect(canaryRatio).toBeGreaterThanOrEqual(
          Math.max(stableRatio * trigger.errorRateMultiplier, trigger.baselineErrorRatePercent / 100),
        );
        const o = run([stable(stableRatio), canary({ errorRatio: (t) => (t > faultAt ? canaryRatio : 0) })]);
        expect(o.phase).toBe(Phase.FAILED);
        expect(o.measurements.filter((m) => m.phase === Phase.FAILED).map((m) => m.metric)).toEqual(
          expect.arrayContaining(['error-rate-vs-stable']),
        );
        expect(o.measurements.filter((m) => m.metric === 'error-rate' && m.phase === Phase.FAILED)).toEqual([]);
      });
    }

    test('no traffic at all (the stable version idle too): nothing judged, never aborted, never Error', () => {
      const o = run([{ ...stable(), requests: () => 0 }, canary({ requests: () => 0 })]);
      expect(o.phase === Phase.FAILED || o.phase === Phase.ERROR).toBe(false);
      expect(phasesOf(o).has(Phase.FAILED)).toBe(false);
      expect(phasesOf(o).has(Phase.ERROR)).toBe(false);
      expect(o.measurements.filter((m) => m.metric === 'error-rate').every((m) => m.phase === Phase.INCONCLUSIVE)).toBe(true);
    });

    // Lost traffic (issue 24 item 6, README): the stable version serves while the canary gets no
    // request, so the canary is unreachable; that fails instead of pausing.
    if (weight < 100) {
      test('the canary gets no request while the stable version serves: Failed (lost traffic)', () => {
        const o = run([stable(), canary({ requests: () => 0 })]);
        expect(o.phase).toBe(Phase.FAILED);
        expect(phasesOf(o).has(Phase.ERROR)).toBe(false);
      });
    }

    test('one missed scrape: no Error, no false abort', () => {
      const o = run([{ ...stable(), missed: [faultAt] }, canary({ missed: [faultAt] })]);
      expect(o.phase).toBe(Phase.SUCCESSFUL);
      expect([...phasesOf(o)]).toEqual([Phase.SUCCESSFUL]);
    });

    test('without the empty-result guard, a healthy canary with no 5xx series would error (the defect this fixes)', () => {
      const unguarded = analysis.metrics.map((m) => ({ ...m, successCondition: 'result[0] < 1', failureCondition: undefined }));
      const o = run([{ ...stable(), requests: () => 0 }, canary({ requests: () => 0 })], unguarded);
      expect(o.phase).toBe(Phase.ERROR);
    });

    test('the runbook states the detect and abort bounds', () => {
      const fact = facts.flatMap((f) => f.alarms ?? []).find((a) => a.name === analysis.templateName)!;
      expect(fact.condition).toContain(`detected within ${bounds.detect}`);
      const level2 = facts.flatMap((f) => f.rollback ?? []).find((l) => l.level === 2)!;
      expect(level2.bound!.total.toSeconds()).toBe(bounds.abort.toSeconds());
    });

    if (analysis.healthMetrics) {
      test('blue-green pre-promotion health: a fresh pod whose first scrape precedes readiness passes', () => {
        const o = run([stable(), canary({ requests: () => 0, up: (t) => (t < scrape ? 0 : 1) })], analysis.healthMetrics!);
        expect(o.phase).toBe(Phase.SUCCESSFUL);
      });
    }
  });
});
