import { problem, type Problem } from '../problems';
import type { Checkable } from './checkable';

/** Refuses flag rollouts that release to nobody, to everybody, or from a flag that is off. */
export function checkFlagRollouts(def: Checkable, problems: Problem[]): void {
  (def.featureFlags ?? []).forEach((flag, i) => {
    const rollout = flag.rollout;
    if (!rollout) return;
    const at = ['featureFlags', i, 'rollout', 'percent'];
    if (rollout.percent === 0 && !rollout.internalFirst) {
      problems.push(
        problem(
          at,
          0,
          'with "internalFirst" false nobody gets the flag; set "internalFirst: true" or a percentage above 0, or remove "rollout"',
        ),
      );
    }
    if (rollout.percent === 100) {
      problems.push(
        problem(at, 100, 'a 100% rollout is the same as the flag being on for everyone; remove "rollout" and keep "enabled: true"'),
      );
    }
    if (flag.enabled === false || flag.enabled === undefined) {
      problems.push(
        problem(
          ['featureFlags', i, 'enabled'],
          flag.enabled ?? false,
          `"rollout" only applies to a flag that is on; set "enabled: true" to release "${flag.name}" to ${rollout.internalFirst ? 'internal users and ' : ''}${rollout.percent}% of users`,
        ),
      );
    }
  });
}
