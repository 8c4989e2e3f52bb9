import type { CompiledSchedule } from '../../plan/rollout/schedule';

/** One paragraph on how the rollout pattern shapes rollback, from the schedule that will run. */
export function rollbackEffect(strategy: string, schedule: CompiledSchedule | undefined): string {
  const steps = schedule?.steps ?? [];
  const full = steps[steps.length - 1];
  const firstShift = steps.find((s) => s.trafficPercent > 0 && s.trafficPercent < 100);
  switch (strategy) {
    case 'blue-green':
      return `The previous version keeps running${full ? ` through the ${full.bake} bake after the switch` : ''}; a rollback in that window moves traffic back at once, without starting anything.`;
    case 'canary':
      return firstShift
        ? `Only ${firstShift.trafficPercent}% of traffic reaches the new version for the first ${firstShift.bake}, so a bad release is caught on a small share; once all traffic has moved, a rollback is a new rollout of the previous version.`
        : 'All traffic moves at once after the checks, so a rollback is a new rollout of the previous version.';
    case 'linear':
      return firstShift
        ? `Traffic moves in equal steps of ${firstShift.trafficPercent}%, so exposure grows slowly; before the last step, a rollback only has to take back the shifted share.`
        : 'Traffic moves in equal steps; a rollback takes back the shifted share.';
    case 'rolling':
      return 'Old and new instances serve side by side during the update; a rollback is another rolling update to the previous version.';
    default:
      return 'Instances restart all at once, with downtime; a rollback repeats that downtime. Use this only where an outage is acceptable.';
  }
}
