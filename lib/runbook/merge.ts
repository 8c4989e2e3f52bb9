import { mergePaging, type PagingFacts } from './paging';
import type { AcceptedRisk, AlarmFact, MigrationFact, NamedResource, RollbackLevelFact, RunbookCommand, RunbookFacts } from './facts';

/** The facts of a whole construct tree, merged into one document's worth. */
export interface MergedFacts {
  readonly context?: RunbookFacts['context'];
  readonly rollout?: RunbookFacts['rollout'];
  readonly detection?: RunbookFacts['detection'];
  readonly automaticRollback: readonly string[];
  readonly alarms: readonly AlarmFact[];
  readonly rollback: readonly RollbackLevelFact[];
  readonly preDeploy: readonly RunbookCommand[];
  readonly deploy: readonly RunbookCommand[];
  readonly smoke: readonly RunbookCommand[];
  readonly migrations: readonly MigrationFact[];
  readonly checklist: readonly string[];
  readonly acceptedRisks: readonly AcceptedRisk[];
  readonly watch: readonly string[];
  readonly secrets: NonNullable<RunbookFacts['secrets']>;
  readonly resources: readonly NamedResource[];
  readonly notes: readonly string[];
  readonly prerequisites: readonly string[];
  readonly workingDirectory?: string;
  readonly deploymentAlarms: readonly string[];
  readonly dashboard?: RunbookFacts['dashboard'];
  readonly paging?: PagingFacts;
  readonly incident?: RunbookFacts['incident'];
  readonly access: readonly RunbookCommand[];
}

/**
 * Merges facts from many constructs: the first context and rollout win; lists are concatenated in
 * tree order; rollback levels with the same number are combined (titles and conditions joined,
 * commands concatenated, the first computed bound kept).
 */
export function mergeFacts(all: readonly RunbookFacts[]): MergedFacts {
  const levels = new Map<number, RollbackLevelFact>();
  for (const fact of all.flatMap((f) => f.rollback ?? [])) {
    const existing = levels.get(fact.level);
    levels.set(
      fact.level,
      existing
        ? {
            level: fact.level,
            title: existing.commands.length === 0 && fact.commands.length > 0 ? fact.title : existing.title,
            when: [existing.when, fact.when].filter((w) => w.length > 0).join(' '),
            commands: [...existing.commands, ...fact.commands],
            verify: [...existing.verify, ...fact.verify],
            bound: existing.bound ?? fact.bound,
            afterwards: [existing.afterwards, fact.afterwards].filter((a) => a).join(' ') || undefined,
          }
        : fact,
    );
  }
  return {
    context: all.find((f) => f.context)?.context,
    rollout: all.find((f) => f.rollout)?.rollout,
    detection: all.find((f) => f.detection)?.detection,
    automaticRollback: all.flatMap((f) => (f.automaticRollback ? [f.automaticRollback] : [])),
    alarms: all.flatMap((f) => f.alarms ?? []),
    rollback: [...levels.values()].sort((a, b) => a.level - b.level),
    preDeploy: all.flatMap((f) => f.preDeploy ?? []),
    // Two contributors asking for the same check (e.g. two ExternalSecrets groups in one namespace) make one step.
    deploy: all.flatMap((f) => f.deploy ?? []).filter((c, i, list) => list.findIndex((d) => d.command === c.command) === i),
    smoke: all.flatMap((f) => f.smoke ?? []),
    migrations: all.flatMap((f) => f.migrations ?? []),
    checklist: all.flatMap((f) => f.checklist ?? []),
    acceptedRisks: all.flatMap((f) => f.acceptedRisks ?? []),
    watch: all.flatMap((f) => f.watch ?? []),
    secrets: all.flatMap((f) => f.secrets ?? []),
    resources: all.flatMap((f) => f.resources ?? []),
    notes: all.flatMap((f) => f.notes ?? []),
    prerequisites: [...new Set(all.flatMap((f) => f.prerequisites ?? []))],
    workingDirectory: all.find((f) => f.workingDirectory)?.workingDirectory,
    deploymentAlarms: [...new Set(all.flatMap((f) => f.deploymentAlarms ?? []))],
    dashboard: all.find((f) => f.dashboard)?.dashboard,
    paging: mergePaging(all),
    incident: mergeIncident(all),
    access: all.flatMap((f) => f.access ?? []),
  };
}

/** The first contributor's incident facts, with every contributor's procedures and commands added. */
function mergeIncident(all: readonly RunbookFacts[]): RunbookFacts['incident'] {
  const parts = all.flatMap((f) => (f.incident ? [f.incident] : []));
  if (parts.length === 0) return undefined;
  return {
    ...parts[0],
    whatChanged: parts.flatMap((p) => p.whatChanged),
    mitigations: parts.flatMap((p) => p.mitigations),
    verification: parts.flatMap((p) => p.verification),
    afterwards: parts.flatMap((p) => p.afterwards),
    procedures: parts.flatMap((p) => p.procedures),
  };
}
