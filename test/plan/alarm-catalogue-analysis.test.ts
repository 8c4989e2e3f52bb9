import { resolveAlarmPolicy } from '../../lib/model/alarm-policy';
import { AlarmKind, rolloutAnalysisAlarms } from '../../lib/plan/alarm-catalogue';

describe('rolloutAnalysisAlarms', () => {
  const policy = resolveAlarmPolicy({
    enabled: false,
    critical: { p99LatencyMs: 1800 },
    rollbackTrigger: { baselineErrorRatePercent: 0.5, errorRateMultiplier: 4 },
  });

  test('the rollback trigger and the critical p99, with their thresholds, even when the alarms are not deployed', () => {
    const { rollback, latency } = rolloutAnalysisAlarms(policy);
    expect(rollback).toMatchObject({
      kind: AlarmKind.ROLLBACK_ERROR_RATE,
      threshold: 2,
      baseline: { errorRatePercent: 0.5, multiplier: 4 },
    });
    expect(latency).toMatchObject({ kind: AlarmKind.CRITICAL_LATENCY_P99, quantile: 0.99, threshold: 1800 });
  });
});
