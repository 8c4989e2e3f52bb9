import type { MergedFacts } from '../merge';

/** "Pre-deployment checklist": what must hold before the deployment starts. */
export function checklist(out: string[], f: MergedFacts): void {
  const ctx = f.context;
  const items = [
    'All tests pass on the commit being released',
    'Code review complete; critical findings resolved',
    ...(ctx?.approval ? [`Approval for ${ctx.environment} recorded (this environment requires a human approval)`] : []),
    ...f.checklist,
    ...(ctx ? [`${ctx.owners.primary} (primary) and ${ctx.owners.backup} (backup) are available for the rollback decision`] : []),
    'Dashboards and alarms below are open; no alarm is firing before the start',
    ...(ctx?.communication?.checklist ?? []),
  ];
  out.push('## Pre-deployment checklist', '', ...items.map((i) => `- [ ] ${i}`), '');
}
