import { Duration } from '../../../lib/model/duration';
import { detectionReport, rollbackAlarmMinimumRequests } from '../../../lib/plan/detection/detection-plan';
import { Backend } from '../../../lib/plan/rollout/schedule';
import { environment, lowestRate, options, schedule } from './support/detection-definitions';
import { judgeAt } from './support/minute-alarm';

/*
 * The detection report of one environment (lib/plan/detection/detection-plan.ts) on releases small
 * enough to work by hand: every step at 100 % of the traffic in whole minutes, so each one-minute
 * datapoint of the rollback alarm is one Poisson series of requests judged on its own ratio. The
 * expected probabilities come from the model of CloudWatch's M-of-N evaluation in
 * support/minute-alarm.ts (AWS docs, "Alarm evaluation"; a datapoint is evaluated a minute after its
 * period, the ingestion delay the report assumes for one-minute periods), its per-minute breaches
 * from the closed-form Poisson sums of support/poisson-sums.ts. Definitions are built inside each
 * test, so mutation testing runs only the tests that reach a mutant.
 */

describe('detectionReport: what it judges', () => {
  test('nothing for a Kubernetes Deployment, an empty schedule, disabled alarms or no step that is judged', () => {
    const env = environment({ baseline: 20, multiplier: 4, traffic: { peak: 7, quiet: 0.7 } });
    const five = [['canary', 100, 300]] as const;
    expect(detectionReport(env, options(schedule(Backend.KUBERNETES_DEPLOYMENT, five)))).toBeUndefined();
    expect(detectionReport(env, options(schedule(Backend.LAMBDA_CODEDEPLOY, [])))).toBeUndefined();
    const off = environment({ baseline: 20, multiplier: 4, traffic: { peak: 7, quiet: 0.7 }, alarms: false });
    expect(detectionReport(off, options(schedule(Backend.LAMBDA_CODEDEPLOY, five)))).toBeUndefined();
    // A step without traffic, and one that does not wait: neither can catch anything.
    const idle = schedule(Backend.LAMBDA_CODEDEPLOY, [
      ['pre', 0, 300],
      ['canary', 100, 0],
    ]);
    expect(detectionReport(env, options(idle))).toBeUndefined();
    // The same on ECS and Argo Rollouts.
    expect(detectionReport(env, options(schedule(Backend.ECS, [['canary', 100, 0]])))).toBeUndefined();
    expect(detectionReport(env, options(schedule(Backend.ARGO_ROLLOUTS, [['canary', 100, 0]])))).toBeUndefined();
  });
});

describe('detectionReport on AWS: the alarm as configured, its gate chosen', () => {
  test('a five-minute step at full weight: every figure against the model, no finding', () => {
    // 0.7 req/s at the quietest (Poisson(42) a minute), 7 at peak; baseline 20 %, ×4: the alarm and
    // the regression at 80 %. A minute under the regression breaches with ≈ 0.56; the datapoints of
    // minutes 1–4 are evaluated within the step (the fifth a minute after it ends), so ≈ 1 − 0.44⁴.
    // A burst's minute fails 60 %, below the threshold: 1 of 1 survives it, and a gate of 10 meets
    // every target.
    const env = environment({ baseline: 20, multiplier: 4, traffic: { peak: 7, quiet: 0.7 } });
    const s = schedule(Backend.LAMBDA_CODEDEPLOY, [
      ['canary', 100, 300],
      ['full', 100, 0],
    ]);
    const report = detectionReport(env, options(s))!;
    const r = { seconds: [300, 0], baseline: 0.2, regression: 0.8 };
    const a = { m: 1, n: 1, gate: 10, delay: 60 };
    const [quiet, peak] = [judgeAt(r, a, 0.7), judgeAt(r, a, 7)];
    expect(quiet.detection[0]).toBeGreaterThan(0.95);
    expect(quiet.detection[0]).toBeLessThan(0.97);
    expect(report).toMatchObject({
      label: 'payments-staging',
      backend: Backend.LAMBDA_CODEDEPLOY,
      peakRequestsPerSecond: 7,
      quietRequestsPerSecond: 0.7,
      trafficDeclared: true,
      baselineErrorRatio: 0.2,
      regressionErrorRatio: 0.8,
      findings: [],
      notes: [],
    });
    expect(report.argoGate).toBeUndefined();
    expect(report.cloudWatchGate).toEqual({
      periodSeconds: 60,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      minimumRequests: 10,
      thresholdPercent: 80,
      oldVersionJudged: false,
    });
    expect(report.steps.map((row) => [row.name, row.trafficPercent, String(row.bake)])).toEqual([
      ['canary', 100, '5m'],
      ['full', 100, '0s'],
    ]);
    const [canary, full] = report.steps;
    expect(canary.quiet).toBeCloseTo(quiet.detection[0]!, 8);
    expect(canary.peak).toBeCloseTo(peak.detection[0]!, 8);
    expect(canary.falseRollbackQuiet).toBeCloseTo(quiet.falseDuring[0], 8);
    expect(canary.lowestRate).toBe(lowestRate(r, a, 0.7, 0));
    expect(canary.lowestRate).toBeLessThan(0.7);
    // The last step does not wait: not judged, and no evaluation falls within it.
    expect(full).toMatchObject({ peak: undefined, quiet: undefined, lowestRate: undefined, falseRollbackQuiet: 0 });
    expect(report.falseRollback.quiet).toBeCloseTo(quiet.falseRollback, 8);
    expect(report.falseRollback.peak).toBeCloseTo(peak.falseRollback, 8);
    expect(report.burstRollback.quiet).toBeCloseTo(quiet.burst, 8);
    expect(report.burstRollback.peak).toBeCloseTo(peak.burst, 8);
    expect(report.burstRollback.quiet).toBeGreaterThan(1e-3);
    // What the alarm is given: the chosen gate.
    expect(rollbackAlarmMinimumRequests('payments', env, s)).toBe(10);
  });
});

