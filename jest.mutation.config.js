/**
 * The jest configuration `npm run mutation` (StrykerJS) runs: the behavioural suites of the safety
 * core only. Snapshot suites are left out on purpose (a snapshot diff would "kill" every mutant that
 * changes output, without saying the behaviour is checked), and so are the packing, drill and
 * Pulumi suites that would make a run take hours on 2 cores.
 */
const base = require('./jest.config.js');

// GLIDEPATH_MUTATION_TESTS=test/plan/x.test.ts,test/k8s/y.test.ts runs only those suites: a suite
// that builds its fixtures at describe level makes every mutant "static" (Stryker then runs all
// related suites for each one, minutes per mutant), so a file is measured with the suites that
// judge it inside their tests. The score is then a lower bound of the full configuration's.
const only = (process.env.GLIDEPATH_MUTATION_TESTS ?? '')
  .split(',')
  .map((p) => p.trim())
  .filter((p) => p.length > 0)
  .map((p) => `<rootDir>/${p}`);

module.exports = {
  ...base,
  // The sources are roots too: jest's related-test search (Stryker's enableFindRelatedTests) follows
  // imports only through files in its module map, so with the tests alone as root it found just the
  // suites importing a mutated file directly, and a rule reached through lib/model/validate.ts had
  // no covering test at all.
  roots: ['<rootDir>/test', '<rootDir>/lib', '<rootDir>/constructs'],
  testMatch: only.length > 0 ? only : [
    '<rootDir>/test/plan/**/*.test.ts',
    '<rootDir>/test/model/**/*.test.ts',
    '<rootDir>/test/policy/**/*.test.ts',
    '<rootDir>/test/aws/{alarm-set,dead-mans-switch,rollback-trigger.scenario,deployment-safety-checks}.test.ts',
    '<rootDir>/test/k8s/{analysis-template,argo-analysis,argo-schedule,prometheus-alerts,prometheus-signals,scenarios}.test.ts',
    // Alertmanager routing (amtool), Rollout phase alerts (promtool) and NetworkPolicy reachability.
    '<rootDir>/test/k8s/{alertmanager-routing,paging.scenario,rollout-status-alerts,network-policies,rollback-analysis-blue-green}.test.ts',
  ],
  // Stryker reports progress itself; the timing report would repeat for every mutant, and so would
  // the CPU measurement that feeds it (test/support/cpu-environment.js).
  reporters: ['default'],
  testEnvironment: 'node',
};
