import { chooseCloudWatchMinimum, suggestEvaluation } from '../../../lib/plan/detection/choose-cloudwatch-gate';
import type { CloudWatchGate } from '../../../lib/plan/detection/cloudwatch-detection';
import { alarmProbability, judgeAt } from './support/minute-alarm';

/*
 * How the per-period request gate of the AWS rollback alarm is chosen, and which evaluation is
 * suggested when the configured one cannot meet the targets (lib/plan/detection/choose-cloudwatch-gate.ts),
 * on releases small enough to work by hand. The targets: every traffic step catches the regression
 * with ≥ 90 %, a healthy release is rolled back with ≤ 1 % at the quietest and at the peak rate, and
 * with ≤ 1 % when every request fails for 30 seconds once (at a random time).
 *
 * The releases send all their traffic to the new version in whole one-minute periods, and every
 * datapoint is evaluated as soon as its period ends (`delaySeconds: 0`); the alarm's probabilities
 * come from the model of CloudWatch's M-of-N evaluation in support/minute-alarm.ts (AWS docs, "Alarm
 * evaluation"), whose per-minute breaches are the closed-form Poisson sums of support/poisson-sums.ts.
 */

const GATES = [10, 30, 100, 300, 1000];

interface Release {
  readonly steps: readonly { readonly name: string; readonly weight: 1; readonly seconds: number }[];
  readonly quiet: number;
  readonly peak: number;
  readonly baseline: number;
  /** The regression to catch, also the alarm's threshold (as the rollback trigger configures it). */
  readonly regression: number;
}

const alarm = (release: Release, datapointsToAlarm: number, evaluationPeriods: number): CloudWatchGate => ({
  periodSeconds: 60,
  evaluationPeriods,
  datapointsToAlarm,
  minimumRequests: 10,
  thresholdPercent: 100 * release.regression,
  oldVersionJudged: false,
  delaySeconds: 0,
});

/** How an alarm does on a release at the quietest and the peak rate, by the model. */
function judge(release: Release, m: number, n: number, gate: number) {
  const r = { seconds: release.steps.map((s) => s.seconds), baseline: release.baseline, regression: release.regression };
  const a = { m, n, gate, delay: 0 };
  const quiet = judgeAt(r, a, release.quiet);
  const peak = judgeAt(r, a, release.peak);
  return {
    worstDetection: Math.min(...quiet.detection.filter((d): d is number => d !== undefined)),
    falseQuiet: quiet.falseRollback,
    falsePeak: peak.falseRollback,
    burst: quiet.burst,
  };
}

const meetsAll = (j: ReturnType<typeof judge>) => j.worstDetection >= 0.9 && j.falseQuiet <= 0.01 && j.falsePeak <= 0.01 && j.burst <= 0.01;

const choose = (r: Release, m: number, n: number) =>
  chooseCloudWatchMinimum(r.steps, r.quiet, r.peak, alarm(r, m, n), r.baseline, r.regression);
const suggest = (r: Release, m: number, n: number) => suggestEvaluation(r.steps, r.quiet, r.peak, alarm(r, m, n), r.baseline, r.regression);

describe('the model of the releases', () => {
  test('the alarm probability sums the outcomes of the evaluation range', () => {
    // One datapoint of three breaching with 1/2: 1 of 1 fires with 1 − 1/8; 2 of 2 needs two in a
    // row (outcomes 11x, x11: 3/8); 2 of 3 two of three (4/8); 3 of 3 all (1/8).
    const half = [0.5, 0.5, 0.5];
    expect(alarmProbability(half, 1, 1, () => true)).toBeCloseTo(7 / 8, 12);
    expect(alarmProbability(half, 2, 2, () => true)).toBeCloseTo(3 / 8, 12);
    expect(alarmProbability(half, 2, 3, () => true)).toBeCloseTo(4 / 8, 12);
    expect(alarmProbability(half, 3, 3, () => true)).toBeCloseTo(1 / 8, 12);
    // Only the last evaluation counts: the range there is all three datapoints.
    expect(alarmProbability(half, 2, 3, (k) => k === 2)).toBeCloseTo(4 / 8, 12);
    expect(alarmProbability(half, 1, 1, (k) => k === 2)).toBeCloseTo(1 / 2, 12);
  });
});

/** Evaluations tried for a suggestion, fewest breaching periods first: [datapointsToAlarm, evaluationPeriods]. */
const EVALUATIONS = [
  [1, 1],
  [2, 2],
  [2, 3],
  [3, 3],
  [3, 5],
  [4, 5],
] as const;

