import type { MergedFacts } from '../merge';
import { table } from '../private/markdown';

/** "Communication plan": what to tell whom before, during and when there are issues. */
export function communication(out: string[], f: MergedFacts): void {
  const plan = f.context?.communication;
  if (!plan) return;
  out.push(
    '## Communication plan',
    '',
    table(
      ['When', 'What'],
      [
        ['Before', plan.before],
        ['During', plan.during],
        ['If issues', plan.ifIssues],
      ],
    ),
    '',
  );
}
