import { spawnSync } from 'node:child_process';
import { describeLimit, explainEnd, scaled, timeoutScale } from './budget';

describe('time limits scaled for the machine', () => {
  const saved = process.env.GLIDEPATH_TIMEOUT_SCALE;
  afterEach(() => {
    if (saved === undefined) delete process.env.GLIDEPATH_TIMEOUT_SCALE;
    else process.env.GLIDEPATH_TIMEOUT_SCALE = saved;
  });

  test('GLIDEPATH_TIMEOUT_SCALE multiplies every limit; 0 lifts them', () => {
    process.env.GLIDEPATH_TIMEOUT_SCALE = '3';
    expect(scaled(60_000)).toBe(180_000);
    process.env.GLIDEPATH_TIMEOUT_SCALE = '0';
    expect(timeoutScale()).toBe(Infinity);
    expect(scaled(60_000)).toBe(2 ** 31 - 1);
    process.env.GLIDEPATH_TIMEOUT_SCALE = 'slow';
    expect(() => scaled(1)).toThrow('GLIDEPATH_TIMEOUT_SCALE is "slow"; use a number ≥ 0 (0: no limit)');
  });

  test('without it, a limit is never below its idle-machine figure', () => {
    delete process.env.GLIDEPATH_TIMEOUT_SCALE;
    expect(scaled(60_000)).toBeGreaterThanOrEqual(60_000);
  });

  test('a command stopped at its limit says so, with the figures and how to stretch or skip it', () => {
    process.env.GLIDEPATH_TIMEOUT_SCALE = '2';
    const limit = scaled(100);
    const result = spawnSync('sleep', ['5'], { timeout: limit });
    expect(explainEnd(result, 100, limit, 'GLIDEPATH_SKIP_CONSUMER=1')).toBe(
      'stopped by the test after its time limit of 0 s (0 s × 2.0 for GLIDEPATH_TIMEOUT_SCALE): the machine is too busy or the command hangs; ' +
        'set GLIDEPATH_TIMEOUT_SCALE to a larger factor (0: no limit), or GLIDEPATH_SKIP_CONSUMER=1 to skip this test',
    );
    expect(describeLimit(60_000, 180_000)).toBe('180 s (60 s × 3.0 for GLIDEPATH_TIMEOUT_SCALE)');
  });

  test('a command killed by a signal is not blamed on the limit; one that exited needs no explanation', () => {
    const killed = spawnSync('bash', ['-c', 'kill -KILL $$']);
    expect(explainEnd(killed, 60_000, 60_000)).toMatch(/^killed by SIGKILL \(not by the test's time limit of 60 s/);
    expect(explainEnd(spawnSync('true'), 60_000, 60_000)).toBe('');
  });
});
