import { resolveAlarmPolicy } from '../../../lib/model/alarm-policy';
import { AlarmKind, alarmCatalogue, criticalLatencyAlarm } from '../../../lib/plan/alarm-catalogue';
import { cloudWatchAlarmSpecs, deadMansSwitchSpec } from '../../../lib/plan/cloudwatch/alarm-spec';
import type { SignalSet } from '../../../lib/plan/cloudwatch/signal-specs';

// Signals as plain labels: the spec builder only chooses which one each alarm reads.
const signals: SignalSet<string> = {
  errorRatePercent: 'service-rate',
  versionErrorRatePercent: 'version-rate',
  minimumRequests: 10,
  latencyP99Ms: 'p99',
  latencyP95Ms: 'p95',
  requests: 'requests',
  cpuPercent: 'cpu',
  memoryPercent: 'memory',
  heartbeat: 'heartbeat',
  source: 'load balancer of ECS service checkout-prod',
  saturationSource: 'ECS service checkout-prod in cluster checkout-prod',
};
const policy = resolveAlarmPolicy();

describe('cloudWatchAlarmSpecs', () => {
  const specs = cloudWatchAlarmSpecs(alarmCatalogue(policy), signals);
  const of = (kind: AlarmKind) => specs.find((s) => s.kind === kind)!;

  test('rollback and critical error rates judge each version; the warning keeps the service-wide rate', () => {
    expect(of(AlarmKind.ROLLBACK_ERROR_RATE).signal).toBe('version-rate');
    expect(of(AlarmKind.CRITICAL_ERROR_RATE).signal).toBe('version-rate');
    expect(of(AlarmKind.WARNING_ERROR_RATE).signal).toBe('service-rate');
    expect(of(AlarmKind.CRITICAL_ERROR_RATE).description).toContain(
      '(load balancer of ECS service checkout-prod; error rate of each version on its own requests (from 10 a period))',
    );
  });

  test('every threshold alarm fires at the threshold and treats missing data as not breaching', () => {
    for (const spec of specs) {
      expect(spec.comparison).toBe('GreaterThanOrEqualToThreshold');
      expect(spec.treatMissingData).toBe('notBreaching');
    }
  });

  test('only the rollback trigger stays silent on OK', () => {
    expect(specs.filter((s) => !s.notifiesOk).map((s) => s.kind)).toEqual([AlarmKind.ROLLBACK_ERROR_RATE]);
  });

  test('saturation reads CPU and memory from their own source', () => {
    expect(of(AlarmKind.WARNING_CPU)).toMatchObject({
      signal: 'cpu',
      description: expect.stringContaining('(ECS service checkout-prod in cluster checkout-prod)'),
    });
    expect(of(AlarmKind.WARNING_MEMORY).signal).toBe('memory');
  });

  test('fails when a saturation alarm meets signals without CPU', () => {
    expect(() => cloudWatchAlarmSpecs(alarmCatalogue(policy), { ...signals, cpuPercent: undefined })).toThrow(
      /alarm "warning-cpu" reads cpu, which these signals do not provide/,
    );
  });

  test('fails when a latency alarm reads a quantile CloudWatch signals do not carry', () => {
    const p90 = { ...criticalLatencyAlarm(policy), quantile: 0.9 };
    expect(() => cloudWatchAlarmSpecs([p90], signals)).toThrow(/latency quantile 0.9; CloudWatch signals carry p99 and p95/);
  });
});

test('deadMansSwitchSpec: fewer than 1 sample a minute for N minutes, missing data breaching', () => {
  expect(deadMansSwitchSpec('checkout-prod-dead-mans-switch', 'heartbeat', 'ECS CPUUtilization samples of checkout-prod', 5)).toMatchObject(
    {
      threshold: 1,
      comparison: 'LessThanThreshold',
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      treatMissingData: 'breaching',
      notifiesOk: true,
      description: 'CRITICAL: no heartbeat (ECS CPUUtilization samples of checkout-prod) for 5 minutes',
    },
  );
});
