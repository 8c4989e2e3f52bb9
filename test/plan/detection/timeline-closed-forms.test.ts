import {
  argoBurstRollback,
  argoFalseRollback,
  argoFalseRollbackDuring,
  argoStepDetection,
  measurementTimes,
  type ArgoGate,
} from '../../../lib/plan/detection/argo-detection';
import {
  alarmFires,
  cloudWatchBurstRollback,
  cloudWatchFalseRollback,
  cloudWatchFalseRollbackDuring,
  type CloudWatchGate,
} from '../../../lib/plan/detection/cloudwatch-detection';
import { ReleaseTimeline } from '../../../lib/plan/detection/release-timeline';

/*
 * The release timeline and the Argo and CloudWatch models over it, against closed forms. Requests
 * arrive as a Poisson stream, so a span's expected requests are rate × seconds × weight, summed over
 * the pieces a step boundary, a regression or a burst cuts it into. With a threshold so low that one
 * error fails a window and a gate of one request, a window (an Argo measurement, a CloudWatch period)
 * fails exactly when it holds an error: 1 − e^(−expected errors) (errors of a Poisson stream are a
 * Poisson stream, disjoint windows are independent).
 */

const ANY_ERROR = 1e-9;

describe('ReleaseTimeline', () => {
  // 10 req/s: 10 % for a minute, 50 % for two, then everything.
  const timeline = new ReleaseTimeline(
    [
      { name: 'canary', weight: 0.1, seconds: 60 },
      { name: 'half', weight: 0.5, seconds: 120 },
      { name: 'full', weight: 1, seconds: 0 },
    ],
    10,
  );

  test('steps start where the previous ones end', () => {
    expect(timeline.starts).toEqual([0, 60, 180]);
    expect(timeline.end).toBe(180);
  });

  test('the step at a time: its start belongs to it, before the first is the first, after the end the last', () => {
    expect(timeline.stepAt(0)).toBe(0);
    expect(timeline.stepAt(59.9)).toBe(0);
    expect(timeline.stepAt(60)).toBe(1);
    expect(timeline.stepAt(179)).toBe(1);
    expect(timeline.stepAt(180)).toBe(2);
    expect(timeline.stepAt(1000)).toBe(2);
    expect(timeline.stepAt(-5)).toBe(0);
  });

  test('a span across a step boundary adds its pieces', () => {
    // [30, 60): 300 requests, 30 new; [60, 90): 300 requests, 150 new.
    const span = timeline.span(30, 90, { baseline: 0.01 });
    expect(span.canaryRequests).toBeCloseTo(180, 9);
    expect(span.stableRequests).toBeCloseTo(420, 9);
    expect(span.canaryErrorRatio).toBeCloseTo(0.01, 12);
    expect(span.stableErrorRatio).toBeCloseTo(0.01, 12);
  });

  test('a regression starting inside the span counts from its start, on the new version only', () => {
    // New requests: 15 in [30, 45) at 1 %, 15 in [45, 60) and 150 in [60, 90) at 20 %:
    // (0.15 + 3 + 30) / 180.
    const span = timeline.span(30, 90, { baseline: 0.01, regression: { fromSeconds: 45, ratio: 0.2 } });
    expect(span.canaryErrorRatio).toBeCloseTo(33.15 / 180, 12);
    expect(span.stableErrorRatio).toBeCloseTo(0.01, 12);
    // Started before the span: all of it at 20 %; starting after it: none.
    const early = timeline.span(30, 90, { baseline: 0.01, regression: { fromSeconds: 0, ratio: 0.2 } });
    expect(early.canaryErrorRatio).toBeCloseTo(0.2, 12);
    expect(early.canaryRequests).toBeCloseTo(180, 9);
    expect(timeline.span(30, 90, { baseline: 0.01, regression: { fromSeconds: 90, ratio: 0.2 } }).canaryErrorRatio).toBeCloseTo(0.01, 12);
    const late = timeline.span(30, 90, { baseline: 0.01, regression: { fromSeconds: 120, ratio: 0.2 } });
    expect(late.canaryErrorRatio).toBeCloseTo(0.01, 12);
    expect(late.canaryRequests).toBeCloseTo(180, 9);
  });

  test('a burst fails every request of both versions while it lasts', () => {
    // [0, 60) at 10 %: 60 new and 540 old requests; the burst [20, 50) holds half of them.
    const span = timeline.span(0, 60, { baseline: 0.01, burst: { fromSeconds: 20, seconds: 30 } });
    expect(span.canaryRequests).toBeCloseTo(60, 9);
    expect(span.canaryErrorRatio).toBeCloseTo((30 + 0.3) / 60, 12);
    expect(span.stableErrorRatio).toBeCloseTo((270 + 2.7) / 540, 12);
    // A burst reaching into the span from before it, and one entirely outside it.
    expect(timeline.span(0, 60, { baseline: 0, burst: { fromSeconds: -10, seconds: 30 } }).canaryErrorRatio).toBeCloseTo(20 / 60, 12);
    expect(timeline.span(0, 60, { baseline: 0, burst: { fromSeconds: 60, seconds: 30 } }).canaryErrorRatio).toBe(0);
  });

  test('before the release nothing reaches the new version; after its end the last step goes on', () => {
    const before = timeline.span(-60, 0, { baseline: 0.02 });
    expect(before.canaryRequests).toBe(0);
    expect(before.stableRequests).toBeCloseTo(600, 9);
    // Without requests a version's ratio is the baseline (nothing to average).
    expect(before.canaryErrorRatio).toBe(0.02);
    const after = timeline.span(180, 240, { baseline: 0.02 });
    expect(after.canaryRequests).toBeCloseTo(600, 9);
    expect(after.stableRequests).toBe(0);
    expect(after.stableErrorRatio).toBe(0.02);
  });
});

