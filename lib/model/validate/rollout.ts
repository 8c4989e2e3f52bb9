import type { EnvironmentInput } from '../environment';
import { problem, type Problem } from '../problems';
import { RolloutStrategy } from '../rollout';
import { isContainer } from '../workload';
import type { Checkable, EnvironmentPath } from './checkable';

/** Refuses stages a strategy cannot run: out of order, not ending at 100 %, uneven linear steps, partial blue-green. */
export function checkRollout(env: EnvironmentInput, def: Checkable, at: EnvironmentPath, problems: Problem[]): void {
  const { strategy, stages } = env.rollout;
  const shifting = strategy === RolloutStrategy.CANARY || strategy === RolloutStrategy.LINEAR || strategy === RolloutStrategy.BLUE_GREEN;
  if (def.workload && !isContainer(def.workload) && strategy === RolloutStrategy.ROLLING) {
    problems.push(
      problem(
        at('rollout', 'strategy'),
        strategy,
        'functions shift traffic between versions and cannot roll instances; use "canary", "linear", "blue-green" or "all-at-once"',
      ),
    );
  }
  if (!shifting) {
    if (stages !== undefined) {
      problems.push(
        problem(at('rollout', 'stages'), stages, `"${strategy}" does not split traffic between versions; remove "stages" or use "canary"`),
      );
    }
    return;
  }
  if (stages === undefined) {
    return;
  }
  stages.forEach((stage, s) => {
    const where = at('rollout', 'stages', s);
    if (stage.bake.toSeconds() <= 0) {
      problems.push(problem([...where, 'bake'], stage.bake.toString(), 'bake time must be longer than 0s'));
    }
    if (s > 0 && stage.trafficPercent <= stages[s - 1].trafficPercent) {
      problems.push(
        problem(
          [...where, 'trafficPercent'],
          stage.trafficPercent,
          `it must be greater than stages[${s - 1}] (${stages[s - 1].trafficPercent}); stages run in order of increasing traffic`,
        ),
      );
    }
  });
  const last = stages[stages.length - 1];
  if (last.trafficPercent !== 100) {
    problems.push(
      problem(
        at('rollout', 'stages', stages.length - 1, 'trafficPercent'),
        last.trafficPercent,
        'the last stage must send 100% of traffic to the new version',
      ),
    );
  }
  if (strategy === RolloutStrategy.BLUE_GREEN) {
    stages.forEach((stage, s) => {
      if (stage.trafficPercent !== 0 && stage.trafficPercent !== 100) {
        problems.push(
          problem(
            at('rollout', 'stages', s, 'trafficPercent'),
            stage.trafficPercent,
            'blue-green shifts all traffic at once, so stages may only be 0% (test route) and 100%; use "canary" for partial stages',
          ),
        );
      }
    });
  }
  if (strategy === RolloutStrategy.LINEAR) {
    const shifting = stages.filter((st) => st.trafficPercent > 0);
    const step = shifting[0]?.trafficPercent ?? 100;
    shifting.forEach((stage, k) => {
      const expected = Math.min(100, step * (k + 1));
      // The last stage (100 %) may follow any step: the platforms keep stepping by `step` until 100 %, so
      // `[10%, 100%]` is a shorthand for 10 equal steps and the compiled schedule lists them all.
      if (Math.abs(stage.trafficPercent - expected) > 1e-9 && stage !== shifting[shifting.length - 1]) {
        const s = stages.indexOf(stage);
        problems.push(
          problem(
            at('rollout', 'stages', s, 'trafficPercent'),
            stage.trafficPercent,
            `linear rollouts move in equal steps of ${step}%, so this stage must be ${expected}%; use "canary" for uneven stages`,
          ),
        );
      }
    });
  }
}
