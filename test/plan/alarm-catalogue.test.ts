import { resolveAlarmPolicy } from '../../lib/model/alarm-policy';
import { HeartbeatSource, resolveDeadMansSwitch } from '../../lib/model/dead-mans-switch';
import { Duration } from '../../lib/model/duration';
import {
  AlarmKind,
  AlarmSeverity,
  AlarmSignal,
  alarmCatalogue,
  alarmOf,
  alarmTimeToDetect,
  alertNameOf,
  describeCondition,
} from '../../lib/plan/alarm-catalogue';

const policy = resolveAlarmPolicy();
const deadMan = resolveDeadMansSwitch();

describe('alarmCatalogue', () => {
  test('a container gets the rollback trigger, critical, warning and saturation alarms and the dead-man switch, in that order', () => {
    expect(alarmCatalogue(policy, { deadMansSwitch: deadMan }).map((a) => a.kind)).toEqual([
      AlarmKind.ROLLBACK_ERROR_RATE,
      AlarmKind.CRITICAL_ERROR_RATE,
      AlarmKind.CRITICAL_LATENCY_P99,
      AlarmKind.WARNING_ERROR_RATE,
      AlarmKind.WARNING_LATENCY_P95,
      AlarmKind.WARNING_CPU,
      AlarmKind.WARNING_MEMORY,
      AlarmKind.DEAD_MANS_SWITCH,
    ]);
  });

  test('a function has no CPU or memory alarms; Prometheus targets add the Watchdog', () => {
    const kinds = alarmCatalogue(policy, { deadMansSwitch: deadMan, saturation: false, watchdog: true }).map((a) => a.kind);
    expect(kinds).not.toContain(AlarmKind.WARNING_CPU);
    expect(kinds).not.toContain(AlarmKind.WARNING_MEMORY);
    expect(kinds[kinds.length - 1]).toBe(AlarmKind.WATCHDOG);
  });

  test('thresholds and evaluations come from the resolved policy', () => {
    const custom = resolveAlarmPolicy({
      critical: { errorRatePercent: 7 },
      rollbackTrigger: {
        baselineErrorRatePercent: 0.5,
        errorRateMultiplier: 3,
        evaluation: { period: Duration.seconds(30), evaluationPeriods: 4, datapointsToAlarm: 2 },
      },
    });
    const catalogue = alarmCatalogue(custom, { deadMansSwitch: deadMan });
    const rollback = alarmOf(catalogue, AlarmKind.ROLLBACK_ERROR_RATE);
    expect(rollback).toMatchObject({
      severity: AlarmSeverity.ROLLBACK,
      signal: AlarmSignal.ERROR_RATIO,
      threshold: 1.5,
      triggersRollback: true,
    });
    expect(describeCondition(rollback)).toBe('error rate (3× the 0.5% baseline) ≥ 1.5% for 2 of 4 periods of 30s');
    expect(alarmTimeToDetect(rollback)?.toSeconds()).toBe(90);
    expect(alarmOf(catalogue, AlarmKind.CRITICAL_ERROR_RATE).threshold).toBe(7);
    expect(describeCondition(alarmOf(catalogue, AlarmKind.CRITICAL_LATENCY_P99))).toBe('p99 latency ≥ 5000 ms for 3 of 3 periods of 1m');
  });

  test('warnings never roll a deployment back; the rollback trigger and critical request alarms do', () => {
    const rollsBack = alarmCatalogue(policy, { deadMansSwitch: deadMan })
      .filter((a) => a.triggersRollback)
      .map((a) => a.kind);
    expect(rollsBack).toEqual([AlarmKind.ROLLBACK_ERROR_RATE, AlarmKind.CRITICAL_ERROR_RATE, AlarmKind.CRITICAL_LATENCY_P99]);
  });

  test('the dead-man switch fires after missingFor, and is left out when disabled, as alarms are', () => {
    const slow = resolveDeadMansSwitch({ missingFor: Duration.minutes(9), source: HeartbeatSource.HEARTBEAT });
    const switchAlarm = alarmOf(alarmCatalogue(policy, { deadMansSwitch: slow }), AlarmKind.DEAD_MANS_SWITCH);
    expect(alarmTimeToDetect(switchAlarm)?.toMinutes()).toBe(9);
    expect(describeCondition(switchAlarm)).toBe('no data for 9m');
    expect(alarmCatalogue(resolveAlarmPolicy({ enabled: false }), { deadMansSwitch: resolveDeadMansSwitch({ enabled: false }) })).toEqual(
      [],
    );
    expect(alarmCatalogue(resolveAlarmPolicy({ enabled: false }), { deadMansSwitch: deadMan }).map((a) => a.kind)).toEqual([
      AlarmKind.DEAD_MANS_SWITCH,
    ]);
  });

  test('every alarm says what it means, what it does to users and what to do', () => {
    for (const alarm of alarmCatalogue(policy, { deadMansSwitch: deadMan, watchdog: true })) {
      expect(alarm.meaning).toMatch(/\.$/);
      expect(alarm.impact).toMatch(/\.$/);
      expect(alarm.mitigation.length).toBeGreaterThan(0);
    }
  });

  test('fails when a kind is not in the catalogue, naming those that are', () => {
    expect(() =>
      alarmOf(alarmCatalogue(resolveAlarmPolicy({ enabled: false }), { deadMansSwitch: deadMan }), AlarmKind.WARNING_CPU),
    ).toThrow('no alarm of kind "warning-cpu" in this catalogue; it has "dead-mans-switch"');
  });

  test('Prometheus alert names are the kinds in PascalCase', () => {
    expect(alertNameOf(AlarmKind.CRITICAL_LATENCY_P99)).toBe('CriticalLatencyP99');
    expect(alertNameOf(AlarmKind.DEAD_MANS_SWITCH)).toBe('DeadMansSwitch');
  });
});
