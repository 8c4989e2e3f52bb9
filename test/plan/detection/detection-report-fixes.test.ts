import { detectionReport, rollbackAlarmMinimumRequests } from '../../../lib/plan/detection/detection-plan';
import { Backend } from '../../../lib/plan/rollout/schedule';
import { bestSafeDetection, environment, options, schedule } from './support/detection-definitions';
import { judgeAt } from './support/minute-alarm';

/*
 * The detection report of one environment (lib/plan/detection/detection-plan.ts), continued from
 * detection-report.test.ts: the fixes a finding names, a schedule starting without traffic, the gate
 * written into the alarm, and releases of one shape judged once. Releases are small enough to work
 * by hand: every step at 100 % of the traffic in whole minutes (or alarm periods), so each datapoint
 * of the rollback alarm is one Poisson series of requests judged on its own ratio. The expected
 * probabilities come from the model of CloudWatch's M-of-N evaluation in support/minute-alarm.ts
 * (AWS docs, "Alarm evaluation"; a datapoint is evaluated a minute after its period, the ingestion
 * delay the report assumes), its per-period breaches from the closed-form Poisson sums of
 * support/poisson-sums.ts. Definitions are built inside each test, so mutation testing runs only the
 * tests that reach a mutant.
 */

describe('detectionReport: more findings and their fixes', () => {
  test('a step that reaches 90 % only with a longer bake or more traffic: both fixes, each alone', () => {
    // 0.15 req/s at the quietest (Poisson(9) a minute): a gate of 10 judges a minute with ≈ 0.41,
    // so four evaluated minutes catch the 80 % regression with ≈ 1 − 0.75⁴ ≈ 0.68. A longer bake
    // evaluates more minutes; a higher rate judges more of them.
    const env = environment({ baseline: 20, multiplier: 4, traffic: { peak: 7, quiet: 0.15 } });
    const report = detectionReport(env, options(schedule(Backend.LAMBDA_CODEDEPLOY, [['canary', 100, 300]])))!;
    const r = (seconds: number) => ({ seconds: [seconds], baseline: 0.2, regression: 0.8 });
    expect(report.steps[0].quiet).toBeCloseTo(judgeAt(r(300), { m: 1, n: 1, gate: 10, delay: 60 }, 0.15).detection[0]!, 8);
    expect(report.steps[0].quiet).toBeLessThan(0.9);
    let minutes = 6;
    while (bestSafeDetection(r(60 * minutes), 1, 1, 0.15, 0) < 0.9) minutes++;
    let i = 1;
    while (bestSafeDetection(r(300), 1, 1, 0.15 * Math.pow(1.05, i), 0) < 0.9) i++;
    const rate = Number((0.15 * Math.pow(1.05, i)).toPrecision(3));
    expect([minutes, rate]).toEqual([10, 0.211]);
    // (The second finding, a burst at 0.15 req/s, is the subject of a test below.)
    expect(report.findings.slice(0, 1)).toEqual([
      {
        path: 'environments[0].rollout.stages[0].bake',
        value: '5m',
        message:
          'payments-staging: step "canary" (100% for 5m) catches a 4× regression (80% errors) before it ends with 68% probability at the quietest declared traffic of 0.15 rps (the target is 90%)',
        fix: 'bake it at least 10m, or release only at 0.211 rps or more (environments[0].traffic.quietRequestsPerSecond)',
      },
    ]);
  });

  test('a bake is offered in whole periods of the alarm', () => {
    // Two-minute periods, 0.35 req/s (Poisson(42) a period, as a minute at 0.7): a two-minute step
    // ends before its first datapoint is evaluated (a minute after the period), so it catches nothing;
    // the bake that would is a whole number of periods.
    const env = environment({ baseline: 20, multiplier: 4, traffic: { peak: 3.5, quiet: 0.35 }, period: '2m' });
    const report = detectionReport(env, options(schedule(Backend.LAMBDA_CODEDEPLOY, [['canary', 100, 120]])))!;
    expect(report.cloudWatchGate?.periodSeconds).toBe(120);
    const r = (seconds: number) => ({ seconds: [seconds], baseline: 0.2, regression: 0.8 });
    let periods = 2;
    while (bestSafeDetection(r(120 * periods), 1, 1, 0.35, 0, 120) < 0.9) periods++;
    expect(periods).toBe(5);
    expect(report.findings).toEqual([
      {
        path: 'environments[0].rollout.stages[0].bake',
        value: '2m',
        message:
          'payments-staging: step "canary" (100% for 2m) catches a 4× regression (80% errors) before it ends with 0% probability at the quietest declared traffic of 0.35 rps (the target is 90%)',
        fix: 'bake it at least 10m',
      },
    ]);
  });

  test('no fix within reach: stray errors breach every gate at every rate', () => {
    // Baseline 4.99 %, alarm at 5 %: at 20 req/s half the minutes breach on stray errors alone, and even
    // at 1,000× the ratio's spread (≈ 0.02 points) is twice the gap (0.01 points), so no gate stays
    // within 1 % false rollbacks: no bake, weight or rate makes the step pass.
    const env = environment({ baseline: 4.99, multiplier: 5 / 4.99, traffic: { peak: 20, quiet: 20 } });
    expect(env.alarms.rollbackTrigger.errorRatePercent).toBe(5);
    const report = detectionReport(env, options(schedule(Backend.LAMBDA_CODEDEPLOY, [['canary', 100, 60]])))!;
    expect(report.findings[0]).toEqual({
      path: 'environments[0].rollout.stages[0].bake',
      value: '1m',
      message:
        'payments-staging: step "canary" (100% for 1m) catches a 1× regression (5% errors) before it ends with 0% probability at the quietest declared traffic of 20 rps (the target is 90%)',
      fix: 'no bake, weight or traffic within reach makes it pass: raise the baseline error rate or the multiplier',
    });
  });

  test('the burst at the quietest rate decides the wording, even when it cannot breach at peak', () => {
    // 0.3 req/s (Poisson(18) a minute), 20 % / 80 %: a burst's minute (60 %) reaches 80 % of 18
    // requests with ≈ 0.06, so ≈ 4 % of releases end; at peak (7 req/s, 420 a minute) never, and stray
    // errors at either rate far less.
    const env = environment({ baseline: 20, multiplier: 4, traffic: { peak: 7, quiet: 0.3 } });
    const report = detectionReport(env, options(schedule(Backend.LAMBDA_CODEDEPLOY, [['canary', 100, 300]])))!;
    expect(report.cloudWatchGate?.minimumRequests).toBe(10);
    const r = { seconds: [300], baseline: 0.2, regression: 0.8 };
    const a = { m: 1, n: 1, gate: 10, delay: 60 };
    const [quiet, peak] = [judgeAt(r, a, 0.3), judgeAt(r, a, 7)];
    expect(quiet.burst).toBeGreaterThan(0.01);
    expect(peak.burst).toBeLessThan(Math.max(quiet.falseRollback, peak.falseRollback));
    expect(report.burstRollback.quiet).toBeCloseTo(quiet.burst, 8);
    const f = report.findings.find((x) => x.path === 'environments[0].alarms.rollbackTrigger.evaluation')!;
    expect(f.message).toBe(
      `payments-staging: a healthy release is rolled back with ${(100 * quiet.burst).toFixed(0)}% probability when every request fails for 30 seconds once during the release (the limit is 1%)`,
    );
  });
});

