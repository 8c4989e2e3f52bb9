import { MAX_MIGRATION_TIMEOUT, MigrationPhase } from '../migrations';
import { problem, type Problem } from '../problems';
import type { Checkable } from './checkable';
import { checkDuplicates } from './common';

/** Refuses migrations a code rollback would break, and migrations a function workload cannot run. */
export function checkMigrations(def: Checkable, problems: Problem[]): void {
  const migrations = def.migrations ?? [];
  checkDuplicates(
    migrations.map((m) => m.name),
    ['migrations'],
    'name',
    'migration names must be unique',
    problems,
  );
  const image = def.workload?.container?.image;
  migrations.forEach((m, i) => {
    const at = (...rest: PropertyKey[]) => ['migrations', i, ...rest];
    if (m.phase === MigrationPhase.EXPAND && m.backwardCompatible === false) {
      problems.push(
        problem(
          at('backwardCompatible'),
          false,
          'an expand migration runs before the new version takes traffic, and the previous version must keep working on the expanded schema or a code rollback breaks; make it additive (new tables, nullable columns) and move the destructive part to a "contract" migration in a later release',
        ),
      );
    }
    if (m.phase === MigrationPhase.CONTRACT) {
      if (m.codeReleasedIn === undefined) {
        problems.push(
          problem(
            at('codeReleasedIn'),
            undefined,
            'a contract migration removes what older code reads; name the earlier release (image) whose code stopped using it, e.g. "codeReleasedIn: public.ecr.aws/acme/checkout:1.41.0", so the plan can check that a rollback cannot bring that code back',
          ),
        );
      } else if (image !== undefined && m.codeReleasedIn === image) {
        problems.push(
          problem(
            at('codeReleasedIn'),
            m.codeReleasedIn,
            `this release (${image}) is the one that stops using the old schema, so rolling it back brings back code that still needs it; ship this contract migration in a later release, after the rollback window of ${image} has closed`,
          ),
        );
      }
      if (m.backwardCompatible === true) {
        problems.push(
          problem(
            at('backwardCompatible'),
            true,
            'a contract migration removes schema that older code used; if nothing used it, make it an "expand" migration instead',
          ),
        );
      }
    }
    if (def.workload?.function) {
      problems.push(
        problem(
          at('name'),
          m.name,
          'migrations run as one-off container tasks beside a container workload; a function has no cluster to run them in, so run this migration from the service that owns the database',
        ),
      );
    }
    if (m.timeout && (m.timeout.toSeconds() <= 0 || m.timeout.toSeconds() > MAX_MIGRATION_TIMEOUT.toSeconds())) {
      problems.push(
        problem(
          at('timeout'),
          m.timeout.toString(),
          `it must be longer than 0s and at most "${MAX_MIGRATION_TIMEOUT}" (the deployment waits for the migration; split longer migrations or run them as a backfill outside the release)`,
        ),
      );
    }
  });
}
