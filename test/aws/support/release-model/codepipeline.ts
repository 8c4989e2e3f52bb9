/**
 * CodePipeline executions in SUPERSEDED mode, fed with a template's `AWS::CodePipeline::Pipeline`
 * stages, and the CloudFormation change sets its deploy actions prepare and execute. Rules:
 *
 * - **SUPERSEDED is the default** execution mode (a template without `ExecutionMode` runs in it).
 *   https://docs.aws.amazon.com/codepipeline/latest/userguide/concepts-how-it-works.html
 * - **A stage processes one execution at a time**: it is locked while an execution runs in it; an
 *   execution that reaches a locked stage waits before it (an *inbound* execution). Executions
 *   traverse stages in order.
 *   https://docs.aws.amazon.com/codepipeline/latest/userguide/concepts.html (Pipeline executions)
 * - **Superseding happens only between stages**: when an execution waits to enter a locked stage
 *   and a more recent execution catches up, the older one stops with status `Superseded` and the
 *   newer one waits in its place. An execution inside a stage (waiting for an approval included)
 *   is never superseded. https://docs.aws.amazon.com/codepipeline/latest/userguide/concepts.html
 *   (Execution modes)
 * - **Actions of a stage run by `RunOrder`**, lowest first; the stage succeeds when its last
 *   actions do. https://docs.aws.amazon.com/codepipeline/latest/userguide/reference-pipeline-structure.html
 * - **A manual approval** holds its execution until someone approves or rejects it; a rejection
 *   fails the action (the execution fails and the stage unlocks); with no answer in seven days the
 *   action fails. https://docs.aws.amazon.com/codepipeline/latest/userguide/approvals.html
 * - **Failed executions** stop, and the stage unlocks: an inbound execution enters it.
 *   https://docs.aws.amazon.com/codepipeline/latest/userguide/concepts.html (Failed executions)
 * - **CloudFormation actions**: `CHANGE_SET_REPLACE` creates (or replaces) the named change set
 *   from the execution's artifacts; `CHANGE_SET_EXECUTE` executes the named change set as it is
 *   then, whoever prepared it.
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/continuous-delivery-codepipeline-action-reference.html
 */

/** An action of a pipeline stage, as the template states it. */
export interface PipelineAction {
  readonly Name: string;
  readonly ActionTypeId: { readonly Category: string; readonly Provider: string };
  readonly RunOrder?: number;
  readonly Configuration?: Record<string, any>;
}

/** A stage of a pipeline, as the template states it. */
export interface PipelineStage {
  readonly Name: string;
  readonly Actions: readonly PipelineAction[];
}

/** `PipelineExecution.status` values the model reaches. */
export type ExecutionStatus = 'InProgress' | 'Succeeded' | 'Failed' | 'Superseded';

/** One pipeline execution: the revision it releases and where it is. */
export interface PipelineExecution {
  readonly id: string;
  readonly revision: string;
  status: ExecutionStatus;
  /** Index of the stage it runs in, or waits before (`inbound`). */
  stage: number;
  /** Waiting to enter `stage` (locked by another execution). */
  inbound: boolean;
  /** Index of the next RunOrder group in the stage. */
  group: number;
  /** Model time its next step is due; Infinity while an approval waits for a human. */
  readyAt: number;
  /** Approval action it waits on. */
  awaiting?: string;
  /** What it did, in order: `stage/action`. */
  readonly log: string[];
}

/** Seven days: an unanswered approval fails. */
const APPROVAL_TIMEOUT_SECONDS = 7 * 24 * 3600;

/** A pipeline in SUPERSEDED mode and the stacks its CloudFormation actions change. */
export class SupersededPipeline {
  public readonly executions: PipelineExecution[] = [];
  /** `stack/changeSet` → the revision it was prepared from. */
  public readonly changeSets = new Map<string, string>();
  /** Stack → the revision its last executed change set came from. */
  public readonly deployed = new Map<string, string>();
  /** Stage index → execution holding its lock. */
  private readonly locks = new Map<number, PipelineExecution>();
  private readonly groups: PipelineAction[][][];

