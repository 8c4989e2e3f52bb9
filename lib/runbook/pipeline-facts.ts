import type { TimeBound } from '../plan/timing';
import type { RunbookCommand } from './command';

/** One stage of a delivery pipeline, as the runbook describes it. */
export interface PipelineStageFact {
  /** Pipeline stage name (an environment's or a wave's): the `--stage-name` of the commands. */
  readonly name: string;
  /** Environments the stage deploys (in parallel when more than one). */
  readonly environments: readonly string[];
  /** Whether a human approves in this stage before it deploys. */
  readonly approval: boolean;
  /** Whether smoke tests run after the deployment. */
  readonly smokeTests: boolean;
  /** The wave this stage is the canary of. */
  readonly canaryOf?: string;
}

/**
 * What a runbook says about the pipeline that releases a service: its stages in order, where a
 * human approves, and the exact commands to follow, approve, retry and stop a release.
 */
export interface PipelineFacts {
  /** Physical pipeline name. */
  readonly pipelineName: string;
  /** `owner/name@branch` the pipeline releases. */
  readonly source: string;
  /** Stages after the build, in order. */
  readonly stages: readonly PipelineStageFact[];
  /** SNS topic that hears about failed executions, when the pipeline owns it. */
  readonly failureTopic?: string;
  readonly follow: readonly RunbookCommand[];
  readonly approve: readonly RunbookCommand[];
  readonly retry: readonly RunbookCommand[];
  readonly stop: readonly RunbookCommand[];
  /** How to roll a release back through the pipeline. @default - no rollback section */
  readonly rollback?: readonly RunbookCommand[];
  /** Time bounds of the rollback and stop procedures. @default - none stated */
  readonly bounds?: { readonly rollback?: TimeBound; readonly stop?: TimeBound };
  /** Where the commands run. @default - not stated */
  readonly workingDirectory?: string;
  /** Tools the commands need. @default - none stated */
  readonly prerequisites?: readonly string[];
}
