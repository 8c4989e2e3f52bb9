import { baseDefinition, problemsOf } from './support-definition';

/**
 * CloudWatch's own limits on an alarm's evaluation, refused by `validate`:
 * a period of 10 s, 30 s or a multiple of 60 s; periods × evaluation periods at most one day;
 * DatapointsToAlarm at most EvaluationPeriods.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
 */
const withEvaluation = (evaluation: unknown) => {
  const d = baseDefinition();
  d.alarms = { evaluation };
  return problemsOf(d);
};

describe('CloudWatch evaluation limits', () => {
  test.each(['10s', '30s', '1m', '2m', '1h'])('a %s period is accepted', (period) => {
    expect(withEvaluation({ period })).toEqual([]);
  });

  test.each([
    ['20s', '20s'],
    ['50s', '50s'],
    ['61s', '1m1s'],
    ['150s', '2m30s'],
  ])('a %s period is refused', (period, shown) => {
    expect(withEvaluation({ period })).toEqual([
      `alarms.evaluation.period is "${shown}"; CloudWatch periods are 10s, 30s or a whole number of minutes`,
    ]);
  });

  test('exactly one day of periods is accepted; one period more is refused', () => {
    expect(withEvaluation({ period: '1h', evaluationPeriods: 24 })).toEqual([]);
    expect(withEvaluation({ period: '30s', evaluationPeriods: 2880 })).toEqual([]);
    expect(withEvaluation({ period: '30s', evaluationPeriods: 2881 })).toEqual([
      'alarms.evaluation.evaluationPeriods is 2881; 2881 periods of 30s span more than one day, which CloudWatch refuses; use fewer periods or a shorter period',
    ]);
  });

  test('an invalid period is reported alone, not again as a long window', () => {
    expect(withEvaluation({ period: '45s', evaluationPeriods: 5000 })).toEqual([
      'alarms.evaluation.period is "45s"; CloudWatch periods are 10s, 30s or a whole number of minutes',
    ]);
  });

  test('DatapointsToAlarm equal to EvaluationPeriods is accepted', () => {
    expect(withEvaluation({ evaluationPeriods: 3, datapointsToAlarm: 3 })).toEqual([]);
  });

  test("the rollback trigger's evaluation is held to the same limits, at the environment's field", () => {
    const d = baseDefinition();
    d.environments[1].alarms = { rollbackTrigger: { evaluation: { period: '1h', evaluationPeriods: 2, datapointsToAlarm: 3 } } };
    expect(problemsOf(d)).toEqual([
      'environments[1].alarms.rollbackTrigger.evaluation.datapointsToAlarm is 3; it must not exceed evaluationPeriods (2)',
    ]);
  });
});

describe('thresholds: a warning fires before the critical alarm, the rollback trigger stays a rate', () => {
  test('a warning equal to the critical threshold is refused (it would never fire first)', () => {
    const d = baseDefinition();
    d.alarms = { warning: { errorRatePercent: 5, p95LatencyMs: 5000 } };
    expect(problemsOf(d)).toEqual([
      'alarms.warning.errorRatePercent is 5; a warning must fire before the critical alarm; make it lower than critical.errorRatePercent (5)',
      'alarms.warning.p95LatencyMs is 5000; a warning must fire before the critical alarm; make it lower than critical.p99LatencyMs (5000)',
    ]);
  });

  test('a rollback threshold of exactly 100 % is accepted', () => {
    const d = baseDefinition();
    d.alarms = { rollbackTrigger: { baselineErrorRatePercent: 50, errorRateMultiplier: 2 } };
    expect(problemsOf(d)).toEqual([]);
  });

  test('alarms may be off outside production', () => {
    const d = baseDefinition();
    d.environments[0].alarms = { enabled: false };
    expect(problemsOf(d)).toEqual([]);
  });
});
