import * as cloudWatchDetection from '../../../lib/plan/detection/cloudwatch-detection';
import type { CloudWatchGate } from '../../../lib/plan/detection/cloudwatch-detection';
import { argoStepDetector, cloudWatchStepDetector, stepFixes, type StepDetector } from '../../../lib/plan/detection/step-fixes';
import { poisson } from './support/poisson-sums';

/*
 * lib/plan/detection/step-fixes.ts where test/plan/detection/step-fix-search.test.ts does not reach:
 * where each search starts, which steps a fix changes, the target itself, and the detectors' choice
 * among settings (which ones are tried, which are refused for rolling a healthy release back, when
 * the search stops), against hand-worked numbers and direct sums written out here.
 *
 * The stepFixes detectors are closed forms: a step of weight w baked T seconds at λ req/s, each
 * request failing with p, holds an error with 1 − e^(−λ w T p), which reaches the 90 % target when
 * λ w T p ≥ ln 10 = 2.302585.
 */

const FIELD = 'environments[0].traffic.quietRequestsPerSecond';
const closedForm =
  (p: number): StepDetector =>
  (steps, rate, index) =>
    1 - Math.exp(-rate * steps[index].weight * steps[index].seconds * p);

afterEach(() => jest.restoreAllMocks());

describe('stepFixes: each search starts above the current setting', () => {
  test('a step the re-chosen detector already passes is offered one unit, one percent and one grid step more', () => {
    // The finding's gate and the detector's light settings differ, so the detector may pass a step
    // the finding failed: 10 · 0.1 · 300 · 0.1 = 30, detection 1 − e^−30. A fix still changes the
    // step: 6 minutes (the bake is 5), 11 % (it is 10 %), 10 · 1.05 = 10.5 rps (it is 10).
    const steps = [{ name: 'canary', weight: 0.1, seconds: 300 }];
    expect(stepFixes(steps, 0, 10, 60, closedForm(0.1), FIELD)).toEqual([
      'bake it at least 6m',
      'send it at least 11% of traffic',
      `release only at 10.5 rps or more (${FIELD})`,
    ]);
  });

  test('a step at full weight is never offered a weight, even when the detector passes it', () => {
    const steps = [{ name: 'all', weight: 1, seconds: 300 }];
    expect(stepFixes(steps, 0, 10, 60, closedForm(0.1), FIELD)).toEqual([
      'bake it at least 6m',
      `release only at 10.5 rps or more (${FIELD})`,
    ]);
  });

  test('a bake that is not a whole number of units: the first whole unit above it', () => {
    // 10 req/s, 10 % for 90 s, p = 0.02: 10 · 0.1 · T · 0.02 ≥ 2.302585 from T = 115.1 s, so two
    // minutes (120 s > 90 s) pass; three would not be the shortest.
    // - Weight: 10 · 90 · 0.02 · w ≥ 2.302585 from w = 0.1279: 13 %.
    // - Rate: 0.1 · 90 · 0.02 · λ ≥ 2.302585 from λ = 12.79; 10 · 1.05^5 = 12.76 is short, 10 · 1.05^6 = 13.40.
    const steps = [{ name: 'canary', weight: 0.1, seconds: 90 }];
    expect(stepFixes(steps, 0, 10, 60, closedForm(0.02), FIELD)).toEqual([
      'bake it at least 2m',
      'send it at least 13% of traffic',
      `release only at 13.4 rps or more (${FIELD})`,
    ]);
  });
});

describe('stepFixes: what a fix changes and what counts as passing', () => {
  test('detection exactly at the 90 % target passes', () => {
    // A detector that gives exactly 0.9 from half the traffic on: 50 %, and neither bake nor rate helps.
    const atTarget: StepDetector = (steps, _rate, index) => (steps[index].weight >= 0.5 ? 0.9 : 0.5);
    expect(stepFixes([{ name: 'canary', weight: 0.1, seconds: 300 }], 0, 10, 60, atTarget, FIELD)).toEqual([
      'send it at least 50% of traffic',
    ]);
  });

  test('only the step the finding is about is changed, for a detector that sees the whole release', () => {
    // Detection of step 1 counting the errors of both steps (p = 0.001, 10 req/s, 10 % for 5 min each):
    // 10 · 0.001 · (0.1 · 300 + w T) ≥ 2.302585.
    // - Bake: 0.1 · T ≥ 230.2585 − 30, T ≥ 2002.6 s: 34 minutes (changing both steps would give 20).
    // - Weight: 300 w ≥ 200.2585, w ≥ 0.6675: 67 % (changing both would give 39 %).
    // - Rate: λ · 0.001 · 60 ≥ 2.302585, λ ≥ 38.38: 10 · 1.05^28 = 39.2 (1.05^27 gives 37.3).
    const wholeRelease: StepDetector = (steps, rate, index) =>
      1 - Math.exp(-rate * 0.001 * steps.slice(0, index + 1).reduce((sum, s) => sum + s.weight * s.seconds, 0));
    const steps = [
      { name: 'first', weight: 0.1, seconds: 300 },
      { name: 'second', weight: 0.1, seconds: 300 },
    ];
    expect(stepFixes(steps, 1, 10, 60, wholeRelease, FIELD)).toEqual([
      'bake it at least 34m',
      'send it at least 67% of traffic',
      `release only at 39.2 rps or more (${FIELD})`,
    ]);
  });

  test('a weight that cannot pass even at 100 % is not offered', () => {
    // 0.001 req/s: 100 % for 5 minutes gives 0.001 · 300 · 0.001 = 3e-4 expected errors; 4 hours
    // at 50 %, 0.0072; 1,000× the rate at 50 %, 0.15: nothing reaches 2.302585.
    expect(stepFixes([{ name: 'half', weight: 0.5, seconds: 300 }], 0, 0.001, 60, closedForm(0.001), FIELD)).toEqual([]);
  });
});

