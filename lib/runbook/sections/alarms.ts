import { AlarmSeverity, type AlarmFact } from '../facts';
import type { MergedFacts } from '../merge';
import { commandSteps } from '../private/command-steps';

/**
 * "Alarms": one section per alarm (meaning, impact, diagnosis, mitigation), the target of its anchor.
 */
export function alarmSections(out: string[], f: MergedFacts): void {
  if (f.alarms.length === 0) return;
  out.push('## Alarms', '');
  for (const a of f.alarms) {
    out.push(`### ${a.anchor}`, '');
    out.push(`Alarm \`${a.name}\` (${severityText(f, a)}): ${a.condition}.`, '');
    out.push('**Meaning.** ' + a.meaning, '', '**Impact.** ' + a.impact, '');
    if (a.diagnosis.length > 0) {
      out.push('**Diagnosis.**', '', ...commandSteps(a.diagnosis), '');
    }
    out.push('**Mitigation.**', '', ...a.mitigation.map((m) => `- ${m}`), '');
  }
}

/**
 * The alarms that roll a deployment back by themselves: those the contributing constructs say they
 * wired; for contributors that do not list them, the rollback-severity alarms when an automatic
 * rollback is described (Argo analysis on Kubernetes).
 */
export function wiredAlarms(f: MergedFacts): readonly string[] {
  if (f.deploymentAlarms.length > 0) return f.deploymentAlarms;
  return f.automaticRollback.length > 0 ? f.alarms.filter((a) => a.severity === AlarmSeverity.ROLLBACK).map((a) => a.name) : [];
}

function severityText(f: MergedFacts, a: AlarmFact): string {
  const wired = wiredAlarms(f).includes(a.name);
  if (a.severity === AlarmSeverity.ROLLBACK) return wired ? 'rolls deployments back' : 'rollback trigger, not wired to any deployment here';
  return wired ? `${a.severity}, rolls deployments back` : a.severity;
}
