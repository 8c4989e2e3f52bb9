import { AlarmSeverity } from '../plan/alarm-catalogue';
import { Target } from '../targets/target';
import type { MigrationPhase } from '../model/migrations';
import type { Owners } from '../model/owners';
import type { CommunicationPlan, DoraTargets } from '../model/release-practice';
import type { RollbackBudgets } from '../model/service-definition';
import type { DetectionReport } from '../plan/detection/detection-plan';
import type { CompiledSchedule } from '../plan/rollout/schedule';
import type { TimeBound } from '../plan/timing';
import type { RunbookCommand } from './command';
import type { PagingFacts } from './paging';
import type { IncidentResponseFacts } from './incident-response';
import type { PipelineFacts } from './pipeline-facts';

/**
 * Where a runbook's commands run.
 * @deprecated use `Target` (lib/targets), the one enum of targets.
 */
export const RunbookTarget = Target;
/** @deprecated use `Target`. */
export type RunbookTarget = Target;

// Severity is defined with the alarm catalogue (lib/plan); re-exported here for the runbook API.
export { AlarmSeverity };

export { CommandKind, type RunbookCommand } from './command';

/** One alarm or alert, described the way on-call runbooks describe them. */
export interface AlarmFact {
  /** Stable anchor in the runbook, e.g. `checkout-prod-error-rate-critical`. */
  readonly anchor: string;
  /** Physical alarm or alert name, as it appears in the synthesized output. */
  readonly name: string;
  readonly severity: AlarmSeverity;
  /** The condition in words, with the threshold and evaluation, e.g. "5xx > 5 % of requests, 3 of 3 × 1m". */
  readonly condition: string;
  /** What missing data does: `breaching` for dead-man's switches. */
  readonly missingData: string;
  /** Where notifications go (topic or receiver), if anywhere. */
  readonly notifies?: string;
  readonly meaning: string;
  readonly impact: string;
  readonly diagnosis: readonly RunbookCommand[];
  readonly mitigation: readonly string[];
}

/** One rung of the rollback ladder. */
export interface RollbackLevelFact {
  readonly level: 1 | 2 | 3;
  readonly title: string;
  /** When to use this level. */
  readonly when: string;
  readonly commands: readonly RunbookCommand[];
  readonly verify: readonly RunbookCommand[];
  /** Time bound computed from the configuration, compared with the level's budget. */
  readonly bound?: TimeBound;
  /** What to do once service is restored, e.g. bring the code in line with a rollback made outside the deployment tool. @default - nothing */
  readonly afterwards?: string;
}

/** Who and what a runbook is about; contributed by the construct that represents the deployment. */
export interface DeploymentContext {
  readonly service: string;
  readonly environment: string;
  readonly target: Target;
  readonly owners: Owners;
  readonly description?: string;
  /** The stack or namespace the commands operate on. */
  readonly scope: string;
  readonly production: boolean;
  readonly approval: boolean;
  readonly strategy: string;
  readonly rationale?: string;
  /** Budgets of the rollback levels. @default 1m / 5m / 15m */
  readonly budgets?: RollbackBudgets;
  /** The team's DORA targets, for the decision record. */
  readonly dora?: DoraTargets;
  /** Who hears what, when. */
  readonly communication?: CommunicationPlan;
  /** AWS region of the environment, for console links. @default - not shown */
  readonly region?: string;
  /** The delivery pipeline that owns this environment: deploys and level 3 go through it. @default - deployed by hand */
  readonly pipeline?: { readonly name: string; readonly stage: string };
}

/** A database migration: how it runs, how to run it by hand, and what a rollback can and cannot undo. */
export interface MigrationFact {
  /** Migration name from the definition. */
  readonly name: string;
  readonly phase: MigrationPhase;
  /** How and when it runs, one or two sentences. */
  readonly summary: string;
  /** Commands to run it (contract) or follow it (expand). */
  readonly commands: readonly RunbookCommand[];
  /** Commands that show it succeeded. */
  readonly verify: readonly RunbookCommand[];
  /** What a rollback means for this migration, one sentence. */
  readonly rollback: string;
}

/** A policy finding that was acknowledged rather than fixed, with the reason. */
export interface AcceptedRisk {
  /** Rule id, e.g. `AwsSolutions-IAM5`. */
  readonly rule: string;
  /** Construct path or resource it applies to. */
  readonly resource: string;
  readonly reason: string;
}

/** A resource the runbook names, so tests can check it exists in the output. */
export interface NamedResource {
  /** E.g. `AWS::CloudWatch::Alarm`, `argoproj.io/Rollout`. */
  readonly type: string;
  readonly name: string;
}

/**
 * What a construct knows that belongs in the runbook: what to watch, how to roll back, with real
 * names. Every field is optional; the runbook merges the facts of all constructs in a tree.
 */