/** P(Binomial(n, p) ≥ k), summed term by term. */
function binomialAtLeast(k: number, n: number, p: number): number {
  let logChoose = 0; // log C(n, 0)
  let sum = 0;
  for (let j = 0; j <= n; j++) {
    if (j > 0) logChoose += Math.log(n - j + 1) - Math.log(j);
    if (j >= k) sum += Math.exp(logChoose + j * Math.log(p) + (n - j) * Math.log(1 - p));
  }
  return sum;
}

describe('the CloudWatch detector', () => {
  // One error breaches a period (threshold 1e-7 %), 1 of 1 one-minute periods, everything on the new
  // version at 1 req/s for five minutes: four periods are evaluated by the step's end (a minute of
  // ingestion), each holding Poisson(60) requests.
  const gate: CloudWatchGate = {
    periodSeconds: 60,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    minimumRequests: 10,
    thresholdPercent: 1e-7,
    oldVersionJudged: true,
  };
  const steps = [{ name: 'all', weight: 1, seconds: 300 }];

  test('gates refused for false rollbacks do not end the search: the first safe one is found', () => {
    // A healthy version failing half its requests: a judged period breaches unless all of its ≥ 10
    // requests succeed (< 2^−10), so the gates of 10 and 30 requests (judged with P(Poisson(60) ≥ 30)
    // > 0.9999) roll back almost surely. The gate of 100 requests is judged with
    // q = P(Poisson(60) ≥ 100) ≈ 1.2e-6 a period (false rollbacks ≈ 4q, within 1 %); a new version
    // failing every request then breaches every judged period: detection 1 − (1 − q)^4, the best
    // of the safe gates (300 and 1,000 requests are judged less often).
    let q = 0;
    const requests = poisson(60);
    for (let n = 100; n < requests.length; n++) q += requests[n];
    const expected = 1 - (1 - q) ** 4;
    expect(q).toBeGreaterThan(1e-6);
    // To 1e-4 of itself: the model's Poisson tails are 1 − (the sum below), good to about 1e-10 absolute.
    expect(cloudWatchStepDetector(gate, 0.5, 1)(steps, 1, 0) / expected).toBeCloseTo(1, 3);
  });

  test('each release, rate and step is computed once, and told apart from the others', () => {
    const spy = jest.spyOn(cloudWatchDetection, 'cloudWatchStepDetection');
    const detect = cloudWatchStepDetector(gate, 0, 0.005);
    // 240 requests a step at 1 req/s (four evaluated periods of 60) failing with 0.5 %: 1 − e^−1.2.
    expect(detect(steps, 1, 0)).toBeCloseTo(1 - Math.exp(-1.2), 9);
    const calls = spy.mock.calls.length;
    expect(calls).toBeGreaterThan(0);
    expect(detect(steps, 1, 0)).toBeCloseTo(1 - Math.exp(-1.2), 9);
    expect(spy).toHaveBeenCalledTimes(calls);
    // Twice the rate: 480 requests, 1 − e^−2.4.
    expect(detect(steps, 2, 0)).toBeCloseTo(1 - Math.exp(-2.4), 9);
    // Another release: ten minutes, nine periods (those starting at minutes 0 to 8) evaluated by its end, 1 − e^−2.7.
    expect(detect([{ name: 'all', weight: 1, seconds: 600 }], 1, 0)).toBeCloseTo(1 - Math.exp(-2.7), 9);
    // Another step of another release, at 2 req/s: 50 % for five minutes, then 100 % for five. Step 0's
    // four evaluated periods hold 60 new requests each (0.3 errors), 1 − e^−1.2; step 1's evaluations
    // (minutes 5 to 10, a minute after each period) cover the periods from minute 4 to 8, the first
    // of them before the regression: four of 120 requests (0.6 errors), 1 − e^−2.4.
    const two = [
      { name: 'half', weight: 0.5, seconds: 300 },
      { name: 'all', weight: 1, seconds: 300 },
    ];
    expect(detect(two, 2, 0)).toBeCloseTo(1 - Math.exp(-1.2), 9);
    expect(detect(two, 2, 1)).toBeCloseTo(1 - Math.exp(-2.4), 9);
  });
});

