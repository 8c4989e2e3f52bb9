import { Duration } from '../../model/duration';
import { timeBound } from '../../plan/timing';
import type { RunbookCommand } from '../command';
import type { IncidentProcedure } from './incident-procedure';

/** What the Kubernetes incident procedures name. */
export interface KubernetesIncidentNames {
  readonly namespace: string;
  readonly rollout: string;
  /** The Prometheus HTTP API through the API server's service proxy, e.g. `/api/v1/namespaces/monitoring/services/prometheus-operated:9090/proxy`. */
  readonly prometheusProxy: string;
  /** Selector of the workload's request counter, e.g. `http_requests_total{namespace="checkout-prod",job="checkout"}`. */
  readonly requests: string;
  readonly budget: Duration;
}

/**
 * A canary paused, or its analysis Inconclusive (too few measurements: Argo pauses the Rollout;
 * https://argo-rollouts.readthedocs.io/en/stable/features/analysis/#inconclusive-runs). The
 * question is whether the canary receives routed traffic at all: requests per second by pod
 * template hash (Argo labels canary and stable pods with `rollouts-pod-template-hash`,
 * https://argo-rollouts.readthedocs.io/en/stable/features/specification/) tell a quiet night (both
 * low) from a canary nothing reaches (stable busy, canary 0: routing is broken, nothing was
 * measured, never promote). `status` watches until Healthy or Degraded, so on a Paused rollout it
 * only returns at its --timeout: read it with --watch=false instead.
 */
export function canaryPaused(n: KubernetesIncidentNames): IncidentProcedure {
  const query = `sum by (rollouts_pod_template_hash) (rate(${n.requests}[5m]))`;
  const url = `${n.prometheusProxy}/api/v1/query?query=${encodeURIComponent(query)}`;
  const ro = `${n.rollout} -n ${n.namespace}`;
  return {
    title: 'canary paused or Inconclusive',
    when: `rollout ${n.rollout} is Paused at a canary step, or its analysis ended Inconclusive`,
    commands: [
      {
        description:
          'Read the rollout once (status --watch=false does not block; with a --timeout on a Paused rollout it waits the whole timeout)',
        command: [`kubectl argo rollouts status ${ro} --watch=false`, `kubectl argo rollouts get rollout ${ro}`].join('\n'),
        expected: 'Paused, the step and the canary weight',
      },
      {
        description:
          'Requests per second of canary and stable pods over 5m (by rollouts-pod-template-hash, lowest first: the canary at its small weight)',
        command: [
          `kubectl get --raw "${url}" | jq -r '[.data.result[] | .value[1] | tonumber] | sort | "\\(.[0] // 0) \\(.[-1] // 0)"' > rates.txt`,
          'read -r CANARY_RPS STABLE_RPS < rates.txt',
          'echo "canary $CANARY_RPS req/s, stable $STABLE_RPS req/s"',
        ].join('\n'),
        expected: 'two rates',
      },
      {
        description:
          'Decide: stable has traffic and the canary none = routing is broken and nothing was measured: abort (all traffic stays on stable). Both quiet = a quiet night: leave it paused until traffic returns. Canary has traffic = the analysis lacked requests: promote one step, and the next analysis decides',
        command: [
          'if awk -v c="$CANARY_RPS" -v s="$STABLE_RPS" \'BEGIN { exit !(c == 0 && s > 0) }\'; then',
          `  echo "no routed traffic reaches the canary: aborting"; kubectl argo rollouts abort ${ro}`,
          'elif awk -v c="$CANARY_RPS" \'BEGIN { exit !(c == 0) }\'; then',
          '  echo "quiet: no traffic anywhere; leave the rollout paused until traffic returns"',
          'else',
          `  echo "the canary receives traffic: promoting one step"; kubectl argo rollouts promote ${ro}`,
          'fi',
        ].join('\n'),
        expected: 'which case applied',
      },
      {
        description: 'Read the result once',
        command: `kubectl argo rollouts status ${ro} --watch=false`,
        expected: 'Degraded (aborted: stable serves everything), Paused (left for the morning) or Progressing',
      },
    ],
    bound: timeBound(
      [
        { what: 'read the rollout and the request rates (allowance)', duration: Duration.minutes(2) },
        { what: 'Argo Rollouts moves traffic back to stable (estimate)', duration: Duration.seconds(30) },
      ],
      n.budget,
    ),
    notes: ['A canary that received no traffic has proved nothing: promoting it is releasing unmeasured.'],
  };
}

/** What the Kubernetes failed-migration procedure names. */
export interface KubernetesMigrationNames {
  readonly namespace: string;
  readonly rollout: string;
  /** Path of the manifest the release applied, e.g. `k8s/checkout-prod.k8s.yaml`. */
  readonly manifestPath: string;
  /** Expand migrations (their Jobs run on apply), with the Job's deadline. */
  readonly migrations: readonly { readonly name: string; readonly timeout: Duration }[];
  /** Who owns the database, for the snapshot and the decision to re-run. */
  readonly databaseOwner: string;
  readonly budget: Duration;
}