describe('Argo: measurement times, false rollbacks per step, bursts', () => {
  const gate: ArgoGate = { windowSeconds: 60, intervalSeconds: 60, failureLimit: 0, minimumRequests: 1, threshold: ANY_ERROR };

  test('the first measurement a window after the start, then one every interval, up to the end', () => {
    expect(measurementTimes(gate, 300)).toEqual([60, 120, 180, 240, 300]);
    expect(measurementTimes({ ...gate, intervalSeconds: 30 }, 150)).toEqual([60, 90, 120, 150]);
    expect(measurementTimes(gate, 59)).toEqual([]);
  });

  test('a healthy release fails during the step in which its first failure falls', () => {
    // 1 req/s at 1 % errors, everything on the new version: two minutes, then three.
    const timeline = new ReleaseTimeline(
      [
        { name: 'first', weight: 1, seconds: 120 },
        { name: 'second', weight: 1, seconds: 180 },
      ],
      1,
    );
    expect(argoFalseRollbackDuring(timeline, gate, 0.01, 0)).toBeCloseTo(1 - Math.exp(-1.2), 9);
    expect(argoFalseRollbackDuring(timeline, gate, 0.01, 1)).toBeCloseTo(Math.exp(-1.2) * (1 - Math.exp(-1.8)), 9);
    expect(argoFalseRollback(timeline, gate, 0.01)).toBeCloseTo(1 - Math.exp(-3), 9);
  });

  test('detection in a step counts the measurements taken in it, not those before', () => {
    // The same release failing with 2 % from the second step on: its windows end at 180, 240 and
    // 300 s, each with 60 requests, 1.2 errors expected; the window ending at 120 s (the step's start)
    // belongs to the first step.
    const timeline = new ReleaseTimeline(
      [
        { name: 'first', weight: 1, seconds: 120 },
        { name: 'second', weight: 1, seconds: 180 },
      ],
      1,
    );
    expect(argoStepDetection(timeline, gate, 1, 0.01, 0.02)).toBeCloseTo(1 - Math.exp(-3.6), 9);
    // The first step's: its windows ending at 60 and 120 s (2.4 errors), not the later ones.
    expect(argoStepDetection(timeline, gate, 0, 0.01, 0.02)).toBeCloseTo(1 - Math.exp(-2.4), 9);
  });

  test('a burst ends the release when it spans two windows and two failures are needed', () => {
    // Two one-minute windows, no stray errors: a 30-second burst (30 failing requests) fails the
    // window it falls in; it ends the analysis (two failures) only when it crosses t = 60. Starts
    // every 10 s from 0 to 90: those at 40 s and 50 s cross it, failing 20 and 10 requests on either side.
    const timeline = new ReleaseTimeline([{ name: 'all', weight: 1, seconds: 120 }], 1);
    const twoFailures = { ...gate, failureLimit: 1 };
    const crossing = (1 - Math.exp(-20)) * (1 - Math.exp(-10));
    expect(argoBurstRollback(timeline, twoFailures, 0, 30, 10)).toBeCloseTo((2 * crossing) / 10, 9);
    // Starts every 30 s (0, 30, 60, 90) never cross a window's end.
    expect(argoBurstRollback(timeline, twoFailures, 0, 30, 30)).toBe(0);
    // One failure is enough: every burst ends it, unless none of its 30 requests fails a window.
    expect(argoBurstRollback(timeline, gate, 0, 30, 10)).toBeCloseTo(1 - Math.exp(-30), 9);
  });

  test('no measurement, or no room for a burst: no burst rollback', () => {
    const short = new ReleaseTimeline([{ name: 'all', weight: 1, seconds: 50 }], 1);
    expect(argoBurstRollback(short, gate, 0.5)).toBe(0);
    const minute = new ReleaseTimeline([{ name: 'all', weight: 1, seconds: 60 }], 1);
    expect(argoBurstRollback(minute, gate, 0, 90)).toBe(0);
  });
});

