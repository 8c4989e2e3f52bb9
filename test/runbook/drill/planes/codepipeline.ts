import type { AwsCall } from '../aws-command-model';
import { sdkEnum } from './sdk-enums';
import { Fail, StateFail, iso, type Clock, type Templates } from './templates';

const EXEC = Object.fromEntries(sdkEnum('@aws-sdk/client-codepipeline', 'PipelineExecutionStatus').map((s) => [s, s])) as Record<
  string,
  string
>;

interface Stage {
  readonly name: string;
  readonly actions: { readonly name: string; readonly category: string }[];
}

interface Execution {
  readonly id: string;
  readonly commit: string;
  status: string;
  /** Index of the stage it is in, or waits to enter. */
  stage: number;
  phase: 'running' | 'approval' | 'deploying' | 'waiting';
  since: number;
  readonly startTime: number;
  token?: string;
  /** The approval was rejected or the execution stopped. */
  endedAt?: number;
}

/**
 * A CodePipeline V2 pipeline as the service runs it, from its synthesized stages.
 *
 * Rules, from the CodePipeline documentation:
 * - A stage processes one execution at a time; an execution that finished a stage waits at the
 *   transition while the next stage is busy. In SUPERSEDED mode (the default of V2 pipelines) a
 *   newer execution that reaches the same transition replaces the waiting one, which ends
 *   Superseded (https://docs.aws.amazon.com/codepipeline/latest/userguide/concepts-how-it-works.html#concepts-superseded).
 * - A manual approval holds its stage until approved or rejected; its token belongs to that
 *   execution's approval, and `put-approval-result` with another token fails
 *   (https://docs.aws.amazon.com/codepipeline/latest/userguide/approvals-approve-or-reject.html).
 *   Rejecting fails the stage and so the execution.
 * - `get-pipeline-state` shows per stage the latest execution and per action its latest execution
 *   (with the approval token while InProgress) (https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_GetPipelineState.html).
 * - A disabled inbound transition holds executions before the stage until it is enabled
 *   (https://docs.aws.amazon.com/codepipeline/latest/userguide/transitions.html).
 * - `stop-pipeline-execution --abandon` stops an execution at once
 *   (https://docs.aws.amazon.com/codepipeline/latest/userguide/pipelines-stop.html).
 */
export class CodePipelinePlane {
  public readonly executions: Execution[] = [];
  private readonly disabled = new Set<string>();
  private last = 0;
  /** Commit each deploy stage last released. */
  public readonly deployed = new Map<string, string>();
  /** Every commit released to each stage, in order. */
  public readonly released: { stage: string; commit: string; at: number }[] = [];
  private readonly stages: Stage[];
  public readonly name: string | undefined;

  constructor(
    t: Templates,
    private readonly clock: Clock,
    private readonly head: () => string,
  ) {
    const p = t.all('AWS::CodePipeline::Pipeline')[0];
    this.name = p ? String(p.props.Name) : undefined;
    this.stages = ((p?.props.Stages ?? []) as { Name: string; Actions: { Name: string; ActionTypeId: { Category: string } }[] }[]).map(
      (s) => ({ name: s.Name, actions: s.Actions.map((a) => ({ name: a.Name, category: a.ActionTypeId.Category })) }),
    );
  }

  /** Starts an execution of a commit (a push to the branch, or start-pipeline-execution). */
  public start(commit: string): Execution {
    this.advance();
    const e: Execution = {
      id: `exec-${this.executions.length + 1}`,
      commit,
      status: EXEC.InProgress,
      stage: 0,
      phase: 'running',
      since: this.clock.now,
      startTime: this.clock.now,
    };
    this.executions.push(e);
    return e;
  }

  /** Seeds history: an execution that already released `commit` everywhere. */
  public seed(released: string): void {
    const e = this.start(released);
    Object.assign(e, { status: EXEC.Succeeded, stage: this.stages.length, phase: 'running' });
    for (const s of this.stages.filter((x) => this.isDeploy(x))) {
      this.deployed.set(s.name, released);
      this.released.push({ stage: s.name, commit: released, at: -86400 });
    }
  }

  /** The execution waiting at the approval when the incident starts (a newer release), if any. */
  public pending?: Execution;

