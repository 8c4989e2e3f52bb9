import { baseDefinition, problemsOf } from './support-definition';

const expand = { name: 'add-column', phase: 'expand', command: ['migrate'] };
const withMigrations = (migrations: unknown[], workload?: unknown) => {
  const d = baseDefinition();
  d.migrations = migrations;
  if (workload) d.workload = workload;
  return problemsOf(d);
};

describe('migrations a release can run and roll back', () => {
  test('a timeout of exactly 14 minutes is accepted; one second more, or none at all, is refused', () => {
    expect(withMigrations([{ ...expand, timeout: '14m' }])).toEqual([]);
    expect(withMigrations([{ ...expand, timeout: '14m1s' }])).toEqual([
      'migrations[0].timeout is "14m1s"; it must be longer than 0s and at most "14m" (the deployment waits for the migration; split longer migrations or run them as a backfill outside the release)',
    ]);
    expect(withMigrations([{ ...expand, timeout: '0s' }])).toEqual([
      expect.stringMatching(/^migrations\[0\]\.timeout is "0s"; it must be longer than 0s and at most "14m"/),
    ]);
  });

  test('an expand migration that says it is backward compatible is accepted', () => {
    expect(withMigrations([{ ...expand, backwardCompatible: true }])).toEqual([]);
  });

  test('two migrations of one name are refused', () => {
    expect(withMigrations([expand, { ...expand, command: ['again'] }])).toEqual([
      expect.stringMatching(/^migrations\[1\]\.name is "add-column"; migration names must be unique/),
    ]);
  });

  test('a contract migration of an earlier release that says nothing about compatibility is accepted', () => {
    expect(
      withMigrations([{ name: 'drop', phase: 'contract', command: ['m'], codeReleasedIn: 'public.ecr.aws/acme/checkout:0.9.0' }]),
    ).toEqual([]);
  });

  test('a function workload has no cluster to run a migration in', () => {
    const fn = { function: { runtime: 'nodejs22.x', handler: 'index.handler', code: 'dist' } };
    expect(withMigrations([expand], fn)).toContain(
      'migrations[0].name is "add-column"; migrations run as one-off container tasks beside a container workload; a function has no cluster to run them in, so run this migration from the service that owns the database',
    );
  });
});
