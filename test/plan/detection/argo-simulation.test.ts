import * as path from 'node:path';
import { Testing } from 'cdk8s';
import { DeploymentChart } from '../../../constructs/k8s';
import { loadDefinitionFile } from '../../../lib/model';
import type { InputSeries } from '../../k8s/support/promql';
import { Phase, simulateAnalysis, type SimulatedMetric } from '../../k8s/support/argo-analysis';
import { queryMany } from './support/promtool-batch';
import { Random, recordResult, trialsPerScenario, exactInterval } from './support/random';

/*
 * Monte Carlo of the generated Argo Rollouts analysis: Poisson arrivals per scrape interval at the
 * declared rates, split by the schedule's weights over time, written as the counters the app and
 * ingress-nginx export; the AnalysisTemplate's queries evaluated by the real Prometheus engine
 * (promtool) and the results run through the Argo analysis simulator (test/k8s/support). The
 * measured rates must agree with the detection model (lib/plan/detection) within the 99.9 %
 * Wilson interval. The p99 metric is left out: healthy latency never fails it. GLIDEPATH_MC_TRIALS
 * raises the trials per scenario (default 16).
 */

const TRIALS = trialsPerScenario(16);
const EXAMPLES = ['storefront-web', 'checkout'].map((name) => path.join(__dirname, '..', '..', '..', 'examples', name, 'definition.yaml'));
const CASES = EXAMPLES.flatMap((file) => {
  const definition = loadDefinitionFile(file);
  return definition.environments
    .filter((e) => e.rollout.stages.some((s) => s.trafficPercent > 0 && s.trafficPercent < 100) || e.rollout.strategy === 'blue-green')
    .map((env) => [`${definition.service}-${env.name}`, definition, env.name] as const);
});

