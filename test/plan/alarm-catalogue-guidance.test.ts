import { resolveAlarmPolicy } from '../../lib/model/alarm-policy';
import { resolveDeadMansSwitch } from '../../lib/model/dead-mans-switch';
import { AlarmKind, alarmCatalogue, alarmOf, describeCondition } from '../../lib/plan/alarm-catalogue';

/*
 * What a person reads when an alarm fires: the condition in words (alarm descriptions, runbook
 * sections, Prometheus annotations) and the steps to take. Thresholds are the README's defaults:
 * critical at error rate > 5 % or p99 > 5 s; warnings at error rate > 2 %, p95 > 2 s, CPU or memory
 * > 80 %; roll back at 2 × a 1 % baseline; the dead-man's switch after 5 minutes without data.
 */
const catalogue = alarmCatalogue(resolveAlarmPolicy(), { deadMansSwitch: resolveDeadMansSwitch(), watchdog: true });

describe('the words of every alarm', () => {
  test.each([
    [AlarmKind.ROLLBACK_ERROR_RATE, 'error rate (2× the 1% baseline) ≥ 2% for '],
    [AlarmKind.CRITICAL_ERROR_RATE, 'error rate ≥ 5% for '],
    [AlarmKind.CRITICAL_LATENCY_P99, 'p99 latency ≥ 5000 ms for '],
    [AlarmKind.WARNING_ERROR_RATE, 'error rate ≥ 2% for '],
    [AlarmKind.WARNING_LATENCY_P95, 'p95 latency ≥ 2000 ms for '],
    [AlarmKind.WARNING_CPU, 'CPU utilization ≥ 80% for '],
    [AlarmKind.WARNING_MEMORY, 'memory utilization ≥ 80% for '],
  ])('%s: the condition names what is measured and the threshold', (kind, condition) => {
    expect(describeCondition(alarmOf(catalogue, kind))).toMatch(
      new RegExp(`^${condition.replace(/[()]/g, '\\$&')}\\d+ of \\d+ periods of `),
    );
  });

  test("the dead-man's switch fires on missing data; the Watchdog is always firing", () => {
    expect(describeCondition(alarmOf(catalogue, AlarmKind.DEAD_MANS_SWITCH))).toBe('no data for 5m');
    expect(describeCondition(alarmOf(catalogue, AlarmKind.WATCHDOG))).toBe('always firing');
  });

  test('every alarm names what it measures, and every step of what to do is a whole sentence', () => {
    expect(catalogue).toHaveLength(9);
    for (const alarm of catalogue) {
      expect({ kind: alarm.kind, what: alarm.what }).toEqual({ kind: alarm.kind, what: expect.stringMatching(/^\S.*\S$/) });
      expect(alarm.mitigation.length).toBeGreaterThan(0);
      for (const step of alarm.mitigation) {
        expect({ kind: alarm.kind, step }).toEqual({ kind: alarm.kind, step: expect.stringMatching(/^[A-Z][^.]*\s\S.*\.$/) });
      }
    }
  });
});

describe('what an alarm does', () => {
  test('the always-firing Watchdog never rolls a deployment back (it would roll back every one)', () => {
    expect(alarmOf(catalogue, AlarmKind.WATCHDOG).triggersRollback).toBe(false);
    expect(catalogue.filter((a) => a.triggersRollback).map((a) => a.kind)).toEqual([
      AlarmKind.ROLLBACK_ERROR_RATE,
      AlarmKind.CRITICAL_ERROR_RATE,
      AlarmKind.CRITICAL_LATENCY_P99,
    ]);
  });

  test("without a dead-man's switch policy there is no switch, and no error", () => {
    expect(alarmCatalogue(resolveAlarmPolicy()).map((a) => a.kind)).not.toContain(AlarmKind.DEAD_MANS_SWITCH);
  });

  test('an unknown kind is refused, listing every kind there is', () => {
    const small = alarmCatalogue(resolveAlarmPolicy({ enabled: false }), { deadMansSwitch: resolveDeadMansSwitch(), watchdog: true });
    expect(() => alarmOf(small, AlarmKind.WARNING_CPU)).toThrow(
      'no alarm of kind "warning-cpu" in this catalogue; it has "dead-mans-switch", "watchdog"',
    );
  });
});