export interface RunbookFacts {
  readonly context?: DeploymentContext;
  /** The rollout schedule that will really run, with a sentence on what each setting means. */
  readonly rollout?: { readonly schedule: CompiledSchedule; readonly summary: string };
  /** Detection power of each rollout step at the declared traffic (lib/plan/detection). */
  readonly detection?: DetectionReport;
  readonly alarms?: readonly AlarmFact[];
  readonly rollback?: readonly RollbackLevelFact[];
  /** What rolls a deployment back without a human, one sentence. */
  readonly automaticRollback?: string;
  /** Commands to run before deploying (diffs, checks). */
  readonly preDeploy?: readonly RunbookCommand[];
  /** Commands to follow a deployment as it happens. */
  readonly deploy?: readonly RunbookCommand[];
  /** Commands that check the new version answers (smoke tests). */
  readonly smoke?: readonly RunbookCommand[];
  /** Database migrations, expand and contract, in definition order. */
  readonly migrations?: readonly MigrationFact[];
  /** Items for the pre-deployment checklist, one line each. */
  readonly checklist?: readonly string[];
  /** Policy findings acknowledged instead of fixed. */
  readonly acceptedRisks?: readonly AcceptedRisk[];
  /** Dashboards and metrics to keep open. */
  readonly watch?: readonly string[];
  /** Secrets the workload receives, by reference only. */
  readonly secrets?: readonly { readonly name: string; readonly envVar: string; readonly rotation?: string }[];
  /** Every resource this construct names in its commands. */
  readonly resources?: readonly NamedResource[];
  /** Anything else worth knowing, one sentence each. */
  readonly notes?: readonly string[];
  /** Tools the commands need, one line each (merged and de-duplicated). */
  readonly prerequisites?: readonly string[];
  /** The directory every relative path in the commands resolves from. */
  readonly workingDirectory?: string;
  /** Names of the alarms that roll a deployment back by themselves, as wired by the contributing construct. */
  readonly deploymentAlarms?: readonly string[];
  /** A dashboard to open first, with its console URL. */
  readonly dashboard?: { readonly name: string; readonly url: string };
  /** Who hears each kind of alarm and how to send a test page (the target's alert routing). */
  readonly paging?: PagingFacts;
  /** The delivery pipeline that releases the service (its own runbook: `renderPipelineRunbook`). */
  readonly pipeline?: PipelineFacts;
  /** How incidents are run, and the procedures for pages that are not a bad release. @default - no incident sections */
  readonly incident?: IncidentResponseFacts;
  /** Commands that pin the account and the cluster before anything else (in "Before you start"). @default - none */
  readonly access?: readonly RunbookCommand[];
}

/** A construct that contributes to runbooks. */
export interface IRunbookContributor {
  runbookFacts(): RunbookFacts;
}

/**
 * The part of a construct (`IConstruct` of the constructs package) the runbook reads: its path,
 * its metadata and its subtree. Written out so that the declarations of the `glidepath` entry
 * point name no `constructs` package, which a Pulumi program does not install; every construct of
 * aws-cdk-lib or cdk8s is one.
 */
export interface RunbookTreeNode {
  readonly node: {
    readonly path: string;
    readonly metadata: readonly { readonly type: string; readonly data?: unknown }[];
    findAll(): RunbookTreeNode[];
  };
}

/** Whether a construct contributes runbook facts. */
export function isRunbookContributor(x: unknown): x is IRunbookContributor {
  return typeof x === 'object' && x !== null && typeof (x as IRunbookContributor).runbookFacts === 'function';
}

/**
 * Collects the facts of every contributor in a construct tree, in tree order (depth first), so a
 * runbook can be rendered from any tree: a `DeploymentStack`, a chart, or a user's own stack.
 */
export function collectRunbookFacts(root: RunbookTreeNode): RunbookFacts[] {
  const all = root.node.findAll();
  const facts = all.filter((c): c is RunbookTreeNode & IRunbookContributor => isRunbookContributor(c)).map((c) => c.runbookFacts());
  const acceptedRisks = all.flatMap(acknowledgedRules);
  return acceptedRisks.length > 0 ? [...facts, { acceptedRisks }] : facts;
}

/**
 * Where aws-cdk-lib's `Validations.of(x).acknowledge()` records an acknowledged policy finding
 * (cdk-nag v3 and other validation plugins): node metadata of this type, data `{ [ruleId]: reason }`.
 */
const ACKNOWLEDGED_RULES_METADATA = 'aws:cdk:acknowledged-rules';

/** The policy findings acknowledged on one construct (not its children), with their reasons. */
export function acknowledgedRules(construct: RunbookTreeNode): AcceptedRisk[] {
  return construct.node.metadata
    .filter((m) => m.type === ACKNOWLEDGED_RULES_METADATA && typeof m.data === 'object' && m.data !== null)
    .flatMap((m) =>
      Object.entries(m.data as Record<string, string>).map(([rule, reason]) => ({
        rule: rule.replace(/^Annotation::/, ''),
        resource: construct.node.path,
        reason: String(reason),
      })),
    );
}
