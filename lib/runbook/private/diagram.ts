import type { CompiledSchedule } from '../../plan/rollout/schedule';

/** Text safe inside a quoted Mermaid label. */
function label(text: string): string {
  return `"${text.replace(/"/g, '#quot;')}"`;
}

/**
 * A Mermaid flowchart of the rollout: the steps in order, the automatic rollback from any step,
 * and the manual decision points of the rollback ladder.
 */
export function rolloutDiagram(
  schedule: CompiledSchedule | undefined,
  deployCommand: string,
  automatic: boolean,
  // What triggers the automatic rollback and what it does, in the target's terms.
  trigger: { readonly when: string; readonly then: string } = {
    when: 'deployment alarm fires',
    then: 'automatic rollback to the previous version',
  },
): string {
  const lines = ['```mermaid', 'flowchart TD'];
  lines.push(`  start([${label(deployCommand)}])`);
  const steps = schedule?.steps ?? [];
  let previous = 'start';
  if (steps.length === 0) {
    // Without a compiled schedule nothing is known about traffic splitting: say so, claim nothing.
    lines.push(
      `  replace[${label(schedule ? 'replace instances (no traffic split)' : 'rollout (schedule not described)')}]`,
      `  start --> replace`,
    );
    previous = 'replace';
  }
  steps.forEach((step, i) => {
    const id = `s${i}`;
    lines.push(`  ${id}[${label(`${step.name}: ${step.trafficPercent}% for ${step.bake}`)}]`);
    lines.push(`  ${previous} --> ${id}`);
    previous = id;
  });
  lines.push(`  done([${label('release complete')}])`, `  ${previous} -->|alarms OK| done`);
  lines.push(`  watch{${label('alarm fires or users report a problem')}}`);
  const watched = steps.length === 0 ? ['replace'] : steps.map((_, i) => `s${i}`);
  for (const id of watched) {
    lines.push(`  ${id} -.-> watch`);
  }
  if (automatic) {
    lines.push(`  watch -->|${trigger.when}| auto[${label(trigger.then)}]`);
  }
  lines.push(
    `  watch -->|change behind a flag| l1[${label('Level 1: turn the flag off')}]`,
    `  watch -->|no flag, previous revision good| l2[${label('Level 2: previous revision')}]`,
    `  watch -->|infrastructure changed| l3[${label('Level 3: revert and redeploy')}]`,
    '```',
  );
  return lines.join('\n');
}
