import type { TimeBound } from '../plan/timing';
import type { RunbookFacts } from './facts';
import { GENERATED_MARKER } from './render';
import { prose, table } from './private/markdown';
import { commandSteps } from './private/command-steps';

/**
 * Renders the runbook of a delivery pipeline from the facts of its construct tree: the stages in
 * order with their gates, then how to follow, approve, retry and stop a release, with exact
 * `aws codepipeline` commands, and the policy findings accepted instead of fixed. Deterministic.
 */
export function renderPipelineRunbook(facts: readonly RunbookFacts[]): string {
  const p = facts.find((f) => f.pipeline)?.pipeline;
  if (!p) {
    throw new Error('no construct in the tree contributes pipeline facts; render the tree of a DeliveryPipeline');
  }
  const risks = facts.flatMap((f) => f.acceptedRisks ?? []);
  const out: string[] = [
    GENERATED_MARKER,
    '',
    `# Runbook: pipeline ${p.pipelineName}`,
    '',
    '> Generated: edit the definition, not this file.',
    '',
  ];
  if (p.workingDirectory || p.prerequisites) {
    out.push('## Before you start', '');
    if (p.workingDirectory)
      out.push(
        prose(
          `Working directory: ${p.workingDirectory}. Run the commands of a section in order, in one bash shell: later steps use variables set by earlier ones.`,
        ),
        '',
      );
    if (p.prerequisites) out.push('You need:', '', ...p.prerequisites.map((x) => prose(`- ${x}`)), '');
  }
  out.push(
    `\`${p.pipelineName}\` releases \`${p.source}\`: every commit is installed, linted, tested, built and synthesized, then promoted through the stages below in order. A stage starts only when the one before it passed its smoke tests.`,
    '',
    '## Pipeline',
    '',
    table(
      ['Order', 'Stage', 'Deploys', 'Before', 'After'],
      p.stages.map((s, i) => [
        i + 1,
        `\`${s.name}\``,
        s.environments.join(', ') +
          (s.environments.length > 1 ? ' (in parallel)' : '') +
          (s.canaryOf ? ` (canary of wave ${s.canaryOf})` : ''),
        s.approval ? '`glidepath check`, then human approval (action `Approve`)' : '`glidepath check`',
        s.smokeTests ? 'smoke tests (action `SmokeTest`)' : '-',
      ]),
    ),
    '',
    p.failureTopic
      ? `A failed execution notifies SNS topic \`${p.failureTopic}\` (EventBridge rule \`${p.pipelineName}-failed\`).`
      : `A failed execution notifies the alert topic (EventBridge rule \`${p.pipelineName}-failed\`).`,
    '',
    '### Follow a release',
    '',
    ...commandSteps(p.follow),
  );
  out.push('### Approve a release', '');
  out.push(
    ...(p.approve.length > 0
      ? commandSteps(p.approve)
      : ['No stage waits for a human: every environment deploys when the one before it passed.', '']),
  );
  out.push(
    '### Retry a failed stage',
    '',
    "Fix the cause first (a failed smoke test means the new version misbehaves: roll back with the environment's runbook).",
    '',
    ...commandSteps(p.retry),
  );
  if (p.rollback && p.rollback.length > 0) {
    out.push('### Roll back a release', '', ...commandSteps(p.rollback), ...boundLine(p.bounds?.rollback));
  }
  out.push('### Stop a release', '', ...commandSteps(p.stop), ...boundLine(p.bounds?.stop));
  out.push('## Accepted risks', '');
  out.push(
    risks.length === 0
      ? 'None: no policy finding was acknowledged instead of fixed.'
      : table(
          ['Rule', 'Resource', 'Why it is accepted'],
          risks.map((r) => [r.rule, `\`${r.resource}\``, r.reason]),
        ),
    '',
  );
  return (
    out
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trimEnd() + '\n'
  );
}

function boundLine(b: TimeBound | undefined): string[] {
  return b
    ? [
        `Time bound: **${b.total}** (${b.parts.map((x) => `${x.what} ${x.duration}`).join(' + ')}), ${b.withinBudget ? `within the ${b.budget} budget` : `**over the ${b.budget} budget**`}.`,
        '',
      ]
    : [];
}
