import { baseDefinition, problemsOf } from './support-definition';

// Expand/contract: an expand migration must leave the previous release working (it runs before the
// new version takes traffic), and a contract migration may only remove what a release that can no
// longer come back by rollback stopped using. The image of the base definition is
// public.ecr.aws/acme/checkout:1.0.0.

const IMAGE = 'public.ecr.aws/acme/checkout:1.0.0';
const contract = { name: 'drop-column', phase: 'contract', command: ['migrate', 'contract'] };
const withMigrations = (migrations: unknown[], workload?: unknown) => {
  const d = baseDefinition();
  d.migrations = migrations;
  if (workload) d.workload = workload;
  return problemsOf(d);
};

describe('expand and contract migrations a rollback survives', () => {
  test('an expand migration that breaks the previous release is refused', () => {
    expect(withMigrations([{ name: 'rename', phase: 'expand', command: ['m'], backwardCompatible: false }])).toEqual([
      'migrations[0].backwardCompatible is false; an expand migration runs before the new version takes traffic, and the previous version must keep working on the expanded schema or a code rollback breaks; make it additive (new tables, nullable columns) and move the destructive part to a "contract" migration in a later release',
    ]);
  });

  test('a contract migration must name the release whose code stopped using the schema', () => {
    expect(withMigrations([contract])).toEqual([
      'migrations[0].codeReleasedIn is missing; a contract migration removes what older code reads; name the earlier release (image) whose code stopped using it, e.g. "codeReleasedIn: public.ecr.aws/acme/checkout:1.41.0", so the plan can check that a rollback cannot bring that code back',
    ]);
  });

  test('a contract migration in the very release that stopped using the schema is refused', () => {
    expect(withMigrations([{ ...contract, codeReleasedIn: IMAGE }])).toEqual([
      `migrations[0].codeReleasedIn is "${IMAGE}"; this release (${IMAGE}) is the one that stops using the old schema, so rolling it back brings back code that still needs it; ship this contract migration in a later release, after the rollback window of ${IMAGE} has closed`,
    ]);
  });

  test('a contract migration that calls itself backward compatible is refused', () => {
    expect(withMigrations([{ ...contract, codeReleasedIn: 'public.ecr.aws/acme/checkout:0.9.0', backwardCompatible: true }])).toEqual([
      'migrations[0].backwardCompatible is true; a contract migration removes schema that older code used; if nothing used it, make it an "expand" migration instead',
    ]);
  });

  test('a contract migration that is not backward compatible, of an earlier release, is accepted', () => {
    expect(withMigrations([{ ...contract, codeReleasedIn: 'public.ecr.aws/acme/checkout:0.9.0', backwardCompatible: false }])).toEqual([]);
  });

  test('each migration is reported at its own index', () => {
    expect(withMigrations([{ name: 'add', phase: 'expand', command: ['m'] }, contract])).toEqual([
      expect.stringMatching(/^migrations\[1\]\.codeReleasedIn is missing; /),
    ]);
  });

  test('a migration with no timeout is accepted (the default applies)', () => {
    expect(withMigrations([{ name: 'add', phase: 'expand', command: ['m'] }])).toEqual([]);
  });

  test('migrations on a definition without a workload get the missing workload reported, not a crash', () => {
    const d = baseDefinition();
    delete d.workload;
    d.migrations = [{ name: 'add', phase: 'expand', command: ['m'] }];
    expect(problemsOf(d)).toEqual(['workload is missing; it is required (an object)']);
  });
});
