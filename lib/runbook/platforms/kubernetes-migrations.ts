import { MigrationPhase, type Migration } from '../../model/migrations';
import { expandJobNames, migrationJob, migrationJobName, type MigrationJobSettings } from '../../plan/kubernetes/migration-jobs';
import type { MigrationFact, RunbookFacts } from '../facts';

/** What the migration Jobs' runbook text needs: names and manifests, no constructs. */
export interface KubernetesMigrationsRunbookInput {
  readonly namespace: string;
  readonly migrations: readonly Migration[];
  /** Name of a migration's Job. */
  readonly jobName: (m: Migration) => string;
  /** A migration's Job manifest as plain data (`apiVersion`, `kind`, `metadata`, `spec`). */
  readonly jobManifest: (m: Migration) => unknown;
  /** Jobs the manifest creates (expand migrations). */
  readonly expandJobNames: readonly string[];
}

/** Database migrations as Kubernetes Jobs: expand runs on apply, contract by hand; how to verify each. */
export function kubernetesMigrationsRunbookFacts(input: KubernetesMigrationsRunbookInput): RunbookFacts {
  const ns = `kubectl -n ${input.namespace}`;
  const migrations: MigrationFact[] = input.migrations.map((m) => {
    const job = input.jobName(m);
    const verify = [
      {
        description: `Wait for Job ${job} to complete`,
        command: `${ns} wait --for=condition=complete job/${job} --timeout=${m.timeout.toSeconds()}s`,
        expected: `job.batch/${job} condition met`,
      },
      { description: 'Read its output', command: `${ns} logs job/${job}` },
    ];
    if (m.phase === MigrationPhase.EXPAND) {
      return {
        name: m.name,
        phase: m.phase,
        summary: `Automatic: applying the manifest creates Job \`${job}\` (\`${m.command.join(' ')}\`); the new pods' init container waits for it, so no pod of the release starts before it completes, and a failure holds the rollout until its progress deadline aborts it.`,
        commands: [
          {
            description: 'Follow the migration',
            command: `CONDITIONS=$(${ns} get job ${job} -o jsonpath='{.status.conditions[*].type}'); echo "$CONDITIONS"`,
            expected: 'Complete (Failed: read its logs, fix the cause)',
          },
          {
            // A Failed Job is never retried, and applying the same manifest leaves it as it is.
            description: `If it Failed and the fix is outside the release (data, database access): delete the Job, then apply the manifest again to run it anew (a new image or migration renames the Job by itself)`,
            // Only a Failed Job: deleting a running or completed one would run the migration again.
            command: `case "$CONDITIONS" in *Failed*) ${ns} delete job ${job} ;; *) echo "not failed: keep it" ;; esac`,
            expected: `job.batch "${job}" deleted, or "not failed: keep it"`,
          },
        ],
        verify,
        rollback:
          'stays applied: the previous version runs on the expanded schema (backward compatible); undo it, if ever, with a new migration',
      };
    }
    // One line of JSON in single quotes (kubectl reads JSON too): copyable from an indented block.
    const manifest = JSON.stringify(input.jobManifest(m)).replace(/'/g, `'\\''`);
    return {
      name: m.name,
      phase: m.phase,
      summary: `By hand, after the rollback window: creates Job \`${job}\` (\`${m.command.join(' ')}\`). The code that stopped using the old schema shipped in ${m.codeReleasedIn}; check that no running or rollback-target version is older.`,
      commands: [
        { description: `Create Job ${job}`, command: `echo '${manifest}' | ${ns} apply -f -`, expected: `job.batch/${job} created` },
      ],
      verify,
      rollback: 'cannot be undone by redeploying code: take a database snapshot first; restoring it loses writes made since',
    };
  });
  return {
    migrations,
    resources: input.expandJobNames.map((name) => ({ type: 'Job', name })),
  };
}

/** The runbook facts of the migration Jobs (what `MigrationJobs` in constructs/k8s writes). */
export function migrationJobsRunbookFacts(settings: MigrationJobSettings): RunbookFacts {
  return kubernetesMigrationsRunbookFacts({
    namespace: settings.namespace,
    migrations: settings.migrations,
    jobName: (m) => migrationJobName(settings, m),
    jobManifest: (m) => ({ apiVersion: 'batch/v1', kind: 'Job', ...migrationJob(settings, m) }),
    expandJobNames: expandJobNames(settings),
  });
}
