/** @type {import('jest').Config} */
module.exports = {
  // jest's node environment, measuring each suite's CPU seconds for the timing reporter.
  testEnvironment: '<rootDir>/test/support/cpu-environment.js',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The trial apps' own tests run inside the installed apps (test/examples/trial.test.ts).
  testPathIgnorePatterns: ['/node_modules/', '/test/examples/trial-apps/'],
  // Type-checking happens once in `npm test` (tsc --noEmit); per-file checks cost ~15 s each.
  // ts-jest, plus module-level bindings of Math & co: global lookups in jest's vm context cost ~60×
  // (test/support/module-globals-transformer.js).
  transform: {
    '^.+\\.ts$': ['<rootDir>/test/support/module-globals-transformer.js', { isolatedModules: true }],
    // aws-cdk-lib's built-in CloudFormation validation only in Apps where it can fail the test
    // (~2.8 s of CPU per suite otherwise; test/support/cdk-validation-transformer.js).
    'aws-cdk-lib/core/lib/private/synthesis-validation\\.js$': '<rootDir>/test/support/cdk-validation-transformer.js',
    // Where it runs, one validation engine per worker and configuration, not per suite
    // (test/support/shared-cfn-validation.js).
    '@aws/cloudformation-validate/index\\.js$': '<rootDir>/test/support/shared-cfn-validation-transformer.js',
    // Pulumi's promises without the stack trace each records for leak reports (~10 % of a Pulumi
    // suite's CPU under jest: test/support/pulumi-promise-stack-transformer.js).
    '@pulumi/pulumi/runtime/debuggable\\.js$': '<rootDir>/test/support/pulumi-promise-stack-transformer.js',
  },
  // Every file under node_modules is used as is, except those three (the second sits in
  // aws-cdk-lib/node_modules/, so the exception is on the whole path).
  transformIgnorePatterns: [
    '^(?!.*/node_modules/(aws-cdk-lib/core/lib/private/synthesis-validation|@aws/cloudformation-validate/index|@pulumi/pulumi/runtime/debuggable)\\.js$).*/node_modules/',
  ],
  // Two minutes on an idle machine; test/setup-env.ts scales it by the load per core when each suite
  // starts (test/support/budget.ts), or by GLIDEPATH_TIMEOUT_SCALE. Not scaled here: ts-jest keys its
  // transform cache by this whole config, so a figure that follows the load made every run with a
  // different load transpile every source again (1.4 s of CPU per suite instead of 0.15 s).
  testTimeout: 120000,
  // Jest's default on 2 cores is one worker; suites spend much of their time in child processes
  // (promtool, tsc, npm, bash), so two keep both cores busy.
  maxWorkers: 2,
  // Known-slow suites first, longest first: on a clean clone jest has no durations to order by
  // (test/support/test-sequencer.js, test/support/slow-suites.json).
  testSequencer: '<rootDir>/test/support/test-sequencer.js',
  // Pins the release commit recorded at synthesis (see test/setup-env.ts).
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  // The slowest suites and jest's wall time after every run, before the default summary (which
  // stays last): the suite's budget is visible in every CI log.
  reporters: [['<rootDir>/test/support/timing-reporter.js', { top: 10 }], 'default'],
};