const release = (seconds: readonly number[], baseline: number, regression: number, quiet: number, peak: number): Release => ({
  steps: seconds.map((s, i) => ({ name: `step ${i + 1}`, weight: 1, seconds: s })),
  quiet,
  peak,
  baseline,
  regression,
});

/** By the model: (m of n, gate) meets every target, and every pair tried before it misses one. */
function expectFirstMeeting(r: Release, pairs: readonly (readonly [number, number])[], m: number, n: number, gate: number): void {
  for (const [mm, nn] of pairs) {
    for (const g of GATES) {
      const j = judge(r, mm, nn, g);
      if (mm === m && nn === n && g === gate) {
        expect(meetsAll(j)).toBe(true);
        return;
      }
      expect([mm, nn, g, meetsAll(j)]).toEqual([mm, nn, g, false]);
    }
  }
  throw new Error(`${m} of ${n} is not tried`);
}

describe('the gates', () => {
  test('detection, false rollbacks and bursts all fall as the gate rises', () => {
    // A series is judged only from the gate's count of requests on, so a larger gate removes
    // breaching outcomes and adds none; this is why, among the gates within the false-rollback
    // limit, the smallest detects best.
    for (const r of [release([300], 0.01, 0.05, 0.1, 1), release([600], 0.2, 0.8, 0.5, 0.5), release([600], 0.15, 0.5, 0.3, 0.3)]) {
      for (const [m, n] of [
        [1, 1],
        [2, 3],
      ]) {
        const judged = GATES.map((g) => judge(r, m, n, g));
        for (let i = 1; i < judged.length; i++) {
          expect(judged[i].worstDetection).toBeLessThanOrEqual(judged[i - 1].worstDetection);
          expect(judged[i].falseQuiet).toBeLessThanOrEqual(judged[i - 1].falseQuiet);
          expect(judged[i].falsePeak).toBeLessThanOrEqual(judged[i - 1].falsePeak);
          expect(judged[i].burst).toBeLessThanOrEqual(judged[i - 1].burst);
        }
      }
    }
  });
});