  /** Seeds a newer release, deployed up to the approval stage and waiting there for a human. */
  public awaitingApproval(commit: string): void {
    const p = this.start(commit);
    const prod = this.stages.findIndex((s) => s.actions.some((a) => a.category === 'Approval'));
    Object.assign(p, { stage: prod, phase: 'approval', token: `token-${p.id}` });
    for (const s of this.stages.slice(0, prod).filter((x) => this.isDeploy(x))) {
      this.deployed.set(s.name, commit);
      this.released.push({ stage: s.name, commit, at: -3600 });
    }
    this.pending = p;
  }

  /** Seeds history: an execution of `commit` that failed in `stage`. */
  public failedAt(commit: string, stage: string): void {
    const e = this.start(commit);
    Object.assign(e, { status: EXEC.Failed, stage: this.stageNamed(stage), phase: 'running', endedAt: this.clock.now });
  }

  private isDeploy(s: Stage): boolean {
    return s.actions.some((a) => a.name.endsWith('.Deploy'));
  }

  private occupant(stage: number): Execution | undefined {
    return this.executions.find((e) => e.status === EXEC.InProgress && e.stage === stage && e.phase !== 'waiting');
  }

  private duration(s: Stage): number {
    return this.isDeploy(s) ? 420 : s.name === 'Source' ? 10 : 120;
  }

  /** Runs the pipeline up to the current simulated time, in 10-second steps. */
  public advance(): void {
    let t = this.last;
    for (; t <= this.clock.now; t += 10) {
      for (const e of this.executions.filter((x) => x.status === EXEC.InProgress)) {
        const s = this.stages[e.stage];
        if (e.phase === 'waiting') {
          if (!this.occupant(e.stage) && !this.disabled.has(s.name)) Object.assign(e, { phase: 'running', since: t });
          continue;
        }
        if (e.phase === 'approval') continue;
        if (e.phase === 'running' && s.actions.some((a) => a.category === 'Approval') && t - e.since >= 60) {
          Object.assign(e, { phase: 'approval', token: `token-${e.id}-${t}` });
          continue;
        }
        if (t - e.since < this.duration(s)) continue;
        if (this.isDeploy(s)) {
          this.deployed.set(s.name, e.commit);
          this.released.push({ stage: s.name, commit: e.commit, at: t });
        }
        if (e.stage === this.stages.length - 1) {
          Object.assign(e, { status: EXEC.Succeeded, stage: this.stages.length });
          continue;
        }
        e.stage++;
        // SUPERSEDED: an older execution waiting at the same transition is replaced.
        for (const w of this.executions.filter(
          (x) => x !== e && x.status === EXEC.InProgress && x.stage === e.stage && x.phase === 'waiting',
        ))
          w.status = EXEC.Superseded;
        const free = !this.occupant(e.stage) && !this.disabled.has(this.stages[e.stage].name);
        Object.assign(e, { phase: free ? 'running' : 'waiting', since: t });
      }
    }
    this.last = t;
  }

  private stageNamed(name: string | undefined): number {
    const i = this.stages.findIndex((s) => s.name === name);
    if (i < 0) throw new Fail(`pipeline ${this.name} has no stage ${name}`);
    return i;
  }

  private execution(id: string | undefined): Execution {
    const e = this.executions.find((x) => x.id === id);
    if (!e) throw new Fail(`PipelineExecutionNotFoundException: no execution ${id}`);
    return e;
  }

