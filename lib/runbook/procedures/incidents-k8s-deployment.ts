import { Duration } from '../../model/duration';
import { timeBound } from '../../plan/timing';
import type { IncidentProcedure } from './incident-procedure';
import { failedJobSteps, longestMigration, type FailedJobNames } from './incidents-k8s';

/** What the failed-migration procedure of a plain Deployment names. */
export interface DeploymentMigrationNames extends FailedJobNames {
  readonly deployment: string;
  /** Path of the manifest the release applied, e.g. `k8s/checkout-dev.k8s.yaml`. */
  readonly manifestPath: string;
  /** The Deployment's `progressDeadlineSeconds`. */
  readonly progressDeadline: Duration;
  readonly budget: Duration;
}

/**
 * An expand migration Job failed halfway under a plain Deployment (rolling update, no Argo). The
 * Job runs once and is never retried, and its `spec.template` is immutable: delete it, then apply
 * the manifest to run it anew (https://kubernetes.io/docs/concepts/workloads/controllers/job/). The
 * release's pods wait for it in an init container, so the rollout stalls; at the progress deadline
 * Kubernetes only marks it failed (`Progressing` False, `ProgressDeadlineExceeded`) and "takes no
 * action on a stalled Deployment other than to report a status condition"
 * (https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#failed-deployment): the
 * old ReplicaSet's pods serve as far as `maxUnavailable` let them stay (rounded down; `Recreate`
 * keeps none, https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#max-unavailable).
 * When capacity is short, `rollout undo` brings the previous revision back at full size first. The
 * undo changes the pod template outside the manifest, so the server-side apply that takes it back
 * must force the conflict with the undo's field manager
 * (https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts). Without an undo the
 * stuck pods' init containers are retried with a back-off of up to five minutes
 * (https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-restarts):
 * `rollout restart` replaces them with pods that find the migration complete at once.
 */
export function deploymentMigrationFailed(n: DeploymentMigrationNames): IncidentProcedure {
  const ns = `kubectl -n ${n.namespace}`;
  const deploy = `deployment/${n.deployment}`;
  const deadline = n.progressDeadline.toSeconds();
  const longest = longestMigration(n);
  return {
    title: 'migration failed halfway',
    when: `a migration Job of ${n.namespace} Failed: the release's pods wait in their init container and Deployment ${n.deployment} stops rolling (at its ${n.progressDeadline} progress deadline it is only marked failed)`,
    inputs: [{ name: 'MIGRATION', meaning: 'the migration that failed', values: n.migrations.map((m) => m.name) }],
    commands: [
      ...failedJobSteps(n),
      {
        description:
          'Read the Deployment: pods wanted, available, and on the new revision. Fewer available than wanted (maxUnavailable or Recreate removed old pods): roll back one revision so that the previous version serves at full capacity, on the expanded schema it is compatible with',
        command: [
          `${ns} get deployment ${n.deployment} -o json | jq -r '"\\(.spec.replicas) \\(.status.availableReplicas // 0) \\(.status.updatedReplicas // 0)"' > deployment.txt`,
          'read -r WANTED AVAILABLE UPDATED < deployment.txt',
          `echo "Deployment ${n.deployment}: $AVAILABLE of $WANTED pods available, $UPDATED on the new revision"`,
          `if [ "$AVAILABLE" -lt "$WANTED" ]; then ${ns} rollout undo ${deploy} && ${ns} rollout status ${deploy} --timeout=${deadline}s; fi`,
        ].join('\n'),
        expected: 'all wanted pods available (the old pods serve), or the undo rolled out',
      },
      {
        description: `Once the cause is fixed (with ${n.databaseOwner}): delete the Failed Job (its template is immutable, re-applying leaves it Failed), apply the manifest to run it anew (taking back the template an undo changed), and wait for it; it must be idempotent, as it runs on a schema it changed halfway`,
        command: [
          `${ns} delete job "$JOB"`,
          `kubectl apply --server-side --force-conflicts -n ${n.namespace} -f ${n.manifestPath}`,
          `${ns} wait --for=condition=complete job/"$JOB" --timeout=${longest}s`,
        ].join('\n'),
        expected: 'job.batch/<job> condition met (a timeout: read its log again and stop here)',
      },
      {
        description:
          "Finish the release: replace the pods stuck in their init container's back-off (up to 5m) with pods that find the migration complete (after an undo, the apply started them already: the restart only replaces them once more), then wait for the rollout",
        command: [`${ns} rollout restart ${deploy}`, `${ns} rollout status ${deploy} --timeout=${deadline}s`].join('\n'),
        expected: `deployment "${n.deployment}" successfully rolled out`,
      },
    ],
    bound: timeBound(
      [
        { what: 'read the Job, its log and the Deployment (allowance)', duration: Duration.minutes(3) },
        { what: 'roll back one revision, when capacity was short (estimate)', duration: Duration.minutes(2) },
        { what: 'the migration Job runs again (its deadline)', duration: Duration.seconds(longest) },
        { what: 'the pods of the release start and pass their readiness probe (estimate)', duration: Duration.minutes(2) },
      ],
      n.budget,
    ),
    notes: [
      'Rolling back code does not roll back the database: what the migration applied before it failed stays applied.',
      'Never re-apply with the Failed Job in place expecting a retry: it stays Failed, and the release waits forever.',
    ],
  };
}
