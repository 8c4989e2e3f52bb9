import { Duration } from '../../model/duration';
import { MigrationPhase, type Migration } from '../../model/migrations';
import { awsCli } from '../aws-cli';
import type { RunbookCommand, RunbookFacts } from '../facts';
import { pollCommand } from '../poll';

/** What the ECS migration's runbook text needs: names, no constructs. */
export interface EcsMigrationRunbookInput {
  /** AWS region of the stack, when literal. @default - `"$AWS_REGION"` in commands */
  readonly region?: string;
  readonly migration: Migration;
  readonly clusterName: string;
  /** ECS service whose network configuration the task reuses. */
  readonly serviceName: string;
  /** Task definition family of the migration. */
  readonly family: string;
  readonly logGroupName: string;
}

/** A database migration run as an ECS task: automatic (expand) or by hand (contract), how to verify it, what a rollback means. */
export function ecsMigrationRunbookFacts(input: EcsMigrationRunbookInput): RunbookFacts {
  const props = input;
  const m = props.migration;
  const cluster = props.clusterName;
  const aws = awsCli(input.region);
  // The task's own timeout plus time to pull the image and start.
  const waitFor = m.timeout.plus(Duration.minutes(2));
  const run: RunbookCommand[] = [
    {
      description: 'Reuse the network configuration of the service',
      command: `NETWORK=$(${aws`ecs describe-services --cluster ${cluster} --services ${props.serviceName} --query 'services[0].networkConfiguration' --output json`})`,
      expected: 'NETWORK holds the subnets and security groups',
    },
    {
      description: `Start migration ${m.name}`,
      command: `TASK=$(${aws`ecs run-task --cluster ${cluster} --task-definition ${props.family} --launch-type FARGATE --network-configuration "$NETWORK" --started-by glidepath-${m.phase} --query 'tasks[0].taskArn' --output text`})`,
      expected: 'TASK holds the task ARN',
    },
  ];
  const verify: RunbookCommand[] = [
    {
      description: `Wait for the task to stop (polls up to ${waitFor}: its ${m.timeout} timeout plus 2m to start; \`aws ecs wait tasks-stopped\` gives up after 10m)`,
      command: pollCommand({
        check: aws`ecs describe-tasks --cluster ${cluster} --tasks "$TASK" --query 'tasks[0].lastStatus' --output text`,
        until: 'STOPPED',
        timeout: waitFor,
        what: 'the migration task did not stop',
      }),
    },
    {
      description: 'Read its exit code',
      command: aws`ecs describe-tasks --cluster ${cluster} --tasks "$TASK" --query 'tasks[0].containers[0].exitCode' --output text`,
      expected: '0',
    },
    { description: 'Read its output', command: aws`logs tail ${input.logGroupName} --since 1h` },
  ];
  const command = m.command.join(' ');
  const fact =
    m.phase === MigrationPhase.EXPAND
      ? {
          name: m.name,
          phase: m.phase,
          summary: `Automatic: \`cdk deploy\` runs \`${command}\` as ECS task \`${props.family}\` before the service update and waits up to ${m.timeout} for exit code 0; a failure rolls the stack back before any new task starts. To re-run it by hand (it must be idempotent):`,
          commands: run,
          verify,
          rollback:
            'stays applied: the previous version runs on the expanded schema (backward compatible); undo it, if ever, with a new migration',
        }
      : {
          name: m.name,
          phase: m.phase,
          summary: `By hand, after the rollback window: runs \`${command}\` as ECS task \`${props.family}\`. The code that stopped using the old schema shipped in ${m.codeReleasedIn}; check that no running or rollback-target version is older.`,
          commands: run,
          verify,
          rollback: 'cannot be undone by redeploying code: take a database snapshot first; restoring it loses writes made since',
        };
  return {
    migrations: [fact],
    resources: [
      { type: 'AWS::ECS::TaskDefinition', name: props.family },
      { type: 'AWS::Logs::LogGroup', name: input.logGroupName },
    ],
  };
}
