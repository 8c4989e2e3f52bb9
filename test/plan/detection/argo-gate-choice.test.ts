import {
  chooseArgoGate,
  DETECTION_TARGET,
  FALSE_ROLLBACK_LIMIT,
  judgedStep,
  LOST_TRAFFIC_FALSE_ALARM,
  lostTrafficRequests,
  passes,
} from '../../../lib/plan/detection/choose-argo-gate';

/*
 * How the Argo analysis settings are chosen for a release (lib/plan/detection/choose-argo-gate.ts):
 * windows tile time, at least two scrapes and a whole number of them; among the settings that
 * detect a regression in ≥ 90 % of every judged step and roll a healthy release back in ≤ 1 %, the
 * fastest (window × failures needed), then the highest threshold, then the largest minimum.
 * Expected gates are worked by hand: at 100 req/s a 10 % canary serves 600 requests a minute;
 * at 5 % errors a window reaches a 4 % threshold with P(Bin(600, 0.05) ≥ 24) ≈ 0.89 (normal
 * approximation), two of five such windows fail with P > 0.99, while 5 % itself is reached only
 * about half the time (two of five: 1 − 6/32 ≈ 0.81 < 0.9); at the 1 % baseline 24 errors of 600
 * are out of reach (mean 6).
 */

const STEPS = [
  { name: 'canary', weight: 0.1, seconds: 300 },
  { name: 'half', weight: 0.5, seconds: 300 },
  { name: 'full', weight: 1, seconds: 0 },
];

describe('the targets', () => {
  test('90 % detection, 1 % false rollbacks, 1e-4 per lost-traffic check', () => {
    expect(DETECTION_TARGET).toBe(0.9);
    expect(FALSE_ROLLBACK_LIMIT).toBe(0.01);
    expect(LOST_TRAFFIC_FALSE_ALARM).toBe(1e-4);
  });

  test('a step is judged when it sends traffic and waits', () => {
    expect(judgedStep({ weight: 0.1, seconds: 60 })).toBe(true);
    expect(judgedStep({ weight: 0, seconds: 60 })).toBe(false);
    expect(judgedStep({ weight: 0.1, seconds: 0 })).toBe(false);
    expect(judgedStep({ weight: 1, seconds: 1 })).toBe(true);
  });

  test('lost traffic: T = ⌈ln ε / ln(1 − w)⌉, none for weights 0 or 1', () => {
    expect(lostTrafficRequests(0.1)).toBe(88); // ⌈9.2103 / 0.10536⌉ = ⌈87.4⌉
    expect(lostTrafficRequests(0.5, 0.01)).toBe(7); // ⌈4.6052 / 0.69315⌉ = ⌈6.64⌉
    expect(lostTrafficRequests(0)).toBeUndefined();
    expect(lostTrafficRequests(-0.1)).toBeUndefined();
    expect(lostTrafficRequests(1)).toBeUndefined();
    expect(lostTrafficRequests(0.999)).toBe(2); // ⌈9.2103 / 6.9078⌉
  });

  test('passes: every judged step at or above 90 %, false and burst rollbacks at or below 1 %', () => {
    expect(passes({ detection: [0.9, undefined, 1], falseRollback: 0.01, burstRollback: 0.01 })).toBe(true);
    expect(passes({ detection: [], falseRollback: 0, burstRollback: 0 })).toBe(true);
    expect(passes({ detection: [0.95, 0.8999], falseRollback: 0, burstRollback: 0 })).toBe(false);
    expect(passes({ detection: [0.95], falseRollback: 0.0101, burstRollback: 0 })).toBe(false);
    expect(passes({ detection: [0.95], falseRollback: 0, burstRollback: 0.0101 })).toBe(false);
  });
});

