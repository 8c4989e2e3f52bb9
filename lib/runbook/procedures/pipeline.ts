import { Duration } from '../../model/duration';
import type { AwsCli } from '../aws-cli';
import type { RunbookCommand } from '../command';
import { pollCommand } from '../poll';

/** What the pipeline procedures name. */
export interface PipelineNames {
  readonly aws: AwsCli;
  readonly pipeline: string;
  /** The stage that holds the human approval (action `Approve`) and deploys production. */
  readonly approvalStage: string;
  /** How long an execution can take from source to the approval: the wait before approving. */
  readonly toApproval: Duration;
  /** Whether the stage waits for a human (action Approve). @default true */
  readonly approval?: boolean;
  /**
   * Name of the stage's manual approval action: CDK Pipelines names an approval between change set
   * and execution `<stack>.Approve` (lib/plan/approval-action). @default 'Approve'
   */
  readonly approvalAction?: string;
}

/** Waits until EXECUTION_ID succeeded in the stage (not the whole execution: later stages may wait for a human). */
export function followStage(n: PipelineNames): RunbookCommand {
  return {
    description: `Follow execution EXECUTION_ID until stage ${n.approvalStage} succeeded with it (up to ${n.toApproval})`,
    command: pollCommand({
      check: n.aws`codepipeline get-pipeline-state --name ${n.pipeline} --query "stageStates[?stageName=='${n.approvalStage}'].[latestExecution.pipelineExecutionId, latestExecution.status] | [0] | join(' ', @)" --output text`,
      until: '$EXECUTION_ID Succeeded',
      timeout: n.toApproval,
      what: `stage ${n.approvalStage} did not succeed with the execution`,
    }),
    expected: 'returns once the stage deployed it',
  };
}

/**
 * The approval of one execution, never "whatever waits": in SUPERSEDED mode (V2 default) the stage
 * that holds the approval is locked by the execution waiting there, and a newer one queues behind
 * it; the token of `get-pipeline-state` belongs to the execution in the stage
 * (https://docs.aws.amazon.com/codepipeline/latest/userguide/concepts-how-it-works.html#concepts-superseded).
 * Waits until EXECUTION_ID holds the approval, rejecting any other execution found holding it
 * (a release nobody decided to ship now), then approves.
 */
export function approveExecution(n: PipelineNames, summary: string): RunbookCommand[] {
  const action = n.approvalAction ?? 'Approve';
  const state = n.aws`codepipeline get-pipeline-state --name ${n.pipeline} --query "stageStates[?stageName=='${n.approvalStage}'] | [0].[latestExecution.pipelineExecutionId, actionStates[?actionName=='${action}'] | [0].latestExecution.token]" --output text`;
  const reject = n.aws`codepipeline put-approval-result --pipeline-name ${n.pipeline} --stage-name ${n.approvalStage} --action-name ${action} --result "summary=Rejected: another release ($EXECUTION_ID) goes first,status=Rejected" --token "$TOKEN" --output text`;
  const interval = 30;
  const attempts = Math.ceil(n.toApproval.toSeconds() / interval);
  return [
    {
      description: `Wait until execution EXECUTION_ID waits for approval in stage ${n.approvalStage} (up to ${n.toApproval}). Another execution holding the approval is rejected: approving its token would ship that release instead`,
      command: [
        `( for _ in $(seq 1 ${attempts}); do read -r HOLDER TOKEN < <(${state})`,
        `  if [ "$HOLDER" = "$EXECUTION_ID" ] && [ "$TOKEN" != None ]; then exit 0; fi`,
        `  if [ "$HOLDER" != "$EXECUTION_ID" ] && [ "$TOKEN" != None ]; then echo "rejecting $HOLDER, which holds the approval"; ${reject}; fi`,
        `  sleep ${interval}; done; echo "execution $EXECUTION_ID did not reach the approval within ${n.toApproval}" >&2; exit 1 )`,
      ].join('\n'),
      expected: 'returns once EXECUTION_ID waits for approval',
    },
    {
      description: `Approve execution EXECUTION_ID, with the token of its own approval`,
      command: [
        `read -r HOLDER TOKEN < <(${state})`,
        `[ "$HOLDER" = "$EXECUTION_ID" ] || { echo "the approval belongs to $HOLDER, not $EXECUTION_ID" >&2; exit 1; }`,
        n.aws`codepipeline put-approval-result --pipeline-name ${n.pipeline} --stage-name ${n.approvalStage} --action-name ${action} --result "summary=${summary},status=Approved" --token "$TOKEN" --output text`,
      ].join('\n'),
      expected: 'an approvedAt time',
    },
  ];
}

