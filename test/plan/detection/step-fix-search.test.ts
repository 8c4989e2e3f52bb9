import type { CloudWatchGate } from '../../../lib/plan/detection/cloudwatch-detection';
import { cloudWatchStepDetector, smallestPassing, stepFixes, type StepDetector } from '../../../lib/plan/detection/step-fixes';

/*
 * The search for the fixes a finding names (lib/plan/detection/step-fixes.ts `stepFixes`): the
 * shortest bake, the smallest weight and the lowest rate with which a step reaches 90 % detection,
 * each changed alone. The detector here is a closed form, so the answers can be worked by hand: a
 * step of weight w baked T seconds at λ req/s, each request failing with p = 0.001, holds an error
 * with 1 − e^(−λ w T p), which reaches 0.9 when λ w T p ≥ ln 10 = 2.302585.
 */

const closedForm: StepDetector = (steps, rate, index) => 1 - Math.exp(-rate * steps[index].weight * steps[index].seconds * 0.001);
const FIELD = 'environments[0].traffic.quietRequestsPerSecond';

describe('smallestPassing', () => {
  test('the first whole number from which the test passes, or none', () => {
    expect(smallestPassing(1, 100, (x) => x >= 7)).toBe(7);
    expect(smallestPassing(1, 100, (x) => x >= 1)).toBe(1);
    expect(smallestPassing(1, 100, (x) => x >= 100)).toBe(100);
    expect(smallestPassing(1, 100, (x) => x >= 99)).toBe(99);
    expect(smallestPassing(1, 100, () => false)).toBeUndefined();
    expect(smallestPassing(5, 5, () => true)).toBe(5);
  });
});

describe('stepFixes', () => {
  test('bake, weight and rate, each alone, worked by hand', () => {
    // 10 req/s, 10 % for 5 minutes: 10 · 0.1 · 300 · 0.001 = 0.3, detection 0.26.
    // - Bake: T ≥ 2.302585 / (10 · 0.1 · 0.001) = 2302.6 s: 39 whole minutes (2,340 s).
    // - Weight: w ≥ 2.302585 / (10 · 300 · 0.001) = 0.7675: 77 % (76 % gives 2.28).
    // - Rate: λ ≥ 2.302585 / (0.1 · 300 · 0.001) = 76.75 on the grid 10 · 1.05^i: i = 42,
    //   10 · 1.05^42 = 77.6 (i = 41 gives 73.9).
    const steps = [{ name: 'canary', weight: 0.1, seconds: 300 }];
    expect(stepFixes(steps, 0, 10, 60, closedForm, FIELD)).toEqual([
      'bake it at least 39m',
      'send it at least 77% of traffic',
      `release only at 77.6 rps or more (${FIELD})`,
    ]);
  });

  test('a step at full weight is offered no weight; a bake beyond 4 hours is not offered', () => {
    // 0.01 req/s at 100 % for 5 minutes: 0.003; a bake would need 230,259 s (64 hours).
    // The rate: λ ≥ 2.302585 / 0.3 = 7.675 on the grid 0.01 · 1.05^i: i = 137, 0.01 · 1.05^137 = 7.998 (i = 136 gives 7.617), to 3 digits 8.
    const steps = [{ name: 'all', weight: 1, seconds: 300 }];
    expect(stepFixes(steps, 0, 0.01, 60, closedForm, FIELD)).toEqual([`release only at 8 rps or more (${FIELD})`]);
  });

  test('nothing within reach: no fix', () => {
    // 0.001 req/s needs 7,675 req/s at 100 % for 5 minutes: beyond 1,000×; beyond 4 hours of bake.
    expect(stepFixes([{ name: 'all', weight: 1, seconds: 300 }], 0, 0.001, 60, closedForm, FIELD)).toEqual([]);
  });

  test('the other steps are left as they are', () => {
    // Only the second step's detection matters; the first (1 % for a minute) never passes.
    const steps = [
      { name: 'tiny', weight: 0.01, seconds: 60 },
      { name: 'canary', weight: 0.1, seconds: 300 },
    ];
    expect(stepFixes(steps, 1, 10, 60, closedForm, FIELD)[0]).toBe('bake it at least 39m');
  });
});

describe('the CloudWatch detector a fix is searched with', () => {
  // One error breaches a period (threshold 1e-7 %), 1 of 1 one-minute periods, everything on the new
  // version at 1 req/s for five minutes: four periods are evaluated by the step's end (a minute of
  // ingestion), each holding Poisson(60) requests, judged from any of the gates tried (10 to 1,000
  // requests: the smallest, 10, is reached with P(Poisson(60) < 10) < 1e-15).
  const gate: CloudWatchGate = {
    periodSeconds: 60,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    minimumRequests: 10,
    thresholdPercent: 1e-7,
    oldVersionJudged: true,
  };
  const steps = [{ name: 'all', weight: 1, seconds: 300 }];

  test('the best detection among the gates: 1 − e^(−240 p)', () => {
    expect(cloudWatchStepDetector(gate, 0, 0.005)(steps, 1, 0)).toBeCloseTo(1 - Math.exp(-1.2), 9);
    expect(cloudWatchStepDetector(gate, 0, 0.01)(steps, 1, 0)).toBeCloseTo(1 - Math.exp(-2.4), 9);
  });

  test('gates that roll a healthy release back more than 1 % do not count', () => {
    // At a 1 % baseline the gates of 10 and 30 requests fire on a healthy release with
    // 1 − e^−2.4 ≈ 0.91; those of 100 and more are within the limit only because a minute of
    // Poisson(60) requests almost never reaches them, and so they almost never detect either
    // (without the limit the best would be 1 − e^−12).
    const best = cloudWatchStepDetector(gate, 0.01, 0.05)(steps, 1, 0);
    expect(best).toBeLessThan(1e-4);
  });
});