describe('CloudWatch: ingestion delay, false rollbacks per step, bursts', () => {
  const gate: CloudWatchGate = {
    periodSeconds: 60,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    minimumRequests: 1,
    thresholdPercent: ANY_ERROR,
    oldVersionJudged: true,
  };
  const fiveMinutes = new ReleaseTimeline([{ name: 'all', weight: 1, seconds: 300 }], 1);
  const healthy = { baseline: 0.01 };

  test('a datapoint is evaluated a delay after its period: by default the period, at most a minute', () => {
    // 60-second periods: those ending by 240 s are evaluated by 300 s.
    expect(alarmFires(fiveMinutes, gate, healthy, 0, 300)).toBeCloseTo(1 - Math.exp(-2.4), 9);
    // 30-second periods, 30 s of delay: nine periods (270 s).
    expect(alarmFires(fiveMinutes, { ...gate, periodSeconds: 30 }, healthy, 0, 300)).toBeCloseTo(1 - Math.exp(-2.7), 9);
    // Five-minute periods wait a minute: the only one is evaluated at 360 s, after the release.
    expect(alarmFires(fiveMinutes, { ...gate, periodSeconds: 300 }, healthy, 0, 300)).toBe(0);
    expect(alarmFires(fiveMinutes, { ...gate, periodSeconds: 300 }, healthy, 0, 360)).toBeCloseTo(1 - Math.exp(-3), 9);
    // Declared: no delay, all five periods.
    expect(alarmFires(fiveMinutes, { ...gate, delaySeconds: 0 }, healthy, 0, 300)).toBeCloseTo(1 - Math.exp(-3), 9);
  });

  test('only evaluations within (from, to] count', () => {
    // Periods evaluated at 120, 180, 240 and 300 s; within (150, 300]: three of them.
    expect(alarmFires(fiveMinutes, gate, healthy, 150, 300)).toBeCloseTo(1 - Math.exp(-1.8), 9);
    expect(alarmFires(fiveMinutes, gate, healthy, 300, 300)).toBe(0);
  });

  test('false rollbacks over the release and during each step', () => {
    const twoSteps = new ReleaseTimeline(
      [
        { name: 'first', weight: 1, seconds: 120 },
        { name: 'second', weight: 1, seconds: 180 },
      ],
      1,
    );
    expect(cloudWatchFalseRollback(twoSteps, gate, 0.01)).toBeCloseTo(1 - Math.exp(-2.4), 9);
    // Evaluated in the first step (by 120 s): the first period; in the second: the next three.
    expect(cloudWatchFalseRollbackDuring(twoSteps, gate, 0.01, 0)).toBeCloseTo(1 - Math.exp(-0.6), 9);
    expect(cloudWatchFalseRollbackDuring(twoSteps, gate, 0.01, 1)).toBeCloseTo(1 - Math.exp(-1.8), 9);
  });

  test('a burst fires the alarm when its period is evaluated within the release', () => {
    // A burst starts at a uniformly random time: every second, 0, 1, …, 270 s (271 starts). The
    // periods evaluated by 300 s end by 240 s. Bursts starting up to 210 s lie in them and fail 30
    // requests (1 − e^−30); those from 211 to 239 s keep 29, 28, …, 1 s of their failures there;
    // the 31 from 240 s are evaluated at 360 s, after the release.
    let partly = 0;
    for (let seconds = 1; seconds <= 29; seconds++) partly += 1 - Math.exp(-seconds);
    expect(cloudWatchBurstRollback(fiveMinutes, gate, 0)).toBeCloseTo((211 * (1 - Math.exp(-30)) + partly) / 271, 9);
    // Starts on the half-period grid alone (0, 30, …, 270 s: ten) are the old estimate: 8 of 10.
    expect(cloudWatchBurstRollback(fiveMinutes, gate, 0, 30, 30)).toBeCloseTo((8 * (1 - Math.exp(-30))) / 10, 9);
    // A burst longer than the release never fits.
    expect(cloudWatchBurstRollback(fiveMinutes, gate, 0, 400)).toBe(0);
  });

  test('a burst across a period boundary breaches both periods: a 2-of-2 alarm fires on it', () => {
    // "Evaluating an alarm" (CloudWatch user guide): ALARM when M of the last N datapoints breach.
    // 100 requests a second, no stray errors, a 4 % threshold: a period breaches when the burst
    // covers 3 or more of its 60 s (5 %: ~300 errors of ~6,000, 3.5 standard deviations above 4 %)
    // and almost never with 2 s or less (3.3 %). Ten minutes: the periods evaluated by 600 s end by
    // 540 s (nine). Starts 0, 1, …, 570 s (571); one at 60k + φ covers 60 − φ s of period k and
    // φ − 30 s of period k + 1, both at least 3 s for φ = 33 … 57 (25 phases), both periods
    // evaluated for k = 0 … 7: 200 starts.
    const busy = new ReleaseTimeline([{ name: 'all', weight: 1, seconds: 600 }], 100);
    const twoOfTwo: CloudWatchGate = { ...gate, evaluationPeriods: 2, datapointsToAlarm: 2, thresholdPercent: 4 };
    expect(cloudWatchBurstRollback(busy, twoOfTwo, 0)).toBeCloseTo(200 / 571, 2);
    // Starts on the half-period grid never cross a boundary: that estimate said the alarm survives.
    expect(cloudWatchBurstRollback(busy, twoOfTwo, 0, 30, 30)).toBeCloseTo(0, 6);
  });
});
