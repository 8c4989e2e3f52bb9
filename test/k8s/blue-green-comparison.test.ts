import * as path from 'node:path';
import { Testing } from 'cdk8s';
import { DeploymentChart } from '../../constructs/k8s';
import { loadDefinitionFile } from '../../lib/model';
import { havePromtool } from './helpers';
import { goDurationSeconds, Phase, simulateAnalysis, type SimulatedMetric } from './support/argo-analysis';
import { PromqlEngine } from './support/promql';
import { trafficSeries, type VersionBehaviour } from './support/traffic';

/*
 * Blue-green's post-promotion comparison with the previous version, through the real Prometheus
 * engine (promtool) and the Argo analysis simulator: after the switch the previous version gets
 * no traffic, so a comparison over the same window is always empty and passes. The generated
 * query reads the previous version over its last served period instead.
 */

const definition = loadDefinitionFile(path.join(__dirname, '..', '..', 'examples', 'checkout', 'definition.yaml'));
const chart = new DeploymentChart(Testing.app(), 'Chart', { definition, environment: 'prod' });
const env = chart.environmentDefinition;
const analysis = chart.analysis!;
const scrape = env.kubernetes.scrapeInterval.toSeconds();
const trigger = env.alarms.rollbackTrigger;
const SWITCH = 1800;
const END = SWITCH + 45 * 60;

/** Runs the post-promotion analysis from the switch, with the old version serving before it and the new one after. */
function postPromotion(oldRatio: number, newRatio: number, metrics: readonly SimulatedMetric[] = analysis.metrics) {
  havePromtool();
  const versions: VersionBehaviour[] = [
    { hash: 'old', requests: (t) => (t <= SWITCH ? 1000 : 0), errorRatio: () => oldRatio },
    { hash: 'new', from: SWITCH - 600, requests: (t) => (t > SWITCH ? 1000 : 0), errorRatio: () => newRatio },
  ];
  const engine = new PromqlEngine(
    scrape,
    trafficSeries(chart.alerts.signals, versions, scrape, END, env.alarms.critical.p99LatencyMs / 1000),
  );
  const queryOf = (m: SimulatedMetric) =>
    (m as unknown as { provider: { prometheus: { query: string } } }).provider.prometheus.query
      .replace(/\{\{args\.pod-template-hash\}\}/g, 'new')
      .replace(/\{\{args\.stable-pod-template-hash\}\}/g, 'old');
  for (const m of metrics) {
    const times: number[] = [];
    for (let t = goDurationSeconds(m.initialDelay ?? '0s'); SWITCH + t <= END; t += analysis.interval.toSeconds()) times.push(SWITCH + t);
    engine.query(queryOf(m), times);
  }
  return simulateAnalysis(metrics, END - SWITCH, (m, t) => engine.values(queryOf(m), SWITCH + t));
}

describe('blue-green post-promotion comparison with the previous version (checkout prod)', () => {
  // Under the fixed threshold, but more than multiplier × what the previous version did.
  const oldRatio = (trigger.baselineErrorRatePercent / 100) * 0.5;
  const newRatio = (trigger.errorRatePercent / 100) * 0.8;

  test('the numbers make the case: under the fixed threshold, over multiplier × the previous version', () => {
    expect(newRatio).toBeLessThan(trigger.errorRatePercent / 100);
    expect(newRatio).toBeGreaterThanOrEqual(Math.max(oldRatio * trigger.errorRateMultiplier, trigger.baselineErrorRatePercent / 100));
  });

  test('a new version erring more than multiplier × the previous one fails after the switch', () => {
    const o = postPromotion(oldRatio, newRatio);
    expect(o.phase).toBe(Phase.FAILED);
    expect(o.measurements.filter((m) => m.phase === Phase.FAILED).map((m) => m.metric)).toEqual(
      expect.arrayContaining(['error-rate-vs-stable']),
    );
    expect(o.measurements.filter((m) => m.metric === 'error-rate' && m.phase === Phase.FAILED)).toEqual([]);
  });

  test('as good as the previous version: Successful', () => {
    expect(postPromotion(oldRatio, oldRatio).phase).toBe(Phase.SUCCESSFUL);
  });

  test('before: the same-window comparison was empty after the switch and passed', () => {
    const window = `[${analysis.window.toSeconds()}s]`;
    const sameWindow = analysis.metrics.map((m) =>
      m.name === 'error-rate-vs-stable'
        ? {
            ...m,
            provider: {
              prometheus: {
                ...(m.provider as { prometheus: { address: string; query: string } }).prometheus,
                query: (m.provider as { prometheus: { query: string } }).prometheus.query.replace(/\[\d+[hms][0-9hms]*\]/g, window),
              },
            },
          }
        : m,
    );
    expect(postPromotion(oldRatio, newRatio, sameWindow as SimulatedMetric[]).phase).toBe(Phase.SUCCESSFUL);
  });

  test('the runbook says what the comparison reads after the switch', () => {
    const fact = chart.analysis!.runbookFacts().alarms![0];
    expect(fact.condition).toContain("the previous version's ratio over its last");
  });
});