describe.each(CASES)('%s: the analysis as the model says', (label, definition, environment) => {
  const chart = new DeploymentChart(Testing.app(), 'Chart', { definition, environment });
  const report = chart.detection!;
  const analysis = chart.analysis!;
  const namespace = chart.namespaceName;
  const scrape = chart.environmentDefinition.kubernetes.scrapeInterval.toSeconds();
  const metrics = analysis.metrics.filter((m) => m.name !== 'latency-p99') as unknown as (SimulatedMetric & {
    provider: { prometheus: { query: string } };
  })[];
  const steps = report.steps.slice(report.steps.findIndex((s) => s.trafficPercent > 0));
  const starts: number[] = [];
  const end = steps.reduce((t, s) => (starts.push(t), t + s.bake.toSeconds()), 0);
  const weightAt = (t: number) => steps[Math.max(0, starts.filter((s) => s <= t).length - 1)].trafficPercent / 100;
  const baseline = report.baselineErrorRatio;
  const upstream = `${namespace}-${definition.service}-canary-http`;

  /** Counters of one trial up to `until`, its namespace suffixed so trials share one promtool run. */
  function trialSeries(trial: number, rate: number, until: number, regressionFrom: number | undefined, random: Random): InputSeries[] {
    const ns = `${namespace}-t${trial}`;
    const app = (hash: string, code: string) =>
      `http_requests_total{namespace="${ns}",job="${definition.service}",rollouts_pod_template_hash="${hash}",pod="pod-${hash}",code="${code}"}`;
    const ingress = (status: string) => `nginx_ingress_controller_requests{canary="${upstream.replace(namespace, ns)}",status="${status}"}`;
    // The stable version has served for a while; the canary's pods start at 0 and export a 5xx counter from their first error.
    let [cOk, cErr, sOk, sErr] = [0, 0, 1_000_000, 5_000];
    const values: Record<string, string[]> = { cOk: [], cErr: [], sOk: [], sErr: [] };
    for (let t = 0; t <= until; t += scrape) {
      if (t > 0) {
        const w = weightAt(t - scrape / 2);
        const p = regressionFrom !== undefined && t - scrape / 2 >= regressionFrom ? report.regressionErrorRatio : baseline;
        const n = rate * scrape;
        cErr += random.poisson(n * w * p);
        cOk += random.poisson(n * w * (1 - p));
        sErr += random.poisson(n * (1 - w) * baseline);
        sOk += random.poisson(n * (1 - w) * (1 - baseline));
      }
      values.cOk.push(String(cOk));
      values.cErr.push(cErr > 0 ? String(cErr) : '_');
      values.sOk.push(String(sOk));
      values.sErr.push(String(sErr));
    }
    const out: InputSeries[] = [
      { series: app('canary', '200'), values: values.cOk.join(' ') },
      { series: app('stable', '200'), values: values.sOk.join(' ') },
      { series: app('stable', '500'), values: values.sErr.join(' ') },
      { series: ingress('200'), values: values.cOk.join(' ') },
    ];
    if (cErr > 0) {
      out.push({ series: app('canary', '500'), values: values.cErr.join(' ') });
      out.push({ series: ingress('500'), values: values.cErr.join(' ') });
    }
    return out;
  }

  /** The queries of trial k, as Argo resolves its arguments. */
  const queryOf = (metric: (typeof metrics)[number], trial: number) =>
    metric.provider.prometheus.query
      .replace(/\{\{args\.pod-template-hash\}\}/g, 'canary')
      .replace(/\{\{args\.stable-pod-template-hash\}\}/g, 'stable')
      .split(namespace)
      .join(`${namespace}-t${trial}`);

  /** Phases of TRIALS analysis runs over [0, until]. */
  function run(rate: number, until: number, regressionFrom: number | undefined, seed: number) {
    const random = new Random(seed);
    const series = Array.from({ length: TRIALS }, (_, k) => trialSeries(k, rate, until, regressionFrom, random)).flat();
    const times: number[] = [];
    for (let t = analysis.window.toSeconds(); t <= until; t += analysis.interval.toSeconds()) times.push(t);
    const queries = Array.from({ length: TRIALS }, (_, k) =>
      metrics.flatMap((m) => times.map((at) => ({ expr: queryOf(m, k), at }))),
    ).flat();
    const results = queryMany(scrape, series, queries);
    return Array.from({ length: TRIALS }, (_, k) =>
      simulateAnalysis(metrics, until, (m, at) => results.get(`${queryOf(m as (typeof metrics)[number], k)}@${at}`) ?? []),
    );
  }

  const judged = steps.map((s, i) => [s, i] as const).filter(([s]) => s.quiet !== undefined);
  const [first, firstIndex] = judged[0];
  const rates = [
    ['quietest', report.quietRequestsPerSecond],
    ['peak', report.peakRequestsPerSecond],
  ] as const;

  test.each(rates)(`step "${first.name}" at the %s rate (%d rps): measured detection agrees with the model`, (which, rate) => {
    const modelled = which === 'peak' ? first.peak! : first.quiet!;
    const from = starts[firstIndex];
    const until = from + steps[firstIndex].bake.toSeconds();
    const outcomes = run(rate, until, from, which === 'peak' ? 11 : 12);
    const caught = outcomes.filter((o) => o.phase === Phase.FAILED && o.atSeconds > from && o.atSeconds <= until).length;
    const [low, high] = exactInterval(caught, TRIALS);
    recordResult(`${label} detection step ${first.name} at ${which} ${rate} rps`, modelled, caught, TRIALS);
    if (modelled < low - 1e-9 || modelled > high + 1e-9)
      throw new Error(`${label}: model ${modelled}, measured ${caught}/${TRIALS} (${low}–${high})`);
  });

  test('a healthy release at the quietest rate: measured false rollbacks agree with the model', () => {
    const outcomes = run(report.quietRequestsPerSecond, end, undefined, 21);
    const rolledBack = outcomes.filter((o) => o.phase === Phase.FAILED || o.phase === Phase.ERROR).length;
    const [low, high] = exactInterval(rolledBack, TRIALS);
    recordResult(
      `${label} false rollback at quietest ${report.quietRequestsPerSecond} rps`,
      report.falseRollback.quiet,
      rolledBack,
      TRIALS,
    );
    expect(report.falseRollback.quiet).toBeGreaterThanOrEqual(low - 1e-9);
    expect(report.falseRollback.quiet).toBeLessThanOrEqual(high + 1e-9);
    expect(outcomes.every((o) => o.phase !== Phase.INCONCLUSIVE)).toBe(true);
  });
});
