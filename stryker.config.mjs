// @ts-check
/**
 * Mutation testing of the safety core: `npm run mutation` (not part of `npm test`). StrykerJS
 * changes one operator, condition or literal at a time in the files below and runs the behavioural
 * suites that cover that code (per-test coverage analysis, jest.mutation.config.js); a mutant that
 * no test notices "survives". One file: `npm run mutation -- --mutate lib/plan/timing.ts`.
 * Reports: clear text on the console, reports/mutation/mutation.html and .json.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'jest',
  jest: { projectType: 'custom', configFile: 'jest.mutation.config.js', enableFindRelatedTests: true },
  coverageAnalysis: 'perTest',
  mutate: [
    'lib/plan/**/*.ts',
    '!lib/plan/index.ts',
    'lib/model/validate*.ts',
    'lib/model/validate/**/*.ts',
    'constructs/aws/alarm-set.ts',
    'constructs/aws/dead-mans-switch.ts',
    'constructs/k8s/prometheus-alerts.ts',
    'constructs/k8s/analysis-template.ts',
    'constructs/k8s/prometheus-signals.ts',
    'constructs/k8s/network-policies.ts',
  ],
  // Two cores: one test process each.
  concurrency: 2,
  // A mutant that makes a test loop is stopped after the test's own time × 3 + 30 s.
  timeoutFactor: 3,
  timeoutMS: 30_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  thresholds: { high: 90, low: 85, break: null },
};
