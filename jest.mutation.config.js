/**
 * The jest configuration `npm run mutation` (StrykerJS) runs: the behavioural suites of the safety
 * core only. Snapshot suites are left out on purpose (a snapshot diff would "kill" every mutant that
 * changes output, without saying the behaviour is checked), and so are the packing, drill and
 * Pulumi suites that would make a run take hours on 2 cores.
 */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  testMatch: [
    '<rootDir>/test/plan/**/*.test.ts',
    '<rootDir>/test/model/**/*.test.ts',
    '<rootDir>/test/policy/**/*.test.ts',
    '<rootDir>/test/aws/{alarm-set,dead-mans-switch,rollback-trigger.scenario,deployment-safety-checks}.test.ts',
    '<rootDir>/test/k8s/{analysis-template,argo-analysis,argo-schedule,prometheus-alerts,prometheus-signals,scenarios}.test.ts',
  ],
  // Stryker reports progress itself; the timing report would repeat for every mutant, and so would
  // the CPU measurement that feeds it (test/support/cpu-environment.js).
  reporters: ['default'],
  testEnvironment: 'node',
};
