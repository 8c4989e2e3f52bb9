import { Duration } from '../../lib/model/duration';
import { timeBound, timeToDetect } from '../../lib/plan/timing';

/*
 * CloudWatch alarm timing: an alarm of M out of N periods needs M breaching datapoints and is
 * evaluated after each period closes, so it fires about (M + 1) periods after the problem starts
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarm-evaluation).
 */
describe('timeToDetect', () => {
  test('M of N one-minute periods: M + 1 minutes, whatever N is', () => {
    expect(timeToDetect({ period: Duration.minutes(1), evaluationPeriods: 5, datapointsToAlarm: 3 }).toSeconds()).toBe(240);
    expect(timeToDetect({ period: Duration.minutes(1), evaluationPeriods: 3, datapointsToAlarm: 3 }).toSeconds()).toBe(240);
  });

  test('scales with the period', () => {
    expect(timeToDetect({ period: Duration.seconds(30), evaluationPeriods: 2, datapointsToAlarm: 2 }).toSeconds()).toBe(90);
    expect(timeToDetect({ period: Duration.minutes(5), evaluationPeriods: 1, datapointsToAlarm: 1 }).toSeconds()).toBe(600);
  });
});

describe('timeBound', () => {
  const parts = [
    { what: 'detect', duration: Duration.minutes(3) },
    { what: 'ECS rollback', duration: Duration.minutes(2) },
  ];

  test('adds the parts and keeps them, in order, for the runbook', () => {
    const bound = timeBound(parts, Duration.minutes(15));
    expect(bound.total.toSeconds()).toBe(300);
    expect(bound.parts.map((p) => p.what)).toEqual(['detect', 'ECS rollback']);
    expect(bound.budget.toSeconds()).toBe(900);
    expect(bound.withinBudget).toBe(true);
  });

  test('a bound exactly at its budget is within it; one second over is not', () => {
    expect(timeBound(parts, Duration.minutes(5)).withinBudget).toBe(true);
    expect(timeBound(parts, Duration.seconds(299)).withinBudget).toBe(false);
  });

  test('no parts: zero, within any budget', () => {
    const bound = timeBound([], Duration.seconds(0));
    expect(bound.total.toSeconds()).toBe(0);
    expect(bound.withinBudget).toBe(true);
  });
});
