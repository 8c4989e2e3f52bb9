import { chooseArgoGate } from '../../../lib/plan/detection/choose-argo-gate';

/*
 * The order in which lib/plan/detection/choose-argo-gate.ts picks among analysis settings, on
 * releases where the orders disagree. Expected gates and probabilities are worked by hand below:
 * errors of a Poisson stream of requests are Poisson (thinning), a window of N requests failing with
 * p reaches threshold θ with P(Bin(N, p) ≥ ⌈θN⌉), and k of m independent windows failing with q is
 * binomial.
 */

/** P(at least k of n independent windows fail), each with probability q. */
function atLeast(k: number, n: number, q: number): number {
  let p = 0;
  for (let j = k; j <= n; j++) {
    let c = 1;
    for (let i = 0; i < j; i++) c = (c * (n - i)) / (i + 1);
    p += c * q ** j * (1 - q) ** (n - j);
  }
  return p;
}

describe('the order among settings that meet the targets', () => {
  test('the fastest wins over a slower one with a larger minimum', () => {
    // 50 req/s: the 10 % canary serves Poisson(300) requests a minute, the 50 % step 1,500; baseline
    // 1 %, regression 10 %: thresholds 5.5, 7.75 and 10 %.
    // - A 30-second burst at a random time falls across a window's end half the time and fails both
    //   windows (a few seconds of it are enough): two failures can be one burst, so three are needed
    //   (failure limit 2), whatever the window.
    // - 10 % is the regression itself: a window reaches it about half the time, and three of five
    //   such windows fail with 1/2 < 0.9.
    // - 7.75 %: 24 errors of 300 at 10 %, mean 30, sd √27 ≈ 5.2: P ≈ P(Z ≥ −1.25) ≈ 0.89 a window,
    //   three of five ≈ 0.99. At the 1 % baseline 24 errors of 300 (mean 3) are out of reach.
    // - A gate of 300 is met by a one-minute window about half the time (Poisson(300) ≥ 300): each
    //   window fails with ≈ 0.5 · 0.89, three of five with ≈ 0.4 < 0.9; a gate of 100 always is.
    // So one-minute windows with three failures (60 s × 3, the fastest there is), 7.75 % and a gate
    // of 100. Two-minute windows (600 requests) meet the gate of 300 too, but take 360 s to decide.
    const steps = [
      { name: 'canary', weight: 0.1, seconds: 300 },
      { name: 'half', weight: 0.5, seconds: 300 },
      { name: 'full', weight: 1, seconds: 0 },
    ];
    const choice = chooseArgoGate(steps, 50, 30, 0.01, 0.1);
    expect(choice.meetsTargets).toBe(true);
    expect(choice.gate).toEqual({
      windowSeconds: 60,
      intervalSeconds: 60,
      failureLimit: 2,
      minimumRequests: 100,
      lostTrafficRequests: 88, // ⌈ln 1e-4 / ln 0.9⌉ = ⌈87.4⌉
      threshold: 0.0775,
    });
    expect(choice.quiet.detection[0]).toBeGreaterThan(0.99);
    expect(choice.quiet.falseRollback).toBeLessThan(1e-9);
  });
});

describe('the pick when no setting meets the targets', () => {
  // One 10-minute step at full weight (no lost-traffic check), 0.05 req/s, one-minute scrapes: windows
  // of two minutes (Poisson(6) requests, five of them) and five minutes (Poisson(15), two of them).
  // Baseline 0.2 %, regression 5 %: thresholds 2.6, 3.8 and 5 %, all reached by one error in a window
  // of up to 20 requests, so a two-minute window fails when it holds an error (≥ 21 requests: P < 1e-4).
  const TEN_MINUTES = [
    { name: 'all', weight: 1, seconds: 600 },
    { name: 'done', weight: 1, seconds: 0 },
  ];

  test('the best mean detection is kept when none of the five best survives a burst', () => {
    const q = 1 - Math.exp(-0.3); // a two-minute window at 5 %: errors ~ Poisson(6 · 0.05)
    const f = 1 - Math.exp(-0.012); // at 0.2 %: Poisson(0.012)
    // Detection, best first: two-minute windows with two failures, 1 − (1 − q)⁵ − 5q(1 − q)⁴ ≈ 0.387
    // (all three thresholds, 2.6 % by a hair: one error suffices up to 38 requests); five-minute
    // windows, both failing, (1 − e^−0.75)² ≈ 0.28 (three settings); two-minute windows with three
    // failures, ≈ 0.113. None reaches 90 %; all roll back a healthy release in ≤ 1 %
    // (two of five strays: ≈ 10 f² ≈ 0.0014).
    expect(atLeast(2, 5, q)).toBeCloseTo(0.38655, 4);
    expect(atLeast(3, 5, q)).toBeCloseTo(0.11344, 4);
    // A 30-second burst (1.5 requests, every one failing) fails its window with ≈ 1 − e^−1.5 ≈ 0.78;
    // with two failures needed, one stray more ends the release: ≈ 0.78 · 4f ≈ 0.037 for two-minute
    // windows, ≈ 0.78 · (1 − e^−0.03) ≈ 0.023 for five-minute ones; and a burst across a window's
    // end (a quarter of the starts for two-minute windows) fails both when each side holds a
    // request, at most (1 − e^−0.75)² ≈ 0.28: ≈ 0.07 in all for the best. All above 1 %, so none of
    // the five best survives a burst, and the best is kept.
    const choice = chooseArgoGate(TEN_MINUTES, 0.05, 60, 0.002, 0.05, 0.05, 1);
    expect(choice.meetsTargets).toBe(false);
    expect(choice.gate).toEqual({
      windowSeconds: 120,
      intervalSeconds: 120,
      failureLimit: 1,
      minimumRequests: 1,
      lostTrafficRequests: undefined,
      threshold: 0.026,
    });
    expect(choice.quiet.detection[0]).toBeCloseTo(atLeast(2, 5, q), 6);
    expect(choice.quiet.falseRollback).toBeCloseTo(atLeast(2, 5, f), 6);
    expect(choice.quiet.burstRollback).toBeGreaterThan(0.04);
    expect(choice.quiet.burstRollback).toBeLessThan(0.1);
  });
});

describe('the windows tried', () => {
  test('a long step without traffic does not make longer windows eligible', () => {
    // A 10-minute pause with no traffic to the new version, then ten one-minute steps at full weight
    // (1 req/s: Poisson(60) requests a minute, 30 % failing, thresholds 31–32 %). The longest judged
    // step is one minute, so only one-minute windows are tried: each fails with P ≈ P(Z ≥ 0.34) ≈ 0.37,
    // four of ten (failure limit 3) with P ≈ 0.5, so none is safe. Five-minute windows would cover the
    // ten minutes of traffic with two measurements, which failure limits 2 and 3 can never fail: they
    // would look safe, but they are longer than any step that is judged.
    const steps = [
      { name: 'pause', weight: 0, seconds: 600 },
      ...Array.from({ length: 10 }, (_, i) => ({ name: `s${i}`, weight: 1, seconds: 60 })),
      { name: 'full', weight: 1, seconds: 0 },
    ];
    expect(atLeast(4, 10, 0.37)).toBeGreaterThan(0.4);
    const choice = chooseArgoGate(steps, 1, 30, 0.3, 0.32, 1, 1);
    expect(choice.meetsTargets).toBe(false);
    expect(choice.gate.windowSeconds).toBe(60);
    expect(choice.quiet.falseRollback).toBeGreaterThan(0.3);
  });
});