  public respond(call: AwsCall, region: string, t: Templates): unknown {
    const name = call.options.get('--name')?.[0] ?? call.options.get('--pipeline-name')?.[0];
    t.need('AWS::CodePipeline::Pipeline', name, region);
    this.advance();
    const stageName = call.options.get('--stage-name')?.[0];
    const action = call.options.get('--action-name')?.[0];
    if (stageName !== undefined) {
      const i = this.stageNamed(stageName);
      if (action && !this.stages[i].actions.some((a) => a.name === action))
        throw new Fail(`stage ${stageName} of ${name} has no action ${action}`);
    }
    const summary = (e: Execution) => ({
      pipelineExecutionId: e.id,
      status: e.status,
      startTime: iso(e.startTime),
      sourceRevisions: [{ actionName: this.stages[0]?.actions[0]?.name, revisionId: e.commit }],
    });
    switch (call.operation) {
      case 'get-pipeline-state':
        return {
          pipelineName: name,
          stageStates: this.stages.map((s, i) => {
            const latest =
              [...this.executions].reverse().find((e) => e.stage === i && e.phase !== 'waiting') ??
              [...this.executions].reverse().find((e) => e.stage > i);
            const inbound = this.executions.find((e) => e.status === EXEC.InProgress && e.stage === i && e.phase === 'waiting');
            return {
              stageName: s.name,
              inboundTransitionState: { enabled: !this.disabled.has(s.name) },
              inboundExecution: inbound ? { pipelineExecutionId: inbound.id, status: 'InProgress' } : undefined,
              latestExecution: latest && {
                pipelineExecutionId: latest.id,
                status: latest.stage > i ? 'Succeeded' : latest.status === EXEC.InProgress ? 'InProgress' : latest.status,
              },
              actionStates: s.actions.map((a) => ({
                actionName: a.name,
                latestExecution:
                  a.category === 'Approval' && latest?.stage === i && latest.phase === 'approval' && latest.status === EXEC.InProgress
                    ? { status: 'InProgress', token: latest.token }
                    : { status: 'Succeeded' },
              })),
            };
          }),
        };
      case 'list-pipeline-executions':
        // Newest first, as the API reference documents ("most recent first").
        return { pipelineExecutionSummaries: [...this.executions].reverse().map(summary) };
      case 'get-pipeline-execution': {
        const e = this.execution(call.options.get('--pipeline-execution-id')?.[0]);
        return {
          pipelineExecution: {
            pipelineName: name,
            pipelineExecutionId: e.id,
            status: e.status,
            artifactRevisions: [{ name: 'Source', revisionId: e.commit }],
          },
        };
      }
      case 'start-pipeline-execution':
        return { pipelineExecutionId: this.start(this.head()).id };
      case 'put-approval-result': {
        const i = this.stageNamed(stageName);
        const e = this.executions.find((x) => x.status === EXEC.InProgress && x.stage === i && x.phase === 'approval');
        const token = call.options.get('--token')?.[0];
        if (!e || e.token !== token)
          throw new StateFail(`InvalidApprovalTokenException: token "${token}" is not the pending approval of stage ${stageName}`);
        if (/status=Rejected/.test(call.options.get('--result')?.[0] ?? ''))
          Object.assign(e, { status: EXEC.Failed, endedAt: this.clock.now });
        else Object.assign(e, { phase: 'deploying', since: this.clock.now - 60 });
        return { approvedAt: iso(this.clock.now) };
      }
      case 'stop-pipeline-execution': {
        const e = this.execution(call.options.get('--pipeline-execution-id')?.[0]);
        if (e.status !== EXEC.InProgress) throw new StateFail(`PipelineExecutionNotStoppableException: ${e.id} is ${e.status}`);
        Object.assign(e, { status: call.options.has('--abandon') ? EXEC.Stopped : EXEC.Stopping, endedAt: this.clock.now });
        return { pipelineExecutionId: e.id };
      }
      case 'disable-stage-transition':
        this.disabled.add(stageName!);
        return undefined;
      case 'enable-stage-transition':
        this.disabled.delete(stageName!);
        return undefined;
      case 'retry-stage-execution': {
        const e = this.execution(call.options.get('--pipeline-execution-id')?.[0]);
        if (e.status !== EXEC.Failed || this.stages[e.stage]?.name !== stageName)
          throw new StateFail(`StageNotRetryableException: ${e.id} has no failed stage ${stageName}`);
        Object.assign(e, { status: EXEC.InProgress, phase: 'running', since: this.clock.now });
        return { pipelineExecutionId: e.id };
      }
      case 'list-action-executions':
        return {
          actionExecutionDetails: this.released
            .map((r) => {
              const e = this.executions.find((x) => x.commit === r.commit)!;
              const action = this.stages.find((x) => x.name === r.stage)?.actions.find((a) => a.name.endsWith('.Deploy'))?.name;
              return {
                pipelineExecutionId: e.id,
                stageName: r.stage,
                actionName: action,
                status: 'Succeeded',
                lastUpdateTime: iso(r.at),
              };
            })
            .reverse(),
        };
      default:
        throw new Fail(`the drill does not simulate aws codepipeline ${call.operation} yet: add it to CodePipelinePlane`);
    }
  }
}