describe('detectionReport on AWS: findings', () => {
  test('a step that cannot catch the regression: its stage, its bake, the figure and the bake that would', () => {
    // The release above, its first minute a step of its own: the first datapoint is evaluated a
    // minute after that minute, when the step is over, so the step catches nothing. The next step
    // (five minutes; the datapoints of minutes 1–4, under the regression, are evaluated within it)
    // catches ≈ 1 − 0.44⁴ ≈ 0.96.
    // The fix: the shortest bake whose evaluated minutes reach 90 % (by the model, at the gate of 10,
    // which is within the false-rollback limit and detects best); no weight above 100 %, and no
    // rate makes a one-minute step evaluate anything. No evaluation meets every target either.
    const env = environment({ baseline: 20, multiplier: 4, traffic: { peak: 7, quiet: 0.7 }, stages: ['canary', 'rest', 'full'] });
    const s = schedule(Backend.LAMBDA_CODEDEPLOY, [
      ['canary', 100, 60],
      ['rest', 100, 300],
      ['full', 100, 0],
    ]);
    const report = detectionReport(env, options(s))!;
    const a = { m: 1, n: 1, gate: 10, delay: 60 };
    const model = judgeAt({ seconds: [60, 300, 0], baseline: 0.2, regression: 0.8 }, a, 0.7);
    expect(model.detection[0]).toBe(0);
    expect(model.detection[1]).toBeGreaterThan(0.9);
    expect(report.steps[0].quiet).toBe(0);
    expect(report.steps[1].quiet).toBeCloseTo(model.detection[1]!, 8);
    // No rate makes the one-minute step evaluate anything; the next one reaches 90 % from a rate on.
    expect(report.steps[0].lowestRate).toBeUndefined();
    expect(report.steps[1].lowestRate).toBe(lowestRate({ seconds: [60, 300, 0], baseline: 0.2, regression: 0.8 }, a, 0.7, 1));
    let bake = 2;
    while (judgeAt({ seconds: [60 * bake, 300, 0], baseline: 0.2, regression: 0.8 }, a, 0.7).detection[0]! < 0.9) bake++;
    expect(bake).toBe(5);
    expect(report.findings).toEqual([
      {
        path: 'environments[0].rollout.stages[0].bake',
        value: '1m',
        message:
          'payments-staging: step "canary" (100% for 1m) catches a 4× regression (80% errors) before it ends with 0% probability at the quietest declared traffic of 0.7 rps (the target is 90%)',
        fix: 'bake it at least 5m',
      },
    ]);
    // A step the definition does not name (the schedule added it): the stages as a whole.
    const unnamed = detectionReport(
      env,
      options(
        schedule(Backend.LAMBDA_CODEDEPLOY, [
          ['warm-up', 100, 60],
          ['rest', 100, 300],
        ]),
      ),
    )!;
    expect(unnamed.findings.map((f) => [f.path, f.value])).toEqual([['environments[0].rollout.stages', '1m']]);
  });

  test('stray errors near the threshold: the false rollbacks, worded for the burst, and no evaluation to suggest', () => {
    // 20 req/s (1,200 requests a minute) at both ends, baseline 4.5 %, ×10/9: the alarm at 5 %. 60
    // errors for a mean of 54 (sd ≈ 7.2) come with ≈ 0.2 a minute, and a burst's minute (≈ 52 %)
    // always breaches; every gate is met, and no M of N keeps four of five such minutes from
    // breaching somewhere. Half an hour: ≈ 1 − 0.8²⁹ of healthy releases are rolled back.
    const env = environment({ baseline: 4.5, multiplier: 10 / 9, traffic: { peak: 20, quiet: 20 } });
    expect(env.alarms.rollbackTrigger.errorRatePercent).toBe(5);
    const report = detectionReport(env, options(schedule(Backend.LAMBDA_CODEDEPLOY, [['canary', 100, 1800]])))!;
    const model = judgeAt({ seconds: [1800], baseline: 0.045, regression: 0.05 }, { m: 1, n: 1, gate: 1000, delay: 60 }, 20);
    expect(report.cloudWatchGate?.minimumRequests).toBe(1000);
    expect(report.falseRollback.quiet).toBeCloseTo(model.falseRollback, 8);
    expect(report.burstRollback.quiet).toBeCloseTo(model.burst, 8);
    expect(model.falseRollback).toBeGreaterThan(0.99);
    expect(model.burst).toBeGreaterThan(model.falseRollback);
    // Between 99.9 % and 100 %: a near-certain figure reads >99.9 %, not 100 % (nor 100.0 %).
    expect(model.burst).toBeGreaterThan(0.999);
    expect(model.burst).toBeLessThan(1);
    const percent = '>99.9';
    expect(report.findings).toEqual([
      {
        path: 'environments[0].alarms.rollbackTrigger.evaluation',
        value: '1 of 1 periods of 1m',
        message: `payments-staging: a healthy release is rolled back with ${percent}% probability when every request fails for 30 seconds once during the release (the limit is 1%)`,
        fix: 'require more breaching periods (datapointsToAlarm) or longer periods, or release at higher traffic',
      },
    ]);
  });

  test('a release rolled back for certain by stray errors alone: the burst adds nothing, the wording names the strays', () => {
    // 20 req/s, baseline 4.9 %, ×5/4.9: the alarm at 5 %. 60 errors for a mean of 58.8 come with
    // ≈ 0.47 a minute; over 89 evaluated minutes a healthy release is rolled back with 1 − 0.53⁸⁹,
    // 1 to double precision, and so it is with a burst.
    const env = environment({ baseline: 4.9, multiplier: 5 / 4.9, traffic: { peak: 20, quiet: 20 } });
    expect(env.alarms.rollbackTrigger.errorRatePercent).toBe(5);
    const report = detectionReport(env, options(schedule(Backend.LAMBDA_CODEDEPLOY, [['canary', 100, 5400]])))!;
    const model = judgeAt({ seconds: [5400], baseline: 0.049, regression: 0.05 }, { m: 1, n: 1, gate: 1000, delay: 60 }, 20);
    expect(model.falseRollback).toBeGreaterThan(1 - 1e-12);
    expect(report.falseRollback.quiet).toBe(1);
    expect(report.burstRollback.quiet).toBe(1);
    expect(report.findings).toEqual([
      {
        path: 'environments[0].alarms.rollbackTrigger.evaluation',
        value: '1 of 1 periods of 1m',
        message: 'payments-staging: a healthy release is rolled back with 100% probability from stray errors alone (the limit is 1%)',
        fix: 'require more breaching periods (datapointsToAlarm) or longer periods, or release at higher traffic',
      },
    ]);
    // The same with 0.1 req/s at the quietest: the largest gate (every one rolls back at peak) never
    // judges a quiet minute of Poisson(6) requests, so nothing is rolled back there, burst or not. The
    // worst of each, both certain at peak, still names the strays.
    const night = environment({ baseline: 4.9, multiplier: 5 / 4.9, traffic: { peak: 20, quiet: 0.1 } });
    const quiet = detectionReport(night, options(schedule(Backend.LAMBDA_CODEDEPLOY, [['canary', 100, 5400]])))!;
    expect(quiet.cloudWatchGate?.minimumRequests).toBe(1000);
    expect(quiet.falseRollback.quiet).toBeLessThan(1e-12);
    expect(quiet.burstRollback.quiet).toBeLessThan(1e-12);
    expect([quiet.falseRollback.peak, quiet.burstRollback.peak]).toEqual([1, 1]);
    expect(quiet.findings.find((f) => f.path === 'environments[0].alarms.rollbackTrigger.evaluation')?.message).toBe(
      'payments-staging: a healthy release is rolled back with 100% probability from stray errors alone (the limit is 1%)',
    );
  });

  test('a burst that ends the release with 1 of 1 while 2 of 3 survives it: the evaluation to set', () => {
    // 0.5 req/s (Poisson(30) a minute), baseline 15 %, ×10/3: the alarm at 50 %. A burst's minute
    // (57.5 %) breaches about as often as a regressed one, so 1 of 1 is ended by it; 2 of 3 needs a
    // stray breach beside it.
    const env = environment({ baseline: 15, multiplier: 10 / 3, traffic: { peak: 0.5, quiet: 0.5 } });
    expect(env.alarms.rollbackTrigger.errorRatePercent).toBe(50);
    const s = schedule(Backend.LAMBDA_CODEDEPLOY, [['canary', 100, 600]]);
    const report = detectionReport(env, options(s))!;
    const r = { seconds: [600], baseline: 0.15, regression: 0.5 };
    const one = judgeAt(r, { m: 1, n: 1, gate: 10, delay: 60 }, 0.5);
    const twoOfThree = judgeAt(r, { m: 2, n: 3, gate: 10, delay: 60 }, 0.5);
    expect(one.burst).toBeGreaterThan(0.5);
    expect(twoOfThree.detection[0]).toBeGreaterThan(0.9);
    expect(twoOfThree.falseRollback).toBeLessThan(0.01);
    expect(twoOfThree.burst).toBeLessThan(0.01);
    expect(report.findings).toEqual([
      {
        path: 'environments[0].alarms.rollbackTrigger.evaluation',
        value: '1 of 1 periods of 1m',
        message: `payments-staging: a healthy release is rolled back with ${(100 * one.burst).toFixed(0)}% probability when every request fails for 30 seconds once during the release (the limit is 1%)`,
        fix: 'set environments[0].alarms.rollbackTrigger.evaluation to 2 of 3 periods',
      },
    ]);
    expect(report.burstRollback.quiet).toBeCloseTo(one.burst, 8);
    // Configured 3 of 3, the same release misses detection (three breaching minutes in a row):
    // the step's finding names the evaluation to set as one of its fixes.
    const strict = environment({ baseline: 15, multiplier: 10 / 3, traffic: { peak: 0.5, quiet: 0.5 }, evaluation: [3, 3] });
    expect(judgeAt(r, { m: 3, n: 3, gate: 10, delay: 60 }, 0.5).detection[0]).toBeLessThan(0.9);
    const missed = detectionReport(strict, options(s))!;
    expect(missed.findings).toHaveLength(1);
    expect(missed.findings[0].path).toBe('environments[0].rollout.stages[0].bake');
    expect(missed.findings[0].fix.endsWith(', or set environments[0].alarms.rollbackTrigger.evaluation to 2 of 3 periods')).toBe(true);
  });
});

