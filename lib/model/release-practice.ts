import { z } from 'zod';
import type { Duration } from './duration';
import { durationField, percent } from './private/fields';

/** How often the team aims to deploy (DORA deployment frequency). */
export enum DeploymentFrequency {
  ON_DEMAND = 'on-demand',
  DAILY = 'daily',
  WEEKLY = 'weekly',
  MONTHLY = 'monthly',
}

/**
 * The team's DORA targets: recorded in the runbook's decision record next to the rollout pattern,
 * and compared there with what the configuration makes possible (time to restore vs. rollback bounds).
 */
export const doraTargetsSchema = z.strictObject({
  deploymentFrequency: z.enum(DeploymentFrequency).describe('How often the team aims to deploy.'),
  /** Commit to production. */
  leadTime: durationField.describe('Target lead time from commit to production, e.g. "1d".'),
  /** Share of deployments that cause a failure in production, %. */
  changeFailureRatePercent: percent.describe('Target share of deployments that fail in production, %.'),
  /** From failure to restored service. */
  timeToRestore: durationField.describe('Target time to restore service after a failed change, e.g. "1h".'),
});

/** DORA targets, as validated. */
export interface DoraTargets {
  readonly deploymentFrequency: DeploymentFrequency;
  readonly leadTime: Duration;
  readonly changeFailureRatePercent: number;
  readonly timeToRestore: Duration;
}

/** Who hears what, when, during a release. Each field is one sentence or a short list. */
export const communicationSchema = z.strictObject({
  /** Before the release. @default - announce in the owners' channel */
  before: z.string().min(1).optional().describe('Who is told before the release, where.'),
  /** During the release. @default - progress at each stage in the owners' channel */
  during: z.string().min(1).optional().describe('What is posted during the release, where, how often.'),
  /** If something goes wrong. @default - page primary, then backup; post status every 15 minutes */
  ifIssues: z.string().min(1).optional().describe('Who is paged and how often status is posted when something goes wrong.'),
  /** Extra pre-deployment gates beyond the standard checklist. @default - none */
  checklist: z.array(z.string().min(1)).optional().describe('Extra pre-deployment gates, one line each.'),
});

/** The communication plan, resolved. */
export interface CommunicationPlan {
  readonly before: string;
  readonly during: string;
  readonly ifIssues: string;
  readonly checklist: readonly string[];
}
