import type { EnvironmentInput } from '../environment';
import { formatPath, problem, type Problem } from '../problems';
import type { Checkable, EnvironmentPath } from './checkable';

/** Refuses autoscaling bounds that are half given, inverted, or that exclude the desired count. */
export function checkCapacity(env: EnvironmentInput, def: Checkable, at: EnvironmentPath, problems: Problem[]): void {
  const capacity = env.capacity ?? {};
  const { minCount, maxCount } = capacity;
  if ((minCount === undefined) !== (maxCount === undefined)) {
    problems.push(
      problem(at('capacity', minCount === undefined ? 'minCount' : 'maxCount'), undefined, 'autoscaling needs both minCount and maxCount'),
    );
    return;
  }
  if (minCount !== undefined && maxCount !== undefined) {
    if (minCount > maxCount) {
      problems.push(problem(at('capacity', 'minCount'), minCount, `it must not exceed maxCount (${maxCount})`));
      return;
    }
    if (capacity.desiredCount !== undefined) {
      if (capacity.desiredCount < minCount || capacity.desiredCount > maxCount) {
        problems.push(
          problem(
            at('capacity', 'desiredCount'),
            capacity.desiredCount,
            `it must be between minCount (${minCount}) and maxCount (${maxCount})`,
          ),
        );
      }
    } else if (
      def.workload?.container &&
      (def.workload.container.desiredCount < minCount || def.workload.container.desiredCount > maxCount)
    ) {
      problems.push(
        problem(
          ['workload', 'container', 'desiredCount'],
          def.workload.container.desiredCount,
          `it is outside ${formatPath(at('capacity'))} minCount (${minCount}) to maxCount (${maxCount}); set ${formatPath(at('capacity', 'desiredCount'))} between them`,
        ),
      );
    }
  }
}
