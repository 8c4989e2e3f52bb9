import type { Delivery } from '../../model/delivery';
import { awsCli } from '../aws-cli';
import type { RunbookCommand, RunbookFacts } from '../facts';
import type { PipelineFacts, PipelineStageFact } from '../pipeline-facts';

/** What the pipeline's runbook text needs: names and stages, no constructs. */
export interface DeliveryPipelineRunbookInput {
  /** Region of the pipeline, when literal. @default - `"$AWS_REGION"` in commands */
  readonly region?: string;
  readonly pipelineName: string;
  readonly delivery: Pick<Delivery, 'repository' | 'branch'>;
  /** The stages in release order. */
  readonly stages: readonly PipelineStageFact[];
  /** Topic told when an execution fails. @default - none */
  readonly topicName?: string;
  /** Name of the manual approval action in each approval stage. */
  readonly approveAction: string;
}

/** The delivery pipeline: how to follow, approve, retry, stop and roll back a release (its own runbook). */
export function deliveryPipelineRunbookFacts(input: DeliveryPipelineRunbookInput): RunbookFacts {
  const name = input.pipelineName;
  const aws = awsCli(input.region);
  const execution = `EXECUTION_ID=$(${aws`codepipeline list-pipeline-executions --pipeline-name ${name} --max-items 1 --query 'pipelineExecutionSummaries[0].pipelineExecutionId' --output text`})`;
  const approvals = input.stages.filter((s) => s.approval);
  const token = (stage: string) =>
    `TOKEN=$(${aws`codepipeline get-pipeline-state --name ${name} --query "stageStates[?stageName=='${stage}'].actionStates[] | [?actionName=='${input.approveAction}'].latestExecution.token" --output text`})`;
  const approve: RunbookCommand[] = approvals.flatMap((s) => [
    {
      description: `Read the approval token of stage ${s.name}`,
      command: token(s.name),
      expected: 'TOKEN holds a UUID (empty when no approval is waiting)',
    },
    {
      description: `Approve ${s.environments.join(', ')} (use status=Rejected to stop the release here)`,
      command: aws`codepipeline put-approval-result --pipeline-name ${name} --stage-name ${s.name} --action-name ${input.approveAction} --result "summary=Reviewed and approved,status=Approved" --token "$TOKEN"`,
      expected: 'an approvedAt timestamp',
    },
  ]);
  const facts: PipelineFacts = {
    pipelineName: name,
    workingDirectory: `a clone of ${input.delivery.repository} on branch ${input.delivery.branch}`,
    prerequisites: ['AWS CLI v2 with credentials for the pipeline account', 'git with push access to the branch'],
    source: `${input.delivery.repository}@${input.delivery.branch}`,
    stages: input.stages,
    failureTopic: input.topicName,
    follow: [
      {
        description: 'Start a release of the branch head by hand',
        command: aws`codepipeline start-pipeline-execution --name ${name}`,
        expected: 'a pipelineExecutionId',
      },
      {
        description: 'Show where the latest release is',
        command: aws`codepipeline get-pipeline-state --name ${name} --query 'stageStates[].[stageName,latestExecution.status]' --output table`,
        expected: 'each stage with Succeeded, InProgress or Failed',
      },
    ],
    approve,
    retry: [
      {
        description: 'Find the failed stage and its execution',
        command: `read -r STAGE EXECUTION_ID < <(${aws`codepipeline get-pipeline-state --name ${name} --query "stageStates[?latestExecution.status=='Failed'] | [0].[stageName,latestExecution.pipelineExecutionId]" --output text`})`,
        expected: `STAGE holds one of ${input.stages.map((s) => s.name).join(', ')} (or Build, UpdatePipeline, Assets)`,
      },
      {
        description: 'Retry only the actions that failed in that stage',
        command: aws`codepipeline retry-stage-execution --pipeline-name ${name} --stage-name "$STAGE" --pipeline-execution-id "$EXECUTION_ID" --retry-mode FAILED_ACTIONS`,
        expected: 'the same pipelineExecutionId',
      },
    ],
    rollback: [
      {
        description:
          'Stop the running execution first, so it does not deploy the bad commit further (see "Stop a release" below for the commands)',
        command: `read -r EXECUTION_ID STATUS RELEASE_COMMIT < <(${aws`codepipeline list-pipeline-executions --pipeline-name ${name} --max-items 1 --query 'pipelineExecutionSummaries[0].[pipelineExecutionId,status,sourceRevisions[0].revisionId]' --output text`}) && echo "$EXECUTION_ID $STATUS $RELEASE_COMMIT"`,
        expected: 'the latest execution, its status and the commit it releases (RELEASE_COMMIT); stop it if InProgress',
      },
      {
        description: `Roll each affected environment back with its own runbook (level 1 or 2 restores service in minutes), then revert the release commit on ${input.delivery.branch} and push: the pipeline releases the revert through every stage, with the same approvals and smoke tests`,
        command: `git revert --no-edit "$RELEASE_COMMIT" && git push origin HEAD:${input.delivery.branch}`,
        expected: 'a new execution starts for the revert commit',
      },
      {
        description: 'Follow the revert through the stages',
        command: aws`codepipeline get-pipeline-state --name ${name} --query 'stageStates[].[stageName,latestExecution.status]' --output table`,
        expected: 'every stage Succeeded for the revert commit',
      },
    ],
    stop: [
      { description: 'Find the latest execution', command: execution, expected: 'EXECUTION_ID holds an execution id' },
      {
        description:
          'Stop it now, abandoning running actions (a stack update already running still finishes or rolls back in CloudFormation)',
        command: aws`codepipeline stop-pipeline-execution --pipeline-name ${name} --pipeline-execution-id "$EXECUTION_ID" --abandon --reason "Stopped by the release owner"`,
        expected: 'the pipelineExecutionId',
      },
      ...input.stages.slice(-1).flatMap((s) => [
        {
          description: `Hold every later release before ${s.name}`,
          command: aws`codepipeline disable-stage-transition --pipeline-name ${name} --stage-name ${s.name} --transition-type Inbound --reason "Release on hold"`,
        },
        {
          description: 'Release the hold',
          command: aws`codepipeline enable-stage-transition --pipeline-name ${name} --stage-name ${s.name} --transition-type Inbound`,
        },
      ]),
    ],
  };
  return {
    pipeline: facts,
    resources: [
      { type: 'AWS::CodePipeline::Pipeline', name },
      { type: 'AWS::Events::Rule', name: `${name}-failed` },
    ],
  };
}
