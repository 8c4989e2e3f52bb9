import { compileCondition, UnsupportedCondition } from './support/argo-condition';
import { goDurationSeconds, measurementPhase, Phase, simulateAnalysis, type SimulatedMetric } from './support/argo-analysis';

/*
 * The simulator the scenario tests rely on, checked against the cases of Argo Rollouts' own
 * tests (utils/evaluate/evaluate_test.go, analysis/analysis_test.go) that glidepath's templates
 * touch.
 */

describe('expr conditions', () => {
  test('result[0] of an empty vector is a runtime error (TestEvaluateResultErrorMessageWithEmptySlice)', () => {
    expect(measurementPhase({ name: 'm', successCondition: 'result[0] < 1' }, [])).toBe(Phase.ERROR);
  });

  test('len() guards short-circuit', () => {
    expect(compileCondition('len(result) == 0 || result[0] < 1')([])).toBe(true);
    expect(compileCondition('len(result) > 0 && result[0] < 1')([])).toBe(false);
  });

  test('NaN compares false; isNaN and isInf', () => {
    expect(compileCondition('result[0] < 1')([NaN])).toBe(false);
    expect(compileCondition('result[0] >= 1')([NaN])).toBe(false);
    expect(compileCondition('isNaN(result[0])')([NaN])).toBe(true);
    expect(compileCondition('isInf(result[0], 1)')([Infinity])).toBe(true);
    expect(compileCondition('!(result[0] == 1)')([0])).toBe(true);
  });

  test('refuses what it does not understand', () => {
    expect(() => compileCondition('result[0] + 1 < 2')).toThrow(UnsupportedCondition);
    expect(() => compileCondition('asInt(result) < 2')).toThrow(UnsupportedCondition);
  });
});

describe('EvaluateResult', () => {
  const both: SimulatedMetric = { name: 'm', successCondition: 'result[0] < 1', failureCondition: 'result[0] > 2' };
  test('success only: not success is Failed', () => {
    expect(measurementPhase({ name: 'm', successCondition: 'result[0] < 1' }, [1])).toBe(Phase.FAILED);
  });
  test('failure only: not failure is Successful', () => {
    expect(measurementPhase({ name: 'm', failureCondition: 'result[0] > 1' }, [1])).toBe(Phase.SUCCESSFUL);
  });
  test('both: neither is Inconclusive', () => {
    expect(measurementPhase(both, [0])).toBe(Phase.SUCCESSFUL);
    expect(measurementPhase(both, [3])).toBe(Phase.FAILED);
    expect(measurementPhase(both, [1.5])).toBe(Phase.INCONCLUSIVE);
  });
  test('no condition: Successful', () => {
    expect(measurementPhase({ name: 'm' }, [])).toBe(Phase.SUCCESSFUL);
  });
});

describe('analysis run', () => {
  const metric = (extra: Partial<SimulatedMetric> = {}): SimulatedMetric => ({
    name: 'm',
    interval: '1m',
    successCondition: 'result[0] < 1',
    ...extra,
  });

  test('Go durations', () => {
    expect(goDurationSeconds('1m30s')).toBe(90);
    expect(goDurationSeconds('2h')).toBe(7200);
  });

  test('failureLimit: fails at failureLimit + 1 failed measurements, counted in total, not in a row', () => {
    const values = [2, 0, 2, 0, 2];
    const o = simulateAnalysis([metric({ failureLimit: 2 })], 3600, (_m, t) => [values[t / 60] ?? 0]);
    expect(o.phase).toBe(Phase.FAILED);
    expect(o.atSeconds).toBe(240);
  });

  test('initialDelay delays the first measurement; count ends the metric Successful', () => {
    const o = simulateAnalysis([metric({ initialDelay: '2m', count: 3 })], 3600, () => [0]);
    expect(o.phase).toBe(Phase.SUCCESSFUL);
    expect(o.measurements.map((m) => m.atSeconds)).toEqual([120, 180, 240]);
  });

  test('errors are retried after 10s and end the run in Error beyond consecutiveErrorLimit (default 4)', () => {
    const o = simulateAnalysis([metric()], 3600, () => []);
    expect(o.phase).toBe(Phase.ERROR);
    expect(o.measurements.map((m) => m.atSeconds)).toEqual([0, 10, 20, 30, 40]);
  });

  test('a judged measurement resets the consecutive errors', () => {
    let n = 0;
    const o = simulateAnalysis([metric({ count: 12 })], 3600, () => (n++ % 4 === 3 ? [0] : []));
    expect(o.measurements.filter((m) => m.phase === Phase.ERROR).length).toBeGreaterThan(4);
    expect(o.phase).toBe(Phase.SUCCESSFUL);
  });

  test('inconclusiveLimit: Inconclusive beyond it (default 0)', () => {
    const m = metric({ failureCondition: 'result[0] > 2' });
    expect(simulateAnalysis([m], 3600, () => [1.5]).phase).toBe(Phase.INCONCLUSIVE);
    const o = simulateAnalysis([{ ...m, inconclusiveLimit: 2 }], 3600, () => [1.5]);
    expect(o.phase).toBe(Phase.INCONCLUSIVE);
    expect(o.measurements).toHaveLength(3);
  });

  test('a metric without count runs until the rollout terminates the run: Successful', () => {
    const o = simulateAnalysis([metric()], 600, () => [0]);
    expect(o.phase).toBe(Phase.SUCCESSFUL);
    expect(o.atSeconds).toBe(600);
  });

  test('one failed metric terminates the run; the worst phase wins (Failed over Inconclusive)', () => {
    const failing = metric({ name: 'a' });
    const inconclusive = metric({ name: 'b', failureCondition: 'result[0] > 5' });
    const o = simulateAnalysis([failing, inconclusive], 3600, () => [2]);
    expect(o.phase).toBe(Phase.FAILED);
    expect(o.atSeconds).toBe(0);
  });
});
