/*
 * The cache of lib/plan/detection/judged-window.ts: choosing an Argo gate scores 108 settings over
 * the same release, so the same window (same expected requests, error ratio and judge) is asked for
 * again and again; each is computed once, and the cache is bounded so a long run (a 200-service
 * benchmark) does not grow without limit. Its observable effect is how often the series' breach
 * (`thinnedSeriesBreach`, the costly sum) is evaluated: counted here by a spy on that export, on
 * modules loaded afresh for each test so no other test's entries are in the cache.
 */

type PoissonTableModule = typeof import('../../../lib/plan/detection/poisson-table');
type JudgedWindowModule = typeof import('../../../lib/plan/detection/judged-window');

/** Fresh copies of both modules (an empty cache), with a spy on the series' breach. */
function fresh(): { jw: JudgedWindowModule; computed: jest.SpyInstance } {
  let pt: PoissonTableModule | undefined;
  let jw: JudgedWindowModule | undefined;
  jest.isolateModules(() => {
    pt = require('../../../lib/plan/detection/poisson-table') as PoissonTableModule;
    jw = require('../../../lib/plan/detection/judged-window') as JudgedWindowModule;
  });
  return { jw: jw!, computed: jest.spyOn(pt!, 'thinnedSeriesBreach') };
}

/** One error reaches the threshold, one request is judged: the series breaches when it holds an error. */
const ANY_ERROR = { threshold: 1e-9, minimumRequests: 1 };

afterEach(() => jest.restoreAllMocks());

describe('the judged-window cache', () => {
  test('the same series asked twice is computed once, with the same answer', () => {
    const { jw, computed } = fresh();
    // Errors of Poisson(100) requests failing with 5 % are Poisson(5): P(at least one) = 1 − e^−5.
    expect(jw.seriesBreach(100, 0.05, ANY_ERROR)).toBeCloseTo(1 - Math.exp(-5), 9);
    expect(jw.seriesBreach(100, 0.05, ANY_ERROR)).toBeCloseTo(1 - Math.exp(-5), 9);
    expect(computed).toHaveBeenCalledTimes(1);
  });

  test('means that differ only in their last bits share an entry (10 significant digits)', () => {
    const { jw, computed } = fresh();
    // 0.1 + 0.2 = 0.30000000000000004 in float64, a sum of pieces as the timeline adds them.
    expect(0.1 + 0.2).not.toBe(0.3);
    jw.seriesBreach(0.1 + 0.2, 0.5, ANY_ERROR);
    expect(jw.seriesBreach(0.3, 0.5, ANY_ERROR)).toBeCloseTo(1 - Math.exp(-0.15), 9);
    expect(computed).toHaveBeenCalledTimes(1);
  });

  test('different series are different entries, and every entry is kept while the cache is small', () => {
    const { jw, computed } = fresh();
    const a = jw.seriesBreach(40, 0.1, ANY_ERROR); // 1 − e^−4
    const b = jw.seriesBreach(40, 0.05, ANY_ERROR); // 1 − e^−2
    expect(a).toBeCloseTo(1 - Math.exp(-4), 9);
    expect(b).toBeCloseTo(1 - Math.exp(-2), 9);
    // Asked again after another series: still cached.
    expect(jw.seriesBreach(40, 0.1, ANY_ERROR)).toBe(a);
    expect(computed).toHaveBeenCalledTimes(2);
    // The judge is part of the key: a gate of 50 requests is another series.
    jw.seriesBreach(40, 0.1, { threshold: 1e-9, minimumRequests: 50 });
    expect(computed).toHaveBeenCalledTimes(3);
  });

  test('zero is a key of its own: a zero error ratio and a tiny one are not confused', () => {
    const { jw, computed } = fresh();
    // No errors can breach; 10⁶ requests failing with 1e-12 breach with 1 − e^−1e-6 ≈ 1e-6.
    expect(jw.seriesBreach(1e6, 0, ANY_ERROR)).toBe(0);
    expect(jw.seriesBreach(1e6, 1e-12, ANY_ERROR)).toBeCloseTo(1e-6, 9);
    expect(jw.seriesBreach(1e6, 1e-12, ANY_ERROR)).toBeGreaterThan(0);
    // And a mean of zero is never judged.
    expect(jw.seriesBreach(0, 0.5, ANY_ERROR)).toBe(0);
    expect(computed).toHaveBeenCalledTimes(3);
  });

  test('bounded: 50,001 entries are kept, the next one starts the cache over', () => {
    const { jw, computed } = fresh();
    // The values do not matter here, only which series are computed again: a cheap stand-in.
    computed.mockImplementation(() => 0.5);
    const first = () => jw.seriesBreach(1, 0.01, ANY_ERROR);
    first();
    for (let i = 1; i <= 50_000; i++) jw.seriesBreach(1 + i, 0.01, ANY_ERROR);
    expect(computed).toHaveBeenCalledTimes(50_001);
    // 50,001 entries: the first is still there.
    first();
    expect(computed).toHaveBeenCalledTimes(50_001);
    // One more entry clears the cache before it is stored: the first is computed again.
    jw.seriesBreach(60_000, 0.01, ANY_ERROR);
    first();
    expect(computed).toHaveBeenCalledTimes(50_003);
  });
});
