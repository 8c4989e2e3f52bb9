/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  // `isolatedModules` in tsconfig.json makes ts-jest transpile only; `npm test` type-checks once with tsc.
  transform: { '^.+\\.ts$': 'ts-jest' },
  testTimeout: 60000,
};