describe('chooseCloudWatchMinimum: the gate of the configured evaluation', () => {
  // 0.7 req/s: Poisson(42) requests a minute, judged by gates of 10 and 30 (P(N < 30) ≈ 0.03) and
  // almost never by 100. Baseline 20 %, regression and threshold 80 %: a 30-second burst makes its
  // minute fail (1 + 0.2) / 2 = 60 %, below the threshold, so 1 of 1 survives it.
  const A = release([300, 0], 0.2, 0.8, 0.7, 7);

  test('the smallest gate meeting every target, with the configured evaluation and the rest of the alarm kept', () => {
    // A minute at 80 % reaches 80 % with P ≈ 0.56, so five minutes catch it with ≈ 1 − 0.44⁵ ≈ 0.98;
    // at 20 %, 80 % of ≥ 10 requests is out of reach (≤ P(Bin(10, 0.2) ≥ 8) ≈ 7.8e-5); a burst's
    // minute at 60 % reaches 80 % with ≈ 0.004. The trailing step of 0 seconds is not judged.
    const j = judge(A, 1, 1, 10);
    expect(j.worstDetection).toBeGreaterThan(0.97);
    expect(j.worstDetection).toBeLessThan(0.99);
    expect(j.falseQuiet).toBeLessThan(1e-9);
    expect(j.burst).toBeGreaterThan(0.001);
    expect(j.burst).toBeLessThan(0.01);
    expect(choose(A, 1, 1)).toEqual({ gate: { ...alarm(A, 1, 1), minimumRequests: 10 }, meetsTargets: true });
    // The same on ECS (the old version judged too, but it serves nothing here).
    const ecs = { ...alarm(A, 1, 1), oldVersionJudged: true };
    expect(chooseCloudWatchMinimum(A.steps, A.quiet, A.peak, ecs, A.baseline, A.regression)).toEqual({
      gate: { ...ecs, minimumRequests: 10 },
      meetsTargets: true,
    });
  });

  test('a gate that meets detection and stray errors but not a burst is passed over for the next', () => {
    // 0.5 req/s: Poisson(30) a minute, 25 % stray errors. With a gate of 10 a burst's minute reaches
    // 80 % of its requests a little more often (small minutes count): 1.7 % > 1 %; a gate of 30
    // judges only the minutes with 30 requests or more, which still catch the regression (≈ 0.965
    // over ten minutes) and survive a burst (≈ 0.6 %).
    const r = release([600], 0.25, 0.8, 0.5, 0.5);
    const ten = judge(r, 1, 1, 10);
    expect(ten.worstDetection).toBeGreaterThan(0.99);
    expect(ten.falseQuiet).toBeLessThan(1e-6);
    expect(ten.burst).toBeGreaterThan(0.01);
    expect(meetsAll(judge(r, 1, 1, 30))).toBe(true);
    expect(choose(r, 1, 1)).toEqual({ gate: { ...alarm(r, 1, 1), minimumRequests: 30 }, meetsTargets: true });
  });

  test('the peak rate decides when stray errors breach there and not at the quietest', () => {
    // Baseline 1 %, regression 5 %. At the peak, 1 req/s, every minute (Poisson(60)) passes gates of
    // 10 and 30, and stray errors reach 5 % with ≈ 0.012 a minute (3 errors of 41–60 requests,
    // P(Poisson(0.6) ≥ 3) ≈ 0.023, or 4 of 61–80, ≈ 0.003): ≈ 6 % in five minutes. A gate of 100 is
    // met by Poisson(60) with P ≈ 1e-6. At the quietest, 0.1 req/s (Poisson(6) a minute), a gate of
    // 30 is out of reach, so 30 is safe there; 10 is not (one error in a minute of 10–20 requests:
    // ≈ 0.084 · 0.1 a minute, ≈ 4 % in five). Safe at both rates: 100
    // and up, none judging any quiet minute, so none detects: the smallest of them, targets missed.
    const r = release([300], 0.01, 0.05, 0.1, 1);
    expect(judge(r, 1, 1, 10).falseQuiet).toBeGreaterThan(0.01);
    expect(judge(r, 1, 1, 30).falseQuiet).toBeLessThan(1e-9);
    expect(judge(r, 1, 1, 30).falsePeak).toBeGreaterThan(0.05);
    expect(judge(r, 1, 1, 100).falsePeak).toBeLessThan(1e-6);
    expect(judge(r, 1, 1, 100).worstDetection).toBeLessThan(1e-9);
    expect(choose(r, 1, 1)).toEqual({ gate: { ...alarm(r, 1, 1), minimumRequests: 100 }, meetsTargets: false });
  });

  test('when a burst ends every release that detects, the smallest gate within the stray-error limit, which detects best', () => {
    // 5 req/s: Poisson(300) a minute, 1 % baseline, 5 % regression: a minute reaches 5 % about half
    // the time under the regression (ten minutes: ≈ 0.999) and almost never at 1 % (15 errors for a
    // mean of 3), but a burst's minute fails ≈ 50 % of its requests and breaches whenever judged. Gates
    // of 10, 30 and 100 judge every minute (the same detection, the burst ≈ 1), 300 about half of
    // them, 1000 none (no detection, no burst). All are safe from stray errors; none meets the targets.
    const r = release([600], 0.01, 0.05, 5, 50);
    const judged = GATES.map((g) => judge(r, 1, 1, g));
    expect(judged.map((j) => j.falseQuiet <= 0.01 && j.falsePeak <= 0.01)).toEqual([true, true, true, true, true]);
    expect(judged.map((j) => j.burst > 0.01 || j.worstDetection < 0.9)).toEqual([true, true, true, true, true]);
    expect(judged[0].worstDetection).toBeCloseTo(judged[2].worstDetection, 12);
    expect(judged[3].worstDetection).toBeLessThan(judged[0].worstDetection);
    expect(choose(r, 1, 1)).toEqual({ gate: { ...alarm(r, 1, 1), minimumRequests: 10 }, meetsTargets: false });
  });

  test('when every gate rolls back too often, the largest', () => {
    // 20 req/s: 1,200 requests a minute, every gate met. Baseline 4.5 %, threshold 5 %: 60 errors
    // for a mean of 54 (sd ≈ 7.2) come with ≈ 0.2 a minute, so stray errors alone end most releases.
    const r = release([300], 0.045, 0.05, 20, 20);
    expect(GATES.map((g) => judge(r, 1, 1, g).falseQuiet > 0.5)).toEqual([true, true, true, true, true]);
    expect(choose(r, 1, 1)).toEqual({ gate: { ...alarm(r, 1, 1), minimumRequests: 1000 }, meetsTargets: false });
  });

  test('the worst judged step decides', () => {
    // The release of the first test, its first minute a step of its own: one minute catches the
    // regression with ≈ 0.53 only. Nothing else changes (the same minutes, strays and bursts), so
    // the gate is the same, but the targets are missed.
    const r = release([60, 240, 0], 0.2, 0.8, 0.7, 7);
    const j = judge(r, 1, 1, 10);
    expect(j.worstDetection).toBeGreaterThan(0.5);
    expect(j.worstDetection).toBeLessThan(0.6);
    expect(choose(r, 1, 1)).toEqual({ gate: { ...alarm(r, 1, 1), minimumRequests: 10 }, meetsTargets: false });
  });

  test('the configured evaluation is the one judged', () => {
    // 0.5 req/s, baseline 15 %, threshold 50 %: with 1 of 1 a burst (57.5 % of its minute) breaches;
    // with 2 of 3 it needs a stray breach beside it. 2 of 3 with a gate of 10 meets every target.
    const r = release([600], 0.15, 0.5, 0.5, 0.5);
    expectFirstMeeting(r, [[2, 3]], 2, 3, 10);
    expect(choose(r, 2, 3)).toEqual({ gate: { ...alarm(r, 2, 3), minimumRequests: 10 }, meetsTargets: true });
    expect(choose(r, 1, 1).meetsTargets).toBe(false);
  });
});