describe('detectionReport: traffic, backends and the Argo analysis', () => {
  test('undeclared traffic: the environment kind’s default, said once as a note', () => {
    const staging = environment({ baseline: 20, multiplier: 4 });
    const s = schedule(Backend.LAMBDA_CODEDEPLOY, [['canary', 100, 300]]);
    const report = detectionReport(staging, options(s))!;
    expect([report.peakRequestsPerSecond, report.quietRequestsPerSecond, report.trafficDeclared]).toEqual([2, 0.5, false]);
    expect(report.notes).toEqual([
      'payments-staging: traffic is not declared; the detection check assumes 2 requests a second at peak and 0.5 at the quietest (the non-production default); declare environments[0].traffic',
    ]);
    const prod = environment({ baseline: 20, multiplier: 4, name: 'prod' });
    const p = detectionReport(prod, { label: 'payments-prod', environmentIndex: 1, schedule: s })!;
    expect(p.notes).toEqual([
      'payments-prod: traffic is not declared; the detection check assumes 50 requests a second at peak and 5 at the quietest (the production default); declare environments[1].traffic',
    ]);
  });

  test('ECS: the old version is judged on its own ratio too', () => {
    const env = environment({ baseline: 20, multiplier: 4, traffic: { peak: 7, quiet: 0.7 } });
    const report = detectionReport(env, options(schedule(Backend.ECS, [['canary', 100, 300]])))!;
    expect(report.backend).toBe(Backend.ECS);
    expect(report.cloudWatchGate).toMatchObject({ oldVersionJudged: true, minimumRequests: 10 });
    // All traffic on the new version: the old one serves nothing, so the figures are Lambda's.
    const model = judgeAt({ seconds: [300], baseline: 0.2, regression: 0.8 }, { m: 1, n: 1, gate: 10, delay: 60 }, 0.7);
    expect(report.steps[0].quiet).toBeCloseTo(model.detection[0]!, 8);
  });

  test('Argo Rollouts: the analysis chosen from the first traffic step on', () => {
    // The release of test/plan/detection/argo-gate-order.test.ts's first case, after a minute at 0 %:
    // 50 req/s, baseline 1 %, ×10, 30-second scrapes: one-minute windows, three failures (a burst
    // can fail two), 7.75 % from 100 requests, lost traffic from 88 (worked by hand there).
    const env = environment({ baseline: 1, multiplier: 10, traffic: { peak: 50, quiet: 50 }, stages: ['setup', 'canary', 'half', 'full'] });
    const s = schedule(Backend.ARGO_ROLLOUTS, [
      ['setup', 0, 60],
      ['canary', 10, 300],
      ['half', 50, 300],
      ['full', 100, 0],
    ]);
    const report = detectionReport(env, options(s))!;
    expect(report.cloudWatchGate).toBeUndefined();
    expect(report.argoGate).toEqual({
      windowSeconds: 60,
      intervalSeconds: 60,
      failureLimit: 2,
      minimumRequests: 100,
      lostTrafficRequests: 88,
      threshold: 0.0775,
    });
    // The step before the analysis starts is not part of the release the model runs.
    expect(report.steps[0]).toMatchObject({ name: 'setup', peak: undefined, quiet: undefined, falseRollbackQuiet: undefined });
    expect(report.steps[1].quiet).toBeGreaterThan(0.99);
    expect(report.steps[3]).toMatchObject({ name: 'full', quiet: undefined, falseRollbackQuiet: 0 });
    expect(report.falseRollback.quiet).toBeLessThan(1e-9);
    expect(report.findings).toEqual([]);
    // A minimum of requests the definition declared is kept.
    const fixed = detectionReport(env, { ...options(s), minimumRequests: 80 })!;
    expect(fixed.argoGate?.minimumRequests).toBe(80);
  });

  test('Argo Rollouts, no setting meets the targets: the findings name the analysis, not an alarm', () => {
    // Ten minutes at full weight, 0.05 req/s, one-minute scrapes, baseline 0.2 %, ×25 (5 %): the
    // second case of argo-gate-order.test.ts, where the best detection (≈ 0.39) is kept and a burst
    // ends ≈ 2–4 % of releases.
    // A minute at 0 % first: the analysis starts after it.
    const env = environment({ baseline: 0.2, multiplier: 25, traffic: { peak: 0.05, quiet: 0.05 }, stages: ['setup', 'all', 'done'] });
    const s = schedule(Backend.ARGO_ROLLOUTS, [
      ['setup', 0, 60],
      ['all', 100, 600],
      ['done', 100, 0],
    ]);
    const report = detectionReport(env, { ...options(s), scrapeInterval: Duration.seconds(60), minimumRequests: 1 })!;
    expect(report.argoGate?.windowSeconds).toBe(120);
    expect(report.findings.map((f) => f.path)).toEqual([
      'environments[0].rollout.stages[1].bake',
      'environments[0].alarms.rollbackTrigger.evaluation',
    ]);
    const [step, rollback] = report.findings;
    // The fix is the ten-minute step's: more traffic (a longer bake only adds stray failures to the
    // windows, and the weight is 100 % already); the step that does not wait would have none.
    const fix = /^release only at ([\d.]+) rps or more \(environments\[0\]\.traffic\.quietRequestsPerSecond\)$/.exec(step.fix)!;
    expect(Number(fix[1])).toBeGreaterThan(0.05);
    expect(step.message).toMatch(
      /^payments-staging: step "all" \(100% for 10m\) catches a 25× regression \(5% errors\) before it ends with 39% probability/,
    );
    expect(rollback).toEqual({
      path: 'environments[0].alarms.rollbackTrigger.evaluation',
      value: 'the chosen analysis',
      message: `payments-staging: a healthy release is rolled back with ${(100 * report.burstRollback.quiet).toFixed(0)}% probability when every request fails for 30 seconds once during the release (the limit is 1%)`,
      fix: 'no analysis setting meets both targets at this traffic; release at higher traffic or with larger canary steps',
    });
  });
});