describe('the Argo Rollouts detector', () => {
  /**
   * P(an Argo measurement fails) over a window of Poisson(mean) requests to the new version, each
   * failing with p, judged from `minimum` requests at `threshold` (a whole number of thousandths):
   * Σ_{n ≥ minimum} P(N = n) · P(Binomial(n, p) ≥ k) with 1000 k ≥ threshold·1000 · n, in integers.
   */
  function windowFails(mean: number, p: number, minimum: number, thousandths: number): number {
    const requests = poisson(mean);
    let sum = 0;
    for (let n = minimum; n < requests.length; n++) sum += requests[n] * binomialAtLeast(Math.ceil((thousandths * n) / 1000), n, p);
    return sum;
  }

  test('windows shorter than two scrapes are not tried', () => {
    // 100 req/s, all on the new version for 10 minutes, 10 % errors healthy, 25 % in the regression;
    // the thresholds tried lie halfway and three quarters of the way (17.5 %, 21.25 %). Thousands of
    // requests a window: a window of the regression fails surely, a healthy one never.
    // With 150-s scrapes only the 300-s window is tried: measurements at 5 and 10 minutes, both
    // failing, detection 1 (with a failure limit of 1). With 151-s scrapes no window is tried.
    const steps = [{ name: 'all', weight: 1, seconds: 600 }];
    expect(argoStepDetector(150, 0.1, 0.25)(steps, 100, 0)).toBeCloseTo(1, 6);
    expect(argoStepDetector(151, 0.1, 0.25)(steps, 100, 0)).toBe(0);
  });

  test('the best safe setting when none reaches the target, wherever it lies in the order tried', () => {
    // 0.1 req/s, all on the new version for 10 minutes, no errors healthy (no setting rolls it back),
    // 20 % in the regression. With 30-s scrapes the windows of 60 s (6 requests: a gate of 30 is
    // almost never reached) and 120 s (12 requests) are tried first; the 300-s window holds
    // Poisson(30) requests and the best setting is its first: 2 failed measurements of 2 (at 5 and
    // 10 minutes), 30 requests, threshold 10 %. Later settings (3 failures, larger gates, 15 %) do worse,
    // a failure limit of 2 cannot fail in two measurements at all.
    const steps = [{ name: 'all', weight: 1, seconds: 600 }];
    const fails = windowFails(30, 0.2, 30, 100);
    expect(fails ** 2).toBeLessThan(0.9);
    expect(argoStepDetector(30, 0, 0.2)(steps, 0.1, 0)).toBeCloseTo(fails ** 2, 6);
  });

  test('the lost-traffic check takes the smallest weight: a 0.2 % step must not look like lost traffic', () => {
    // Step 0: 0.2 % for 20 minutes at 1 req/s (0.6 requests to the new version a 300-s window, about
    // 300 to the old); step 1: 50 % for 10 minutes. Lost traffic is judged from
    // ⌈ln 1e-4 / ln 0.998⌉ = 4,601 old requests, never reached; from the largest weight (50 %) it
    // would be ⌈ln 1e-4 / ln 0.5⌉ = 14, and four measurements of step 0 would each fail with e^−0.6,
    // refusing every setting. Step 1 is caught by its two measurements (Poisson(150) requests,
    // 25 % errors against 17.5 %): the first setting tried.
    const steps = [
      { name: 'tiny', weight: 0.002, seconds: 1200 },
      { name: 'half', weight: 0.5, seconds: 600 },
    ];
    const fails = windowFails(150, 0.25, 30, 175);
    expect(fails ** 2).toBeGreaterThan(0.9);
    expect(argoStepDetector(150, 0.1, 0.25)(steps, 1, 1)).toBeCloseTo(fails ** 2, 6);
  });

  test('a step at 0 % is lost traffic against the smallest weight above 0, and its settings are refused', () => {
    // Step 0 sends nothing to the new version for 10 minutes at 1 req/s: its two measurements see
    // Poisson(300) old requests and none new, beyond the 14 of the 50 % step, and fail: a failure
    // limit of 1 rolls the healthy release back, a limit of 2 cannot catch step 1 in its two
    // measurements. Without the check every setting with a limit of 1 would catch step 1.
    const steps = [
      { name: 'dark', weight: 0, seconds: 600 },
      { name: 'half', weight: 0.5, seconds: 600 },
    ];
    expect(argoStepDetector(150, 0.1, 0.25)(steps, 1, 1)).toBe(0);
  });
});