describe('detectionReport: a schedule on AWS starting without traffic', () => {
  test('the alarm watches from the start: the step without traffic is part of the release', () => {
    // Five minutes at 0 % (every request on the old version at 20 %: stray breaches only), then five at
    // 100 %; the datapoint of minute 4 is evaluated within the second step but holds no regression.
    const env = environment({ baseline: 20, multiplier: 4, traffic: { peak: 7, quiet: 0.7 }, stages: ['pre', 'canary'] });
    const report = detectionReport(
      env,
      options(
        schedule(Backend.LAMBDA_CODEDEPLOY, [
          ['pre', 0, 300],
          ['canary', 100, 300],
        ]),
      ),
    )!;
    const model = judgeAt({ seconds: [300, 300], baseline: 0.2, regression: 0.8 }, { m: 1, n: 1, gate: 10, delay: 60 }, 0.7);
    expect(report.steps[0]).toMatchObject({ name: 'pre', quiet: undefined, peak: undefined });
    expect(report.steps[0].falseRollbackQuiet).toBeCloseTo(model.falseDuring[0], 8);
    expect(report.steps[1].quiet).toBeCloseTo(model.detection[1]!, 8);
    expect(report.falseRollback.quiet).toBeCloseTo(model.falseRollback, 8);
  });
});

