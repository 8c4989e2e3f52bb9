import type { Delivery } from '../../model/delivery';
import { Duration } from '../../model/duration';
import { timeBound } from '../../plan/timing';
import { awsCli } from '../aws-cli';
import type { RunbookCommand, RunbookFacts } from '../facts';
import type { PipelineFacts, PipelineStageFact } from '../pipeline-facts';
import { rollBackThroughPipeline, stopRelease } from '../procedures/pipeline';

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
  /**
   * Name of the manual approval action of each approval stage, by stage name: CDK Pipelines names
   * an approval between change set and execution `<stack>.Approve`, one before a wave `Approve`.
   */
  readonly approveActions: Readonly<Record<string, string>>;
  /** Service name: stacks are `<service>-<environment>`, deployed by action `<stack>.Deploy`. @default - the pipeline name without "-pipeline" */
  readonly service?: string;
}

/** The delivery pipeline: how to follow, approve, retry, stop and roll back a release (its own runbook). */
export function deliveryPipelineRunbookFacts(input: DeliveryPipelineRunbookInput): RunbookFacts {
  const name = input.pipelineName;
  const aws = awsCli(input.region);
  const approvals = input.stages.filter((s) => s.approval);
  // The approval belongs to the execution holding the stage: show its commit and approve that one (issue 25 item 4).
  const approve: RunbookCommand[] = approvals.flatMap((s) => [
    {
      description: `Read which execution waits for approval in stage ${s.name}, its token and the commit it releases`,
      command: [
        `read -r HOLDER TOKEN < <(${aws`codepipeline get-pipeline-state --name ${name} --query "stageStates[?stageName=='${s.name}'] | [0].[latestExecution.pipelineExecutionId, actionStates[?actionName=='${input.approveActions[s.name]}'] | [0].latestExecution.token]" --output text`})`,
        `[ "$TOKEN" != None ] || { echo "no approval waits in stage ${s.name}" >&2; exit 1; }`,
        `echo "$HOLDER releases $(${aws`codepipeline get-pipeline-execution --pipeline-name ${name} --pipeline-execution-id "$HOLDER" --query 'pipelineExecution.artifactRevisions[0].revisionId' --output text`})"`,
      ].join('\n'),
      expected: 'the execution, and the commit you are about to approve',
    },
    {
      description: `Approve that execution's release of ${s.environments.join(', ')} with its own token (use status=Rejected to stop this release here)`,
      command: aws`codepipeline put-approval-result --pipeline-name ${name} --stage-name ${s.name} --action-name ${input.approveActions[s.name]} --result "summary=Reviewed and approved,status=Approved" --token "$TOKEN" --output text`,
      expected: 'an approvedAt timestamp',
    },
  ]);
  const last = input.stages[input.stages.length - 1];
  const service = input.service ?? name.replace(/-pipeline$/, '');
  const pipelineNames = {
    aws,
    pipeline: name,
    approvalStage: last?.name ?? 'prod',
    approvalAction: last ? input.approveActions[last.name] : undefined,
    toApproval: Duration.minutes(15 + 7 * Math.max(0, input.stages.length - 1)),
  };
  const facts: PipelineFacts = {
    pipelineName: name,
    workingDirectory: `a clone of ${input.delivery.repository} on branch ${input.delivery.branch}`,
    prerequisites: [
      'AWS CLI v2 with credentials for the pipeline account',
      'git with push access to the branch',
      'GitHub CLI (`gh`), when the branch is protected: a revert goes through a pull request',
    ],
    source: `${input.delivery.repository}@${input.delivery.branch}`,
    stages: input.stages,
    failureTopic: input.topicName,
    follow: [
      {
        description: 'Start a release of the branch head by hand',
        command: aws`codepipeline start-pipeline-execution --name ${name} --output text`,
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
        command: aws`codepipeline retry-stage-execution --pipeline-name ${name} --stage-name "$STAGE" --pipeline-execution-id "$EXECUTION_ID" --retry-mode FAILED_ACTIONS --output text`,
        expected: 'the same pipelineExecutionId',
      },
    ],
    rollback: rollBackThroughPipeline(pipelineNames, `${service}-${last?.environments[0] ?? 'prod'}.Deploy`),
    stop: stopRelease(pipelineNames),
    bounds: {
      rollback: timeBound(
        [
          { what: 'the pipeline builds the revert (allowance)', duration: Duration.minutes(15) },
          {
            what: `each stage deploys and smoke-tests it (allowance 7m each, ${input.stages.length} stages)`,
            duration: Duration.minutes(7 * input.stages.length),
          },
        ],
        Duration.minutes(15),
      ),
      stop: timeBound(
        [{ what: 'hold the production stage and stop the executions in progress (allowance)', duration: Duration.minutes(1) }],
        Duration.minutes(5),
      ),
    },
  };
  return {
    pipeline: facts,
    resources: [
      { type: 'AWS::CodePipeline::Pipeline', name },
      { type: 'AWS::Events::Rule', name: `${name}-failed` },
    ],
  };
}
