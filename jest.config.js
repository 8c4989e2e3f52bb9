/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Type-checking happens once in `npm test` (tsc --noEmit); per-file checks cost ~15 s each.
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] },
  testTimeout: 120000,
  // Pins the release commit recorded at synthesis (see test/setup-env.ts).
  setupFiles: ['<rootDir>/test/setup-env.ts'],
};