  /** `actionSeconds`: how long each non-approval action group takes (the model is about order, not speed). */
  constructor(
    public readonly stages: readonly PipelineStage[],
    private readonly actionSeconds = 60,
  ) {
    this.groups = stages.map((s) => {
      const orders = [...new Set(s.Actions.map((a) => a.RunOrder ?? 1))].sort((a, b) => a - b);
      return orders.map((o) => s.Actions.filter((a) => (a.RunOrder ?? 1) === o));
    });
  }

  /** A push (or StartPipelineExecution) of `revision` at `now`. */
  public start(revision: string, now: number): PipelineExecution {
    this.run(now);
    const e: PipelineExecution = {
      id: `e${this.executions.length + 1}`,
      revision,
      status: 'InProgress',
      stage: -1,
      inbound: false,
      group: 0,
      readyAt: now,
      log: [],
    };
    this.executions.push(e);
    this.enter(e, 0, now);
    this.run(now);
    return e;
  }

  /** PutApprovalResult on the approval `e` waits for, at `now`. */
  public answer(e: PipelineExecution, approved: boolean, now: number): void {
    this.run(now);
    if (e.awaiting === undefined) throw new Error(`${e.id} waits for no approval`);
    e.log.push(`${this.stages[e.stage].Name}/${e.awaiting}:${approved ? 'Approved' : 'Rejected'}`);
    e.awaiting = undefined;
    if (approved) {
      e.group++;
      e.readyAt = now;
    } else this.fail(e, now);
    this.run(now);
  }

  /** Lets time pass to `until`, running every step due. */
  public run(until: number): void {
    for (;;) {
      const due = this.executions
        .filter((e) => e.status === 'InProgress' && !e.inbound && e.readyAt <= until)
        .sort((a, b) => a.readyAt - b.readyAt)[0];
      if (!due) return;
      this.step(due);
    }
  }

  /** The execution holding the lock of stage `name`. */
  public holder(name: string): PipelineExecution | undefined {
    return this.locks.get(this.stages.findIndex((s) => s.Name === name));
  }

  private step(e: PipelineExecution): void {
    const now = e.readyAt;
    if (e.awaiting !== undefined) {
      // No answer in seven days.
      this.fail(e, now);
      return;
    }
    const group = this.groups[e.stage][e.group];
    if (!group) {
      // The stage succeeded: unlock it, let its inbound execution in, move on.
      this.unlock(e.stage, now);
      if (e.stage + 1 >= this.stages.length) {
        e.status = 'Succeeded';
        return;
      }
      this.enter(e, e.stage + 1, now);
      return;
    }
    const approval = group.find((a) => a.ActionTypeId.Category === 'Approval');
    if (approval) {
      e.awaiting = approval.Name;
      e.readyAt = now + APPROVAL_TIMEOUT_SECONDS;
      return;
    }
    for (const a of group) {
      e.log.push(`${this.stages[e.stage].Name}/${a.Name}`);
      const c = a.Configuration ?? {};
      const key = `${c.StackName}/${c.ChangeSetName}`;
      if (c.ActionMode === 'CHANGE_SET_REPLACE') this.changeSets.set(key, e.revision);
      if (c.ActionMode === 'CHANGE_SET_EXECUTE') this.deployed.set(c.StackName, this.changeSets.get(key)!);
    }
    e.group++;
    e.readyAt = now + this.actionSeconds;
  }

  /** `e` reaches stage `index` at `now`: enters it, or waits before it, superseding an older waiter. */
  private enter(e: PipelineExecution, index: number, now: number): void {
    e.stage = index;
    e.group = 0;
    e.readyAt = now;
    if (!this.locks.has(index)) {
      this.locks.set(index, e);
      e.inbound = false;
      return;
    }
    const waiting = this.executions.find((x) => x !== e && x.status === 'InProgress' && x.inbound && x.stage === index);
    if (waiting) waiting.status = 'Superseded';
    e.inbound = true;
  }

  private unlock(index: number, now: number): void {
    this.locks.delete(index);
    const next = this.executions.find((x) => x.status === 'InProgress' && x.inbound && x.stage === index);
    if (next) this.enter(next, index, now);
  }

  private fail(e: PipelineExecution, now: number): void {
    e.status = 'Failed';
    e.awaiting = undefined;
    this.unlock(e.stage, now);
  }
}
