import { AlarmSeverity, type AlarmFact } from '../facts';
import type { MergedFacts } from '../merge';
import { table } from '../private/markdown';
import { whoHears } from '../paging';
import { wiredAlarms } from './alarms';

/** The rollback level to consider first when an alarm fires. */
function levelToConsider(f: MergedFacts, a: AlarmFact): string {
  if (a.missingData.startsWith('breaching')) return 'restore capacity first, then level 2 if a release caused it';
  if (a.severity === AlarmSeverity.WARNING) return 'none yet: hold rollouts and watch';
  if (a.severity === AlarmSeverity.HEARTBEAT) return 'none: it always fires; if it stops, restore Prometheus and Alertmanager first';
  const automatic = wiredAlarms(f).includes(a.name)
    ? 'during a deployment it rolls back by itself (confirm with level 2 verify); otherwise '
    : '';
  const flags = f.rollback.some((l) => l.level === 1 && l.commands.length > 0);
  return `${automatic}${flags ? 'level 1 if a flag covers the change, else level 2' : 'level 2'}`;
}

/**
 * "Paged? Start here": one row per alarm with its meaning, the first command and the level to
 * consider, and the rule for several alarms at once, so an incident starts at the top.
 */
export function triage(out: string[], f: MergedFacts): void {
  if (f.alarms.length === 0) return;
  const deadMan = f.alarms.find((a) => a.missingData.startsWith('breaching'));
  out.push(
    '## Paged? Start here',
    '',
    deadMan
      ? `Several alarms at once: start with the dead-man's switch [${deadMan.name}](#${deadMan.anchor}) if it fires (every other alarm is blind while it does), then critical before warning, then follow the first alarm that fired.`
      : 'Several alarms at once: critical before warning, then follow the first alarm that fired.',
    '',
    table(
      // "Who hears it" when the tree declares its receivers (a hand-composed tree may route alerts itself).
      ['Alarm', 'Means', ...(f.paging ? ['Who hears it'] : []), 'First command', 'Consider'],
      f.alarms.map((a) => {
        const first = a.diagnosis[0]?.command;
        const inline = first && !first.includes('`') && !first.includes('\n') ? `\`${first}\`` : 'see its section';
        const who = f.paging ? [whoHears(f.paging, a.severity)] : [];
        return [`[${a.name}](#${a.anchor})`, a.meaning, ...who, inline, levelToConsider(f, a)];
      }),
    ),
    '',
  );
}
