import { Duration } from '../../../lib/model/duration';
import { criticalZ, normalCdf, upperQuantile, zStatisticMetricMath, zStatisticPromql } from '../../../lib/plan/detection/canary-vs-stable';
import type { DetectionReport } from '../../../lib/plan/detection/detection-plan';
import { describeGate, formatDetectionTable, formatProbability, formatRate } from '../../../lib/plan/detection/detection-table';
import { Backend } from '../../../lib/plan/rollout/schedule';

/*
 * The detection report as people read it (lib/plan/detection/detection-table.ts, what `glidepath
 * check` prints and the runbook's detection section quotes) and the canary-versus-stable z-test
 * (lib/plan/detection/canary-vs-stable.ts). Normal quantiles are the table values (NIST/SEMATECH
 * e-Handbook of Statistical Methods, §1.3.6.7.1, cumulative distribution function of the standard
 * normal): Φ(−1) = 0.158655, Φ(3) = 0.998650, z₀.₉₅ = 1.644854, z₀.₉₇₅ = 1.959964, z₀.₉₉₇₅ = 2.807034,
 * z₀.₉₉₉ = 3.090232.
 */

describe('probabilities and rates as people read them', () => {
  test('whole percents from 10 %, one decimal below, and the ends marked rather than rounded away', () => {
    expect(formatProbability(undefined)).toBe('-');
    expect(formatProbability(0)).toBe('0%');
    expect(formatProbability(0.0005)).toBe('<0.1%');
    expect(formatProbability(0.001)).toBe('0.1%');
    expect(formatProbability(0.085)).toBe('8.5%');
    expect(formatProbability(0.1)).toBe('10%');
    expect(formatProbability(0.956)).toBe('96%');
    // 99.5 % to 99.9 % would round to a certainty: one decimal instead.
    expect(formatProbability(0.9949)).toBe('99%');
    expect(formatProbability(0.995)).toBe('99.5%');
    expect(formatProbability(0.9986)).toBe('99.9%');
    expect(formatProbability(0.999)).toBe('99.9%');
    expect(formatProbability(0.9995)).toBe('>99.9%');
    expect(formatProbability(1)).toBe('100%');
  });

  test('rates to three significant digits', () => {
    expect(formatRate(1234.5)).toBe('1230 rps');
    expect(formatRate(0.123456)).toBe('0.123 rps');
    expect(formatRate(5)).toBe('5 rps');
  });
});

const argoReport: DetectionReport = {
  label: 'shop-prod',
  backend: Backend.ARGO_ROLLOUTS,
  peakRequestsPerSecond: 120,
  quietRequestsPerSecond: 1.5,
  trafficDeclared: false,
  baselineErrorRatio: 0.01,
  regressionErrorRatio: 0.05,
  steps: [
    { name: 'canary', trafficPercent: 10, bake: Duration.minutes(5), peak: 0.9995, quiet: 0.5 },
    { name: 'half', trafficPercent: 50, bake: Duration.minutes(10), peak: 0.956, quiet: 0.085 },
    { name: 'full', trafficPercent: 100, bake: Duration.seconds(0) },
  ],
  falseRollback: { peak: 0.0004, quiet: 0.002 },
  burstRollback: { peak: 0, quiet: 0.01 },
  argoGate: { windowSeconds: 60, intervalSeconds: 60, failureLimit: 1, minimumRequests: 100, lostTrafficRequests: 88, threshold: 0.0775 },
  findings: [],
  notes: [],
};