describe('chooseArgoGate', () => {
  test('busy service, 30 s scrapes: one-minute windows, two failures, the 4 % threshold, the largest minimum', () => {
    const choice = chooseArgoGate(STEPS, 100, 30, 0.01, 0.05);
    expect(choice.meetsTargets).toBe(true);
    expect(choice.gate).toEqual({
      windowSeconds: 60,
      intervalSeconds: 60,
      failureLimit: 1,
      minimumRequests: 300,
      lostTrafficRequests: 88,
      threshold: 0.04,
    });
    expect(choice.quiet.detection[0]).toBeGreaterThanOrEqual(0.99);
    expect(choice.quiet.detection[1]).toBeGreaterThanOrEqual(0.99);
    expect(choice.quiet.detection[2]).toBeUndefined();
    expect(choice.quiet.falseRollback).toBeLessThan(1e-6);
    expect(choice.quiet.burstRollback).toBeLessThan(1e-3);
    expect(passes(choice.quiet)).toBe(true);
  });

  test('the lost-traffic check is sized for the smallest canary weight that sends traffic', () => {
    // A zero-weight, zero-length step changes nothing but must not make the smallest weight 0.
    const withEmpty = [...STEPS, { name: 'after', weight: 0, seconds: 0 }];
    expect(chooseArgoGate(withEmpty, 100, 30, 0.01, 0.05).gate.lostTrafficRequests).toBe(88);
  });

  test('a fixed minimum is kept', () => {
    expect(chooseArgoGate(STEPS, 100, 30, 0.01, 0.05, 100, 50).gate.minimumRequests).toBe(50);
  });

  test('one-minute scrapes: windows of at least two scrapes, so two minutes', () => {
    const choice = chooseArgoGate(STEPS, 100, 60, 0.01, 0.05);
    expect(choice.meetsTargets).toBe(true);
    expect(choice.gate).toMatchObject({ windowSeconds: 120, intervalSeconds: 120, failureLimit: 1, minimumRequests: 300 });
  });

  test('the window is never longer than the longest judged step', () => {
    const short = [
      { name: 'canary', weight: 0.2, seconds: 60 },
      { name: 'full', weight: 1, seconds: 0 },
    ];
    // At 5 req/s a 20 % canary serves 60 requests a minute: the one-minute window is the only one tried.
    const choice = chooseArgoGate(short, 5, 30, 0.01, 0.2);
    expect(choice.gate.windowSeconds).toBe(60);
    expect(choice.gate.lostTrafficRequests).toBe(42); // ⌈9.2103 / 0.22314⌉ = ⌈41.3⌉
  });

  test('a scrape interval dividing none of the windows (45 s) gets two scrapes, not a crash', () => {
    const choice = chooseArgoGate(STEPS, 100, 45, 0.01, 0.05);
    expect(choice.gate.windowSeconds).toBe(90);
    expect(choice.gate.intervalSeconds).toBe(90);
    expect(choice.meetsTargets).toBe(true);
    // 90 s: two scrapes, 180 s; 25 s divides 300 s, which is tried as usual.
    expect(chooseArgoGate(STEPS, 100, 90, 0.01, 0.05).gate.windowSeconds).toBe(180);
    expect(chooseArgoGate(STEPS, 100, 25, 0.01, 0.05).gate.windowSeconds).toBe(300);
    // 35 s on a one-minute step: ⌈60 / 35⌉ = 2 scrapes, 70 s, the shortest there is.
    const short = [
      { name: 'canary', weight: 0.5, seconds: 60 },
      { name: 'full', weight: 1, seconds: 0 },
    ];
    expect(chooseArgoGate(short, 100, 35, 0.01, 0.05).gate.windowSeconds).toBe(70);
  });

  test('too little traffic: no setting meets the targets, and the one chosen stays within the false-rollback limit', () => {
    // 0.1 req/s: a 10 % canary serves 0.6 requests a minute; nothing can detect 90 %.
    const choice = chooseArgoGate(STEPS, 0.1, 30, 0.01, 0.05, 0.1, 50);
    expect(choice.meetsTargets).toBe(false);
    expect(choice.gate.minimumRequests).toBe(50);
    expect(choice.quiet.falseRollback).toBeLessThanOrEqual(FALSE_ROLLBACK_LIMIT);
    expect(choice.quiet.detection[0]).toBeLessThan(0.01);
    expect(passes(choice.quiet)).toBe(false);
  });

  test('a quiet service with a peak: stray errors at the peak rate count against false rollbacks too', () => {
    // Quiet traffic alone would allow the lowest threshold; the peak's 100× the requests must not roll back.
    const choice = chooseArgoGate(STEPS, 100, 30, 0.01, 0.05, 10_000);
    expect(choice.meetsTargets).toBe(true);
    expect(choice.quiet.falseRollback).toBeLessThanOrEqual(FALSE_ROLLBACK_LIMIT);
    expect([0.03, 0.04, 0.05]).toContain(choice.gate.threshold);
  });
});
