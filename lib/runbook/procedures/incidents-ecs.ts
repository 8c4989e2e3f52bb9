import { Duration } from '../../model/duration';
import { timeBound } from '../../plan/timing';
import type { AwsCli } from '../aws-cli';
import type { RunbookCommand } from '../command';
import { pollCommand } from '../poll';
import { ecsLevel2 } from './ecs-rollback';
import type { IncidentProcedure } from './incident-procedure';

/** What the ECS incident procedures name. */
export interface EcsIncidentNames {
  readonly aws: AwsCli;
  readonly stack: string;
  readonly cluster: string;
  readonly service: string;
  /** Tasks the service should run when healthy. */
  readonly desiredCount: number;
  readonly deploymentDuration: Duration;
  /** Secrets with rotation, by name. */
  readonly rotatedSecrets: readonly string[];
  /** Migrations with their ECS task family and log group. */
  readonly migrations: readonly { readonly name: string; readonly family: string; readonly logGroup: string; readonly timeout: Duration }[];
  /** Who owns the database, for the snapshot and the decision to re-run. */
  readonly databaseOwner: string;
  /** The budget of a code-level restore, to compare bounds with. */
  readonly budget: Duration;
}

/** Runs a command only when a shell condition holds (indented under `if ...; then`). */
export function when(condition: string, command: string): string {
  return `if ${condition}; then\n${command
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')}\nfi`;
}

/**
 * The dead-man's switch on ECS: nothing reports. Counts tasks, reads the service events and why
 * tasks stopped (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-errors.html),
 * scales back up a service found at 0, and rolls back (level 2) when the tasks of the revision
 * serving now crash at start.
 */
export function ecsDeadMansSwitch(n: EcsIncidentNames): IncidentProcedure {
  const { aws, cluster, service } = n;
  const level2 = ecsLevel2(n);
  const rollback: RunbookCommand[] = [...level2.commands, ...level2.verify].map((c) => ({
    ...c,
    description: `Tasks crash at start: ${c.description.charAt(0).toLowerCase()}${c.description.slice(1)}`,
    command: when('[ "$CRASHING" = yes ]', c.command),
  }));
  return {
    title: "nothing reports (dead-man's switch)",
    when: `the dead-man's switch fires: no metric of ${service} arrived for its window. Every other alarm is blind until this is fixed; treat it as an outage`,
    commands: [
      {
        description: 'Count the tasks and read the newest service events',
        command: [
          `read -r DESIRED RUNNING < <(${aws`ecs describe-services --cluster ${cluster} --services ${service} --query 'services[0].[desiredCount,runningCount]' --output text`})`,
          'echo "desired $DESIRED, running $RUNNING"',
          aws`ecs describe-services --cluster ${cluster} --services ${service} --query 'services[0].events[:5].[createdAt,message]' --output text`,
        ].join('\n'),
        expected: 'running equals desired when the service is up; the events say why not',
      },
      {
        description: 'Read why the last tasks stopped (stop code and reason of up to 5 stopped tasks)',
        command: [
          `STOPPED=$(${aws`ecs list-tasks --cluster ${cluster} --service-name ${service} --desired-status STOPPED --query 'taskArns[:5]' --output text`})`,
          `CRASHING=no; if [ -n "$STOPPED" ] && [ "$STOPPED" != None ]; then ${aws`ecs describe-tasks --cluster ${cluster} --tasks $STOPPED --query 'tasks[].[stopCode,stoppedReason]' --output text`} | tee stopped.txt; grep -q EssentialContainerExited stopped.txt && [ "$RUNNING" = 0 ] && CRASHING=yes; fi`,
          'echo "tasks crash at start: $CRASHING"',
        ].join('\n'),
        expected: 'EssentialContainerExited with the exit reason when the new tasks crash; CRASHING=yes then',
      },
      {
        description: `Scaled to zero (desired 0): restore capacity to ${n.desiredCount} tasks`,
        command: when(
          '[ "$DESIRED" = 0 ]',
          aws`ecs update-service --cluster ${cluster} --service ${service} --desired-count ${n.desiredCount} --query service.desiredCount --output text`,
        ),
        expected: `${n.desiredCount}, or nothing when the service was not scaled to zero`,
      },
      ...rollback,
      {
        description:
          'Tasks run but nothing reports: the metrics pipeline is broken, not the service; every other alarm stays blind until it is fixed',
        command: when(
          '[ "$CRASHING" = no ] && [ "$RUNNING" != 0 ]',
          'echo "the service runs: check the metrics (CloudWatch agent, Container Insights, the alarm\'s metric name)"',
        ),
      },
    ],
    bound: timeBound(
      [
        { what: 'read tasks, events and stop reasons (allowance)', duration: Duration.minutes(2) },
        { what: 'start and health-check tasks of the previous revision (allowance)', duration: Duration.minutes(2) },
        { what: 'shift traffic', duration: Duration.minutes(1) },
      ],
      n.budget,
    ),
  };
}