/**
 * The commit production runs: the newest successful deploy action of the approval stage
 * (`list-action-executions` lists action executions across executions; sorted by lastUpdateTime),
 * then that execution's source revision. Not the latest execution, which may be waiting, never deployed.
 */
export function deployedCommit(n: PipelineNames, deployAction: string): RunbookCommand {
  return {
    description: `Find the commit stage ${n.approvalStage} deployed last (RELEASE_COMMIT), from the execution whose ${deployAction} action succeeded, not from the newest execution, which may never have deployed`,
    command: [
      `DEPLOYED_EXECUTION=$(${n.aws`codepipeline list-action-executions --pipeline-name ${n.pipeline} --query "sort_by(actionExecutionDetails[?stageName=='${n.approvalStage}' && actionName=='${deployAction}' && status=='Succeeded'], &lastUpdateTime)[-1].pipelineExecutionId" --output text`})`,
      `RELEASE_COMMIT=$(${n.aws`codepipeline get-pipeline-execution --pipeline-name ${n.pipeline} --pipeline-execution-id "$DEPLOYED_EXECUTION" --query 'pipelineExecution.artifactRevisions[0].revisionId' --output text`})`,
      'echo "production runs ${RELEASE_COMMIT:?no successful deployment found}"',
    ].join('\n'),
    expected: 'the commit production runs',
  };
}

/**
 * Reverts a commit safely: fetch, a fresh branch from origin/main (never the branch you are on,
 * which may hold unreviewed commits), `-m 1` for a merge commit, then a fast-forward push to main;
 * where main is protected, the same branch goes up for review as a pull request.
 * @param releasedBy who deploys the revert: the pipeline once it reaches main, or the engineer by hand
 *   from this branch (then main must still get the revert, or the next deploy from main undoes it).
 * @see https://git-scm.com/docs/git-revert#Documentation/git-revert.txt--mparent-number
 */
export function revertCommit(releasedBy: 'pipeline' | 'hand' = 'pipeline'): RunbookCommand[] {
  return [
    {
      description:
        'Revert RELEASE_COMMIT on a fresh branch from origin/main (not the branch you are on, which may hold unreviewed work); a merge commit is reverted against its first parent (-m 1)',
      command: [
        'git fetch origin',
        'git show --no-patch --oneline "$RELEASE_COMMIT"',
        'BRANCH="revert-${RELEASE_COMMIT:0:12}"',
        'git switch --create "$BRANCH" origin/main',
        'if [ "$(git show --no-patch --format=%P "$RELEASE_COMMIT" | wc -w)" -gt 1 ]; then git revert --no-edit -m 1 "$RELEASE_COMMIT"; else git revert --no-edit "$RELEASE_COMMIT"; fi',
      ].join('\n'),
      expected: 'one new commit, Revert "…", on a branch that starts at origin/main',
    },
    {
      description:
        releasedBy === 'pipeline'
          ? 'Push the revert to main (a fast-forward of origin/main by that one commit); a protected main refuses it: then push the branch and open a pull request, and the pipeline releases it once merged'
          : 'Push the revert to main (a fast-forward of origin/main by that one commit); a protected main refuses it: then push the branch and open a pull request so main gets the revert too (the next step deploys this branch either way: origin/main plus the revert, nothing else)',
      command: `if git push origin HEAD:main; then PUSHED=main; else git push origin "HEAD:refs/heads/$BRANCH" && gh pr create --base main --head "$BRANCH" --title "Revert \${RELEASE_COMMIT:0:12}" --body "Rollback of \${RELEASE_COMMIT} (see the runbook)" && PUSHED='pr'; fi`,
      expected:
        releasedBy === 'pipeline'
          ? 'PUSHED=main, or PUSHED=pr and the URL of the pull request (the rest waits for its review and merge)'
          : 'PUSHED=main, or PUSHED=pr and the URL of the pull request',
    },
  ];
}

/**
 * The execution that releases the revert: the newest one whose source revision is the revert
 * commit (HEAD), not simply the newest execution.
 */