describe('rollbackAlarmMinimumRequests: the gate written into the alarm', () => {
  test('the chosen gate, or the fixed 10 requests without a report or an alarm of its own', () => {
    // Every gate rolls back too often here (the stray-error findings of detection-report.test.ts), so
    // the largest is kept.
    const noisy = environment({ baseline: 4.5, multiplier: 10 / 9, traffic: { peak: 20, quiet: 20 } });
    expect(rollbackAlarmMinimumRequests('payments', noisy, schedule(Backend.LAMBDA_CODEDEPLOY, [['canary', 100, 300]]))).toBe(1000);
    // 10: the fixed gate of lib/plan/version-error-rate.ts (`MINIMUM_REQUESTS`).
    expect(rollbackAlarmMinimumRequests('payments', noisy, schedule(Backend.KUBERNETES_DEPLOYMENT, [['canary', 100, 300]]))).toBe(10);
    expect(rollbackAlarmMinimumRequests('payments', noisy, schedule(Backend.ARGO_ROLLOUTS, [['canary', 100, 300]]))).toBe(10);
  });
});

describe('detectionReport: releases of the same shape are judged once', () => {
  test('the gate chosen and the probabilities computed once for another service, again for another traffic', () => {
    jest.isolateModules(() => {
      const gateChoice = require('../../../lib/plan/detection/choose-cloudwatch-gate');
      const cloudWatch = require('../../../lib/plan/detection/cloudwatch-detection');
      const argoChoice = require('../../../lib/plan/detection/choose-argo-gate');
      const argo = require('../../../lib/plan/detection/argo-detection');
      const plan = require('../../../lib/plan/detection/detection-plan');
      const chooseCloudWatch = jest.spyOn(gateChoice, 'chooseCloudWatchMinimum');
      const cloudWatchDuring = jest.spyOn(cloudWatch, 'cloudWatchFalseRollbackDuring');
      const chooseArgo = jest.spyOn(argoChoice, 'chooseArgoGate');
      const argoDuring = jest.spyOn(argo, 'argoFalseRollbackDuring');
      const env = environment({ baseline: 20, multiplier: 4, traffic: { peak: 7, quiet: 0.7 } });
      const aws = schedule(Backend.LAMBDA_CODEDEPLOY, [['canary', 100, 300]]);
      const first = plan.detectionReport(env, { label: 'payments-staging', environmentIndex: 0, schedule: aws });
      const second = plan.detectionReport(env, { label: 'orders-staging', environmentIndex: 0, schedule: aws });
      expect(second.label).toBe('orders-staging');
      expect(second.steps).toEqual(first.steps);
      expect([chooseCloudWatch.mock.calls.length, cloudWatchDuring.mock.calls.length]).toEqual([1, 1]);
      const busier = environment({ baseline: 20, multiplier: 4, traffic: { peak: 7, quiet: 0.8 } });
      plan.detectionReport(busier, { label: 'payments-staging', environmentIndex: 0, schedule: aws });
      expect([chooseCloudWatch.mock.calls.length, cloudWatchDuring.mock.calls.length]).toEqual([2, 2]);
      const argoEnv = environment({ baseline: 1, multiplier: 10, traffic: { peak: 50, quiet: 50 } });
      const rollout = schedule(Backend.ARGO_ROLLOUTS, [['canary', 10, 120]]);
      plan.detectionReport(argoEnv, { label: 'payments-staging', environmentIndex: 0, schedule: rollout });
      plan.detectionReport(argoEnv, { label: 'orders-staging', environmentIndex: 0, schedule: rollout });
      expect([chooseArgo.mock.calls.length, argoDuring.mock.calls.length]).toEqual([1, 1]);
    });
  });
});