/**
 * A failed secret rotation on Secrets Manager: the version stages tell where it stopped
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/troubleshoot_rotation.html): AWSPENDING
 * on a new version while AWSCURRENT stayed = it failed before finishSecret and AWSCURRENT still
 * works; AWSCURRENT moved to a value the database refuses = move it back to AWSPREVIOUS. Tasks read
 * secrets at start, so tasks started on either side of the change disagree until replaced.
 */
export function secretRotationFailed(n: EcsIncidentNames): IncidentProcedure {
  const { aws } = n;
  const stage = (label: string) =>
    `$(${aws`secretsmanager list-secret-version-ids --secret-id "$SECRET_ID" --query "Versions[?contains(VersionStages, '${label}')] | [0].VersionId" --output text`})`;
  return {
    title: 'secret rotation failed',
    when: `a rotation of ${n.rotatedSecrets.join(', ')} failed (the rotation function logged an error, or the service fails to authenticate right after a rotation)`,
    inputs: [{ name: 'SECRET_ID', meaning: 'the secret whose rotation failed', values: n.rotatedSecrets }],
    commands: [
      {
        description: 'Name the secret',
        command: `SECRET_ID=\${SECRET_ID:-}; case "$SECRET_ID" in ${n.rotatedSecrets.join('|')}) ;; *) echo "set SECRET_ID to one of: ${n.rotatedSecrets.join(' ')}" >&2; exit 1 ;; esac`,
      },
      {
        description: 'Read the rotation state and the version stages',
        command: aws`secretsmanager describe-secret --secret-id "$SECRET_ID" --query '{rotation: RotationEnabled, last: LastRotatedDate, next: NextRotationDate, stages: VersionIdsToStages}'`,
        expected: 'JSON: one version AWSCURRENT; a second with AWSPENDING only means a rotation stopped halfway',
      },
      {
        description: "Read the rotation function's log: the step that failed (createSecret, setSecret, testSecret, finishSecret) and why",
        command: [
          `FUNCTION=$(${aws`secretsmanager describe-secret --secret-id "$SECRET_ID" --query RotationLambdaARN --output text`})`,
          aws`logs tail "/aws/lambda/\${FUNCTION##*:}" --since 2h --filter-pattern ERROR`,
        ].join('\n'),
        expected: 'the failing step and its error',
      },
      {
        description: 'Find the versions that hold AWSCURRENT, AWSPENDING and AWSPREVIOUS',
        command: [
          `CURRENT=${stage('AWSCURRENT')}`,
          `PENDING=${stage('AWSPENDING')}`,
          `PREVIOUS=${stage('AWSPREVIOUS')}`,
          'echo "current $CURRENT, pending $PENDING, previous $PREVIOUS"',
        ].join('\n'),
        expected: 'three version ids (None where no version has the label)',
      },
      {
        description:
          'Stopped halfway (AWSPENDING on another version than AWSCURRENT): AWSCURRENT still holds the working value; remove AWSPENDING so the next rotation starts clean',
        command: when(
          '[ "$PENDING" != None ] && [ "$PENDING" != "$CURRENT" ]',
          aws`secretsmanager update-secret-version-stage --secret-id "$SECRET_ID" --version-stage AWSPENDING --remove-from-version-id "$PENDING" --output text`,
        ),
        expected: 'the secret name and ARN, or nothing',
      },
      {
        description:
          'Finished with a value the database refuses (set ROLLBACK_CURRENT=yes after reading the log): move AWSCURRENT back to the previous version',
        command: when(
          '[ "${ROLLBACK_CURRENT:-no}" = yes ] && [ "$PREVIOUS" != None ]',
          aws`secretsmanager update-secret-version-stage --secret-id "$SECRET_ID" --version-stage AWSCURRENT --move-to-version-id "$PREVIOUS" --remove-from-version-id "$CURRENT"`,
        ),
      },
      {
        description: `Tasks read the secret when they start: after AWSCURRENT moved, replace the tasks of ${n.service} so none keeps the other value`,
        command: when(
          '[ "${ROLLBACK_CURRENT:-no}" = yes ]',
          aws`ecs update-service --cluster ${n.cluster} --service ${n.service} --force-new-deployment --query service.serviceName --output text`,
        ),
      },
      {
        description: 'Check: one version AWSCURRENT, none left AWSPENDING on its own',
        command: aws`secretsmanager describe-secret --secret-id "$SECRET_ID" --query VersionIdsToStages`,
        expected: 'JSON: AWSCURRENT on the working version; fix the cause in the log before rotating again (rotate-secret)',
      },
    ],
    bound: timeBound(
      [
        { what: 'read the stages and the rotation log (allowance)', duration: Duration.minutes(3) },
        { what: 'move the staging labels', duration: Duration.seconds(30) },
      ],
      n.budget,
    ),
    notes: [
      `Rotating again before the cause is fixed fails the same way; the database owner (${n.databaseOwner}) confirms which password the database accepts.`,
    ],
  };
}

/**
 * A migration failed halfway on ECS: the stack rolled back (or stopped in UPDATE_ROLLBACK_FAILED,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/troubleshooting.html#troubleshooting-errors-update-rollback-failed),
 * but a rollback does not undo the schema changes the migration made before it failed.
 */
