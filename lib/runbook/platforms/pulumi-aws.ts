import { Duration } from '../../model/duration';
import type { SmokeTests } from '../../model/smoke-tests';
import { timeBound } from '../../plan/timing';
import { renderSmokeTestsFile } from '../../smoke/file';
import type { RunbookCommand } from '../command';
import { rerunEcsMigration, type EcsIncidentNames } from '../procedures/incidents-ecs';
import type { IncidentProcedure } from '../procedures/incident-procedure';

/**
 * The newest update of a Pulumi stack, as `jq` reads `pulumi stack history --json` (newest first;
 * a `refresh` is an entry of its own, without the program's commit, so the filter skips it):
 * https://www.pulumi.com/docs/iac/cli/commands/pulumi_stack_history/
 */
export const LAST_UPDATE = '[.[] | select(.kind == "update")][0]';

/** "What changed?" on a Pulumi stack: its updates, newest first, with their result and commit. */
export function pulumiStackUpdates(stack: string): RunbookCommand {
  return {
    description: 'Stack updates (a release, a refresh, or an update by hand), newest first',
    command: `pulumi stack history --stack ${stack} --page-size 5 --json | jq -r '.[] | [.startTime, .kind, .result, (.environment["git.head"] // "-")] | @tsv'`,
    expected: 'the newest updates with their time, result and the commit they were run from',
  };
}

/**
 * A migration failed during `pulumi up`. The migration runs as an `aws.lambda.Invocation` the
 * service update depends on (constructs/pulumi/private/migrations.ts), so the update fails before
 * the service changes; Pulumi rolls nothing back (resources it already changed in that update stay
 * changed, https://www.pulumi.com/docs/iac/concepts/how-pulumi-works/), and neither does the
 * database: what the migration applied before it failed stays applied.
 */
export function pulumiMigrationFailed(n: EcsIncidentNames, stack: string): IncidentProcedure {
  const { aws, cluster, service } = n;
  const names = n.migrations.map((m) => m.name);
  return {
    title: 'migration failed halfway',
    when: `a migration task exited non-zero during \`pulumi up\` of stack ${stack}; the update failed before the ECS service changed, so the previous revision still serves`,
    inputs: [{ name: 'MIGRATION', meaning: 'the migration that failed', values: names }],
    commands: [
      {
        description: 'Name the migration that failed',
        command: [
          `MIGRATION=\${MIGRATION:-}; case "$MIGRATION" in ${names.join('|')}) ;; *) echo "set MIGRATION to one of: ${names.join(' ')}" >&2; exit 1 ;; esac`,
          `case "$MIGRATION" in ${n.migrations.map((m) => `${m.name}) FAMILY=${m.family}; LOGS=${m.logGroup} ;;`).join(' ')} esac`,
        ].join('\n'),
      },
      {
        description: `First, before anything else: ${n.databaseOwner} takes a snapshot of the database; the migration may have applied part of its changes, and a retry or a fix builds on what is there`,
        command: 'echo "snapshot taken by the database owner? continue only once it is"',
      },
      {
        description: 'Read the result of the last update of the stack',
        command: `pulumi stack history --stack ${stack} --page-size 5 --json | jq -r '${LAST_UPDATE} | "update \\(.result)"'`,
        expected: 'update failed (the migration stopped it; the service was not updated)',
      },
      {
        description: 'The service still runs the previous revision on all its tasks',
        command: aws`ecs describe-services --cluster ${cluster} --services ${service} --query 'services[0].[taskDefinition,runningCount,desiredCount]' --output text`,
        expected: `the revision of the previous release, ${n.desiredCount} running of ${n.desiredCount} desired`,
      },
      {
        description: "Read the migration's output: how far it got",
        command: aws`logs tail "$LOGS" --since 2h`,
      },
      rerunEcsMigration(n),
    ],
    bound: timeBound(
      [
        { what: 'read the stack history and the migration log (allowance)', duration: Duration.minutes(3) },
        { what: 'the migration task starts and runs (allowance)', duration: Duration.minutes(3) },
      ],
      n.budget,
    ),
    notes: [
      'Rolling back code does not roll back the database: what the migration applied before it failed stays applied.',
      `Run \`pulumi up --stack ${stack} --yes\` again only after the migration succeeded by hand or the change was fixed: the update runs it again before the service changes.`,
    ],
  };
}

/**
 * Writes the definition's smoke tests (the `glidepath smoke-test --config` format) to a temporary
 * file, `$SMOKE_TESTS`: a Pulumi project holds no synthesized files, so the runbook carries them.
 */
export function pulumiSmokeTestsFile(tests: SmokeTests): RunbookCommand {
  const json = JSON.stringify(JSON.parse(renderSmokeTestsFile(tests)));
  return {
    description: 'Write the smoke tests of the definition to a temporary file (a Pulumi project holds no synthesized files)',
    command: `SMOKE_TESTS=$(mktemp) && printf '%s\\n' '${json.replace(/'/g, `'\\''`)}' > "$SMOKE_TESTS"`,
    expected: 'SMOKE_TESTS names the file',
  };
}
