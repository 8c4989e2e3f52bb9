// @ts-check
/**
 * jest's node environment, plus the CPU seconds (user + system) one suite costs, for the timing
 * reporter: the worker's own CPU and that of the child processes it waited for (promtool, tsc,
 * npm), read from /proc/self/stat when the suite's environment is set up and torn down. Wall
 * seconds on a shared machine say little; CPU seconds add up to what an idle 2-core machine needs.
 * The figure is written to `GLIDEPATH_CPU_DIR` (set by test/support/timing-reporter.js), one file
 * per suite; nothing is measured where /proc is missing.
 */
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { TestEnvironment } = require('jest-environment-node');
const { SHARED, sharedCloudformationValidate } = require('./shared-cfn-validation');
const { processCpuSeconds: cpuSeconds } = require('./proc-cpu');

/** The file a suite's CPU seconds go to. */
function cpuFile(dir, testPath) {
  return path.join(dir, crypto.createHash('sha1').update(testPath).digest('hex').slice(0, 16));
}

class CpuEnvironment extends TestEnvironment {
  /**
   * @param {import('@jest/environment').JestEnvironmentConfig} config
   * @param {import('@jest/environment').EnvironmentContext} context
   */
  constructor(config, context) {
    super(config, context);
    this.testPath = context.testPath;
    // One CloudFormation validation engine per worker (./shared-cfn-validation.js);
    // GLIDEPATH_SHARED_CFN_VALIDATION=off builds one per suite, as aws-cdk-lib does.
    if (process.env.GLIDEPATH_SHARED_CFN_VALIDATION !== 'off') this.global[SHARED] = sharedCloudformationValidate();
    this.startCpu = cpuSeconds();
  }

  async teardown() {
    await super.teardown();
    const dir = process.env.GLIDEPATH_CPU_DIR;
    const end = cpuSeconds();
    if (dir && this.startCpu !== undefined && end !== undefined) {
      fs.writeFileSync(cpuFile(dir, this.testPath), String(end - this.startCpu));
    }
  }
}

module.exports = CpuEnvironment;
module.exports.cpuFile = cpuFile;