describe('the gate and the table', () => {
  test('an Argo analysis: window, interval, failures that end it, threshold, gate and the lost-traffic check', () => {
    expect(describeGate(argoReport)).toBe(
      'analysis: window 60s measured every 60s, fails at 2 failed windows, each at ≥ 7.75% errors from 100 requests, or no canary request while the stable served 88',
    );
    const withoutLost = { ...argoReport, argoGate: { ...argoReport.argoGate!, lostTrafficRequests: undefined, threshold: 0.012345678 } };
    expect(describeGate(withoutLost)).toBe(
      'analysis: window 60s measured every 60s, fails at 2 failed windows, each at ≥ 1.235% errors from 100 requests',
    );
  });

  test('a CloudWatch rollback alarm: threshold, M of N periods, each version’s gate', () => {
    const report: DetectionReport = {
      ...argoReport,
      backend: Backend.ECS,
      argoGate: undefined,
      cloudWatchGate: {
        periodSeconds: 60,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        minimumRequests: 30,
        thresholdPercent: 5,
        oldVersionJudged: true,
      },
    };
    expect(describeGate(report)).toBe(
      'rollback alarm: ≥ 5% errors in 2 of 3 periods of 60s, each version counted from 30 requests a period',
    );
    expect(formatDetectionTable({ ...report, trafficDeclared: true }).split('\n')[0]).toBe(
      'shop-prod (ECS): detection of a 5× regression (5% errors) at 120 rps peak and 1.5 rps quietest',
    );
  });

  test('the table: a heading, the gate, one aligned row per step, the false rollbacks', () => {
    expect(formatDetectionTable(argoReport).split('\n')).toEqual([
      'shop-prod (Argo Rollouts): detection of a 5× regression (5% errors) at 120 rps peak and 1.5 rps quietest (default traffic: declare it)',
      '  analysis: window 60s measured every 60s, fails at 2 failed windows, each at ≥ 7.75% errors from 100 requests, or no canary request while the stable served 88',
      '  step    weight  bake  caught at peak  caught at quietest',
      '  canary  10%     5m    >99.9%          50%',
      '  half    50%     10m   96%             8.5%',
      '  full    100%    0s    -               -',
      '  healthy release rolled back: <0.1% at peak, 0.2% at the quietest; with one 30 s burst of failures: 0% / 1.0%',
    ]);
  });

  test('the other backends are named as people know them', () => {
    const head = (backend: Backend) => formatDetectionTable({ ...argoReport, backend }).split('\n')[0];
    expect(head(Backend.LAMBDA_CODEDEPLOY)).toMatch(/^shop-prod \(Lambda \+ CodeDeploy\): /);
    expect(head(Backend.KUBERNETES_DEPLOYMENT)).toMatch(/^shop-prod \(Kubernetes Deployment\): /);
  });
});

/** Evaluates the z statistic's text with numbers for the four series (PromQL's `sqrt`, metric math's FILL, IF, AND and `^`). */
function evaluate(expression: string, values: Record<string, number>): number {
  let js = expression;
  for (const [name, value] of Object.entries(values)) js = js.split(name).join(String(value));
  js = js.replace(/ AND /g, ' && ').replace(/ \^ /g, ' ** ');
  const IF = (c: boolean, a: number, b: number) => (c ? a : b);
  const FILL = (x: number | undefined, v: number) => x ?? v;
  return (new Function('sqrt', 'IF', 'FILL', `return ${js};`) as (...f: unknown[]) => number)(Math.sqrt, IF, FILL);
}

describe('the canary-versus-stable z-test', () => {
  test('Φ and its upper quantiles against the normal table', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 6);
    expect(normalCdf(3)).toBeCloseTo(0.99865, 6);
    expect(upperQuantile(0.05)).toBe(1.6449);
    expect(upperQuantile(0.025)).toBe(1.96);
    expect(upperQuantile(0.5)).toBe(0);
  });

  test('the confidence is spent over the release (Bonferroni): α / M per measurement', () => {
    expect(criticalZ(1)).toBe(1.6449);
    expect(criticalZ(20)).toBe(2.807); // α = 0.05 / 20 = 0.0025
    expect(criticalZ(0)).toBe(1.6449); // no measurement counted: at least one
    expect(criticalZ(10, 0.99)).toBe(3.0902); // α = 0.01 / 10
  });

  // 3 errors of 100 against 1 of 100: p̂ = 0.02, z = 0.02 / √(0.02 · 0.98 · 0.02) = 0.02 / 0.0197990 = 1.01015.
  test('PromQL: the pooled two-proportion z', () => {
    const text = zStatisticPromql('canaryErrors', 'canaryRequests', 'stableErrors', 'stableRequests');
    const z = evaluate(text, { canaryErrors: 3, canaryRequests: 100, stableErrors: 1, stableRequests: 100 });
    expect(z).toBeCloseTo(1.01015, 5);
  });

  test('metric math: the same z, 0 below the gate or without errors', () => {
    const text = zStatisticMetricMath({ canaryErrors: 'e1', canaryRequests: 'n1', stableErrors: 'e2', stableRequests: 'n2' }, 50);
    expect(evaluate(text, { e1: 3, n1: 100, e2: 1, n2: 100 })).toBeCloseTo(1.01015, 5);
    expect(evaluate(text, { e1: 3, n1: 49, e2: 1, n2: 100 })).toBe(0);
    expect(evaluate(text, { e1: 3, n1: 100, e2: 1, n2: 49 })).toBe(0);
    expect(evaluate(text, { e1: 0, n1: 100, e2: 0, n2: 100 })).toBe(0);
    // At the gate exactly, judged.
    expect(evaluate(text, { e1: 3, n1: 50, e2: 1, n2: 50 })).toBeGreaterThan(0);
  });
});