describe('suggestEvaluation: the fastest evaluation that meets every target', () => {
  // Each release's answer is the first (evaluation, gate), evaluations fewest breaching periods
  // first, gates smallest first, that meets every target by the model; `expectFirstMeeting` checks
  // the answer against every pair before it.
  test.each([
    // 0.7 req/s, 20 % / 80 %: the release of the first test above.
    ['1 of 1 with a gate of 10', [300, 0], 0.2, 0.8, 0.7, 7, [1, 1, 10]],
    // 0.5 req/s, 25 % / 80 %: the burst passes over 10 (second test above).
    ['1 of 1 with a gate of 30', [600], 0.25, 0.8, 0.5, 0.5, [1, 1, 30]],
    // 0.3 req/s (Poisson(18) a minute), 15 % / 50 %: 1 of 1 is ended by a burst (≈ 63 %) or, with a
    // gate of 30, detects ≈ 3 %; 2 of 2 catches it with 0.9003 over ten minutes and survives a
    // burst (≈ 0.5 %).
    ['2 of 2', [600], 0.15, 0.5, 0.3, 0.3, [2, 2, 10]],
    // 0.5 req/s, 15 % / 50 %: 2 of 2 catches ≈ 0.898, 2 of 3 ≈ 0.96.
    ['2 of 3', [600], 0.15, 0.5, 0.5, 0.5, [2, 3, 10]],
    // 0.5 req/s, 15 % / 30 %, half an hour: strays alone breach ≈ 2 % of the minutes (30 % of
    // Poisson(30) at 15 %), so two of three roll back ≈ 2 % of healthy releases; three in a row
    // ≈ 0.02 %, caught ≈ 0.904.
    ['3 of 3', [1800], 0.15, 0.3, 0.5, 0.5, [3, 3, 10]],
    // 0.5 req/s, 15 % / 35 %, 20 minutes: a burst across a minute's end breaches two minutes, so
    // two of two or of three are ended by it (≈ 7 %, 8 %); three in a row catch ≈ 0.77 only; three
    // of five ≈ 0.975, and survive it (≈ 0.2 %).
    ['3 of 5', [1200], 0.15, 0.35, 0.5, 0.5, [3, 5, 10]],
    // 0.25 req/s (Poisson(15)), 30 % / 50 %, half an hour: three in a row and three of five are ended by
    // a burst (≈ 1.9 %, 7.8 %); four of five catch ≈ 0.91 and survive it (≈ 0.5 %).
    ['4 of 5', [1800], 0.3, 0.5, 0.25, 0.25, [4, 5, 10]],
  ] as const)('%s', (_, seconds, baseline, regression, quiet, peak, [m, n, gate]) => {
    const r = release(seconds, baseline, regression, quiet, peak);
    expectFirstMeeting(r, EVALUATIONS, m, n, gate);
    expect(suggest(r, 1, 1)).toEqual({ datapointsToAlarm: m, evaluationPeriods: n, minimumRequests: gate });
  });

  test('undefined when no evaluation meets the targets', () => {
    // 0.1 req/s (Poisson(6) a minute), 15 % / 50 %, five minutes: a gate of 10 judges a minute with
    // P ≈ 0.08, so no evaluation catches the regression with 90 % (1 of 1: ≈ 0.22), and 30 or more
    // judges none.
    const r = release([300], 0.15, 0.5, 0.1, 0.1);
    for (const [m, n] of EVALUATIONS) for (const g of GATES) expect(judge(r, m, n, g).worstDetection).toBeLessThan(0.9);
    expect(suggest(r, 1, 1)).toBeUndefined();
  });

  test('the configured evaluation does not change the suggestion', () => {
    const r = release([600], 0.15, 0.5, 0.5, 0.5);
    // The release of the 2-of-3 case above, configured with 4 of 5: the suggestion is the same.
    expect(suggest(r, 4, 5)).toEqual({ datapointsToAlarm: 2, evaluationPeriods: 3, minimumRequests: 10 });
  });
});