export function ecsMigrationFailed(n: EcsIncidentNames): IncidentProcedure {
  const { aws, stack } = n;
  const names = n.migrations.map((m) => m.name);
  const family = (m: (typeof n.migrations)[number]) => m.family;
  return {
    title: 'migration failed halfway',
    when: `a migration task exited non-zero during \`cdk deploy\` or the pipeline; ${stack} rolled back or stopped in UPDATE_ROLLBACK_FAILED`,
    inputs: [{ name: 'MIGRATION', meaning: 'the migration that failed', values: names }],
    commands: [
      {
        description: 'Name the migration that failed',
        command: [
          `MIGRATION=\${MIGRATION:-}; case "$MIGRATION" in ${names.join('|')}) ;; *) echo "set MIGRATION to one of: ${names.join(' ')}" >&2; exit 1 ;; esac`,
          `case "$MIGRATION" in ${n.migrations.map((m) => `${m.name}) FAMILY=${family(m)}; LOGS=${m.logGroup} ;;`).join(' ')} esac`,
        ].join('\n'),
      },
      {
        description: `First, before anything else: ${n.databaseOwner} takes a snapshot of the database; the migration may have applied part of its changes, and a retry or a fix builds on what is there`,
        command: 'echo "snapshot taken by the database owner? continue only once it is"',
      },
      {
        description: 'Read the stack state and what failed',
        command: [
          `STATUS=$(${aws`cloudformation describe-stacks --stack-name ${stack} --query 'Stacks[0].StackStatus' --output text`})`,
          'echo "stack $STATUS"',
          aws`cloudformation describe-stack-events --stack-name ${stack} --query "StackEvents[?ends_with(ResourceStatus, 'FAILED')] | [:5].[LogicalResourceId,ResourceStatus,ResourceStatusReason]" --output text`,
        ].join('\n'),
        expected: 'UPDATE_ROLLBACK_COMPLETE (the stack is back on the previous release) or UPDATE_ROLLBACK_FAILED',
      },
      {
        description: "Read the migration's output: how far it got",
        command: aws`logs tail "$LOGS" --since 2h`,
      },
      {
        description: 'Stopped in UPDATE_ROLLBACK_FAILED: let CloudFormation finish the rollback, and wait for it (up to 10m)',
        command: when(
          '[ "$STATUS" = UPDATE_ROLLBACK_FAILED ]',
          [
            aws`cloudformation continue-update-rollback --stack-name ${stack}`,
            pollCommand({
              check: aws`cloudformation describe-stacks --stack-name ${stack} --query 'Stacks[0].StackStatus' --output text`,
              until: 'UPDATE_ROLLBACK_COMPLETE',
              timeout: Duration.minutes(10),
              what: `${stack} did not finish its rollback`,
            }),
          ].join('\n'),
        ),
        expected: 'UPDATE_ROLLBACK_COMPLETE: the previous release serves, on the schema the migration left',
      },
      rerunEcsMigration(n),
    ],
    bound: timeBound(
      [
        { what: 'read the stack events and the migration log (allowance)', duration: Duration.minutes(3) },
        { what: 'CloudFormation finishes the rollback (allowance)', duration: Duration.minutes(5) },
        { what: 'the migration task starts and runs (allowance)', duration: Duration.minutes(3) },
      ],
      n.budget,
    ),
    notes: [
      'Rolling back code does not roll back the database: what the migration applied before it failed stays applied.',
      'Deploy again only after the migration succeeded by hand or the change was fixed: the next deployment runs it again.',
    ],
  };
}

/**
 * Re-runs the failed migration's task definition ($FAMILY) by hand in the service's network and
 * waits for it to stop; shared by the CloudFormation and Pulumi failed-migration procedures.
 */
export function rerunEcsMigration(n: EcsIncidentNames): RunbookCommand {
  const { aws, cluster, service } = n;
  return {
    description: `Once the cause is fixed (with ${n.databaseOwner}): re-run the migration by hand; it must be idempotent, as it runs on a schema it changed halfway`,
    command: [
      `NETWORK=$(${aws`ecs describe-services --cluster ${cluster} --services ${service} --query 'services[0].networkConfiguration' --output json`})`,
      `TASK=$(${aws`ecs run-task --cluster ${cluster} --task-definition "$FAMILY" --launch-type FARGATE --network-configuration "$NETWORK" --started-by glidepath-retry --query 'tasks[0].taskArn' --output text`})`,
      pollCommand({
        check: aws`ecs describe-tasks --cluster ${cluster} --tasks "$TASK" --query 'tasks[0].lastStatus' --output text`,
        until: 'STOPPED',
        timeout: Duration.minutes(12),
        what: 'the migration task did not stop',
      }),
      `[ "$(${aws`ecs describe-tasks --cluster ${cluster} --tasks "$TASK" --query 'tasks[0].containers[0].exitCode' --output text`})" = 0 ] && echo "migration $MIGRATION applied" || { echo "the migration failed again: read $LOGS" >&2; exit 1; }`,
    ].join('\n'),
    expected: 'migration applied',
  };
}