export function executionOfHead(n: PipelineNames): RunbookCommand {
  return {
    description:
      'Find the execution that releases the revert (its source revision is the revert commit), waiting up to 5m for the push to start it',
    command: [
      'REVERT=$(git rev-parse HEAD)',
      pollCommand({
        check: `${n.aws`codepipeline list-pipeline-executions --pipeline-name ${n.pipeline} --query "pipelineExecutionSummaries[?sourceRevisions[0].revisionId=='$REVERT'] | length(@)" --output text`}`,
        until: '1',
        timeout: Duration.minutes(5),
        interval: Duration.seconds(15),
        what: 'no execution started for the revert (a pull request waits for review: approve and merge it, then run this again)',
      }),
      `EXECUTION_ID=$(${n.aws`codepipeline list-pipeline-executions --pipeline-name ${n.pipeline} --query "pipelineExecutionSummaries[?sourceRevisions[0].revisionId=='$REVERT'] | [0].pipelineExecutionId" --output text`})`,
    ].join('\n'),
    expected: 'EXECUTION_ID holds the execution of the revert commit',
  };
}

/** "Stop a release": hold production first, then stop; the hold is lifted in its own step, later. */
export function stopRelease(n: PipelineNames): RunbookCommand[] {
  return [
    {
      description: `Hold production first: disable the transition into stage ${n.approvalStage}, so nothing enters it while you stop the release (lifted in the last step, when you decide)`,
      command: n.aws`codepipeline disable-stage-transition --pipeline-name ${n.pipeline} --stage-name ${n.approvalStage} --transition-type Inbound --reason "Release on hold by the on-call"`,
    },
    {
      description: 'Find the executions in progress',
      command: `${n.aws`codepipeline list-pipeline-executions --pipeline-name ${n.pipeline} --query "pipelineExecutionSummaries[?status=='InProgress'].[pipelineExecutionId,sourceRevisions[0].revisionId]" --output text`} | tee in-progress.txt`,
      expected: 'one line per execution in progress: its id and commit',
    },
    {
      description:
        'Stop each of them now, abandoning running actions (a stack update already running still finishes or rolls back in CloudFormation)',
      command: `while read -r EXECUTION_ID _; do ${n.aws`codepipeline stop-pipeline-execution --pipeline-name ${n.pipeline} --pipeline-execution-id "$EXECUTION_ID" --abandon --reason "Stopped by the on-call" --output text`}; done < in-progress.txt`,
      expected: 'the pipelineExecutionId of each',
    },
    {
      description: `Later, once the cause is fixed and you decide to release again: lift the hold on stage ${n.approvalStage} (not part of stopping)`,
      command: `echo "when ready: ${n.aws`codepipeline enable-stage-transition --pipeline-name ${n.pipeline} --stage-name ${n.approvalStage} --transition-type Inbound`}"`,
      expected: 'the command to run when you lift the hold',
    },
  ];
}

/** Runs a command only when the revert went straight to main (not waiting for review in a pull request). */
function ifPushedToMain(c: RunbookCommand): RunbookCommand {
  return {
    ...c,
    description: `Pushed to main: ${c.description.charAt(0).toLowerCase()}${c.description.slice(1)}`,
    command: `if [ "$PUSHED" = main ]; then\n${c.command
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n')}\nfi`,
  };
}

/**
 * Code rollback through the pipeline: the commit production runs (from the pipeline, not the
 * newest execution), a safe revert, the execution of the revert, its own approval (rejecting a
 * newer release that holds it), then waits until it succeeded.
 */
export function rollBackThroughPipeline(n: PipelineNames, deployAction: string): RunbookCommand[] {
  return [
    deployedCommit(n, deployAction),
    ...revertCommit(),
    ...[
      executionOfHead(n),
      ...(n.approval === false ? [] : approveExecution(n, 'Rollback: revert of the release production runs')),
      n.approval === false
        ? followStage(n)
        : {
            description: `Follow the revert until it succeeded (up to ${n.toApproval}: production deploys it and runs its smoke tests)`,
            command: pollCommand({
              check: n.aws`codepipeline get-pipeline-execution --pipeline-name ${n.pipeline} --pipeline-execution-id "$EXECUTION_ID" --query pipelineExecution.status --output text`,
              until: 'Succeeded',
              timeout: n.toApproval,
              what: 'the revert execution did not succeed',
            }),
            expected: 'returns once the revert runs in production',
          },
    ].map(ifPushedToMain),
  ];
}
