import {
  argoFalseRollback,
  argoStepDetection,
  cloudWatchStepDetection,
  ReleaseTimeline,
  type ArgoGate,
  type CloudWatchGate,
} from '../../../lib/plan/detection';

/*
 * Worked examples with closed forms. With a threshold so low that one error fails a window and a
 * gate of one request, a window fails exactly when it holds an error: P = 1 − e^(−λ w T p)
 * (errors of a Poisson stream are a Poisson stream). Disjoint windows are independent.
 */
const anyError = 1e-9;

describe('Argo analysis model', () => {
  const timeline = new ReleaseTimeline([{ name: 'all', weight: 1, seconds: 300 }], 1);
  const gate: ArgoGate = { windowSeconds: 60, intervalSeconds: 60, failureLimit: 0, minimumRequests: 1, threshold: anyError };

  test('one failure ends it: P(an error within the 5 one-minute windows) = 1 − e^(−300 λ p)', () => {
    expect(argoStepDetection(timeline, gate, 0, 0, 0.01)).toBeCloseTo(1 - Math.exp(-3), 9);
    expect(argoFalseRollback(timeline, gate, 0.005)).toBeCloseTo(1 - Math.exp(-1.5), 9);
  });

  test('two failures: at least 2 of 5 windows, each failing with q = 1 − e^(−0.6)', () => {
    const q = 1 - Math.exp(-0.6);
    const none = Math.pow(1 - q, 5);
    const one = 5 * q * Math.pow(1 - q, 4);
    expect(argoStepDetection(timeline, { ...gate, failureLimit: 1 }, 0, 0, 0.01)).toBeCloseTo(1 - none - one, 9);
  });

  test('a window below the gate is never judged', () => {
    expect(argoStepDetection(timeline, { ...gate, minimumRequests: 1000 }, 0, 0, 0.5)).toBe(0);
  });
});

describe('CloudWatch alarm model', () => {
  const timeline = new ReleaseTimeline([{ name: 'all', weight: 1, seconds: 300 }], 1);
  const gate: CloudWatchGate = {
    periodSeconds: 60,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    minimumRequests: 1,
    thresholdPercent: anyError,
    oldVersionJudged: true,
  };

  test('1 of 1: four periods are evaluated by the step end (a minute of ingestion): 1 − e^(−240 λ p)', () => {
    expect(cloudWatchStepDetection(timeline, gate, 0, 0, 0.01)).toBeCloseTo(1 - Math.exp(-2.4), 9);
  });

  test('2 of 2 with q = 1/2 per period: no two breaches in a row among 4 periods happens 8 of 16 times', () => {
    // q = 1 − e^(−60 λ p) = 1/2 when λ p = ln 2 / 60.
    const p = Math.log(2) / 60;
    expect(cloudWatchStepDetection(timeline, { ...gate, evaluationPeriods: 2, datapointsToAlarm: 2 }, 0, 0, p)).toBeCloseTo(0.5, 9);
  });
});