/**
 * An expand migration Job failed halfway. The Job runs once (`backoffLimit: 0`) and is never
 * retried; its `spec.template` is immutable, so re-applying the same manifest leaves the Failed Job
 * as it is: delete it, then apply to run it anew
 * (https://kubernetes.io/docs/concepts/workloads/controllers/job/). The release's pods wait for the
 * Job in an init container, so the Rollout makes no progress and Argo aborts it at its progress
 * deadline (`progressDeadlineAbort`), leaving stable serving
 * (https://argo-rollouts.readthedocs.io/en/stable/features/specification/); `retry` restarts the
 * aborted update once the migration has run. Rolling back does not undo what the migration applied.
 */
export function kubernetesMigrationFailed(n: KubernetesMigrationNames): IncidentProcedure {
  const ns = `kubectl -n ${n.namespace}`;
  const ro = `${n.rollout} -n ${n.namespace}`;
  const names = n.migrations.map((m) => m.name);
  const longest = longestMigration(n);
  return {
    title: 'migration failed halfway',
    when: `a migration Job of ${n.namespace} Failed: the release's pods wait in their init container and rollout ${n.rollout} stops (Argo aborts it at its progress deadline)`,
    inputs: [{ name: 'MIGRATION', meaning: 'the migration that failed', values: names }],
    commands: [
      ...failedJobSteps(n),
      {
        description:
          'Read the rollout once: Degraded (aborted at its progress deadline) means stable serves, on the schema the migration left; still Progressing or Paused: abort now so that stable keeps serving',
        command: [
          `PHASE=$(kubectl argo rollouts status ${ro} --watch=false | awk '{ print $1 }')`,
          'echo "rollout $PHASE"',
          `case "$PHASE" in Progressing|Paused) kubectl argo rollouts abort ${ro} ;; esac`,
        ].join('\n'),
        expected: 'Degraded, or Progressing/Paused followed by the abort',
      },
      {
        description: `Once the cause is fixed (with ${n.databaseOwner}): delete the Failed Job (its template is immutable, re-applying leaves it Failed), apply the manifest to run it anew, and wait for it; it must be idempotent, as it runs on a schema it changed halfway`,
        command: [
          `${ns} delete job "$JOB"`,
          `kubectl apply --server-side -n ${n.namespace} -f ${n.manifestPath}`,
          `${ns} wait --for=condition=complete job/"$JOB" --timeout=${longest}s`,
        ].join('\n'),
        expected: `job.batch/<job> condition met (a timeout: read its log again and stop here)`,
      },
      {
        description: 'Restart the aborted release: its pods start once the migration completed',
        command: `kubectl argo rollouts retry rollout ${ro}\nkubectl argo rollouts status ${ro} --watch=false`,
        expected: 'Progressing: the release runs its steps again, from the first',
      },
    ],
    bound: timeBound(
      [
        { what: 'read the Job, its log and the rollout (allowance)', duration: Duration.minutes(3) },
        { what: 'the migration Job runs again (its deadline)', duration: Duration.seconds(longest) },
      ],
      n.budget,
    ),
    notes: [
      'Rolling back code does not roll back the database: what the migration applied before it failed stays applied.',
      'Never re-apply with the Failed Job in place expecting a retry: it stays Failed, and the release waits forever.',
    ],
  };
}

/** What the first steps of a failed-migration procedure name, whatever the workload. */
export interface FailedJobNames {
  readonly namespace: string;
  readonly migrations: readonly { readonly name: string; readonly timeout: Duration }[];
  readonly databaseOwner: string;
}

/** The longest deadline of the expand migrations, in seconds. */
export function longestMigration(n: FailedJobNames): number {
  return Math.max(...n.migrations.map((m) => m.timeout.toSeconds()));
}

/**
 * The first steps of every failed-migration procedure on Kubernetes: name the migration, have the
 * database owner take a snapshot, find the Failed Job (sets `JOB`) and read its log.
 */
export function failedJobSteps(n: FailedJobNames): RunbookCommand[] {
  const ns = `kubectl -n ${n.namespace}`;
  const names = n.migrations.map((m) => m.name);
  return [
    {
      description: 'Name the migration that failed',
      command: `MIGRATION=\${MIGRATION:-}; case "$MIGRATION" in ${names.join('|')}) ;; *) echo "set MIGRATION to one of: ${names.join(' ')}" >&2; exit 1 ;; esac`,
    },
    {
      description: `First, before anything else: ${n.databaseOwner} takes a snapshot of the database; the migration may have applied part of its changes, and a retry or a fix builds on what is there`,
      command: 'echo "snapshot taken by the database owner? continue only once it is"',
    },
    {
      description: 'Find its Failed Job and read how far it got (the Job keeps its pod and log)',
      command: [
        `${ns} get jobs -l glidepath.dev/migration="$MIGRATION" -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.status.conditions[*].type}{"\\n"}{end}' > jobs.txt`,
        `JOB=$(awk '{ for (i = 2; i <= NF; i++) if ($i == "Failed") { print $1; exit } }' jobs.txt)`,
        'echo "failed Job: ${JOB:?no Failed Job of migration $MIGRATION (see jobs.txt): not this procedure}"',
        `${ns} logs job/"$JOB" --tail 50`,
      ].join('\n'),
      expected: 'the Job name, then the end of its output: the error and what it applied before it',
    },
  ];
}
