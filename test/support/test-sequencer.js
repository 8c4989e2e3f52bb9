// @ts-check
/**
 * Runs the suites known to be slow first, longest first, then the others in jest's own order.
 *
 * jest orders by the durations of the previous run, which it keeps in its cache; on a clean clone
 * (every CI run) there is no cache and it orders by file size, so a two-minute suite may start
 * last and run alone on one core while the other idles. The known costs are checked in
 * (test/support/slow-suites.json: about the seconds each takes on the idle 2-core machine);
 * the timing reporter names a slow suite missing from that list.
 */
const Sequencer = require('@jest/test-sequencer').default;
const path = require('node:path');
const slowSuites = require('./slow-suites.json');

const ROOT = path.join(__dirname, '..', '..');

class SlowFirstSequencer extends Sequencer {
  /** @param {import('@jest/test-result').Test[]} tests */
  sort(tests) {
    const ordered = /** @type {import('@jest/test-result').Test[]} */ (super.sort(tests));
    /** @param {import('@jest/test-result').Test} test */
    const cost = (test) => slowSuites.cpuSeconds[path.relative(ROOT, test.path).split(path.sep).join('/')] ?? 0;
    // Array.prototype.sort is stable: the suites without a known cost keep jest's order.
    return [...ordered].sort((a, b) => cost(b) - cost(a));
  }
}

module.exports = SlowFirstSequencer;
