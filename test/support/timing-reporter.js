// @ts-check
/**
 * A jest reporter that makes the suite's time budget visible: after every run it prints the
 * slowest suites (wall seconds each suite took in its worker) and jest's own wall time, so growth
 * shows in every CI log. It is listed before jest's default reporter so the final summary lines
 * ("Tests: …", "Time: …") stay last and unchanged.
 *
 * Beside the wall seconds it prints the CPU seconds (user + system, child processes included) each
 * suite cost, measured by test/support/cpu-environment.js: on a shared machine the wall time says
 * little, while the CPU seconds summed over suites, divided by the cores, bound the wall time on
 * an idle machine.
 *
 * Options (jest.config.js): `top` (default 10). Environment: `GLIDEPATH_TIMING_FILE=path` also
 * writes the figures as JSON (`.ci/run` prints them again after the wall times).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { cpuFile } = require('./cpu-environment');
const slowSuites = require('./slow-suites.json');

class TimingReporter {
  /**
   * @param {unknown} _globalConfig
   * @param {{ top?: number }} [options]
   */
  constructor(_globalConfig, options = {}) {
    this.top = options.top ?? 10;
    /** @type {{ suite: string, seconds: number, cpuSeconds?: number, tests: number, failed: number }[]} */
    this.suites = [];
    // Where each suite's environment writes its CPU seconds; set before jest starts its workers,
    // which inherit it.
    this.cpuDir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-cpu-'));
    process.env.GLIDEPATH_CPU_DIR = this.cpuDir;
  }

  /** The suite's CPU seconds, when its environment measured them. */
  cpuOf(testFilePath) {
    try {
      return Number(fs.readFileSync(cpuFile(this.cpuDir, testFilePath), 'utf8'));
    } catch {
      return undefined;
    }
  }

  /**
   * @param {unknown} _test
   * @param {{ testFilePath: string, perfStats: { start: number, end: number }, numFailingTests: number, testResults: unknown[], skipped?: boolean }} result
   */
  onTestResult(_test, result) {
    this.suites.push({
      suite: path.relative(process.cwd(), result.testFilePath),
      seconds: Math.max(0, (result.perfStats.end - result.perfStats.start) / 1000),
      cpuSeconds: this.cpuOf(result.testFilePath),
      tests: result.testResults.length,
      failed: result.numFailingTests,
    });
  }

  /**
   * A note naming the slow suites that test/support/slow-suites.json does not list: on a clean
   * clone the sequencer (test/support/test-sequencer.js) cannot start them first.
   * @param {{ suite: string, cpuSeconds?: number }[]} slowest
   */
  unlisted(slowest) {
    const missing = slowest.filter(
      (s) => (s.cpuSeconds ?? 0) >= slowSuites.listFrom && !(s.suite.split(path.sep).join('/') in slowSuites.cpuSeconds),
    );
    if (missing.length === 0) return [];
    return [`  (not in test/support/slow-suites.json, so not started first on a clean clone: ${missing.map((s) => s.suite).join(', ')})`];
  }

  /**
   * @param {unknown} _contexts
   * @param {{ startTime: number, numTotalTestSuites: number }} results
   */
  onRunComplete(_contexts, results) {
    // One suite run on its own (`npx jest path`) prints its time in jest's own line already.
    fs.rmSync(this.cpuDir, { recursive: true, force: true });
    if (this.suites.length < 2 && !process.env.GLIDEPATH_TIMING_FILE) return;
    const wall = (Date.now() - results.startTime) / 1000;
    const sum = this.suites.reduce((total, s) => total + s.seconds, 0);
    const cpu = this.suites.reduce((total, s) => total + (s.cpuSeconds ?? 0), 0);
    const cpuText = (s) => (s.cpuSeconds === undefined ? '' : `, ${s.cpuSeconds.toFixed(1)} s CPU`);
    const slowest = [...this.suites].sort((a, b) => b.seconds - a.seconds).slice(0, this.top);
    const [load1] = os.loadavg();
    const width = Math.max(0, ...slowest.map((s) => s.suite.length));
    const lines = [
      '',
      `Slowest ${slowest.length} of ${this.suites.length} suites (wall seconds in a worker; load average ${load1.toFixed(1)} on ${os.cpus().length} cores):`,
      ...slowest.map(
        (s) =>
          `  ${s.seconds.toFixed(1).padStart(7)} s  ${s.suite.padEnd(width)}  (${s.tests} tests${cpuText(s)}${s.failed ? `, ${s.failed} failed` : ''})`,
      ),
      ...this.unlisted(slowest),
      `jest: ${wall.toFixed(1)} s wall, ${sum.toFixed(1)} s summed over suites, ${cpu.toFixed(1)} s CPU (suites and their child processes)`,
      '',
    ];
    process.stderr.write(lines.join('\n') + '\n');
    const file = process.env.GLIDEPATH_TIMING_FILE;
    if (file) {
      fs.writeFileSync(
        file,
        JSON.stringify(
          { wallSeconds: wall, summedSeconds: sum, cpuSeconds: cpu, load1, suites: slowest, allSuites: this.suites },
          null,
          1,
        ) + '\n',
      );
    }
  }
}

module.exports = TimingReporter;
