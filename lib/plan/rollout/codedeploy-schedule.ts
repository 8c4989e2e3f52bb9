import { Duration } from '../../model/duration';
import type { EnvironmentDefinition } from '../../model/environment';
import { RolloutStrategy, type Stage } from '../../model/rollout';
import { Backend, compiledSchedule, wholeMinutes, type CompiledSchedule, type ScheduleStep } from './schedule';

/** CodeDeploy traffic routing for a Lambda alias. */
export type LambdaTrafficRouting =
  { readonly type: 'all-at-once' } | { readonly type: 'canary' | 'linear'; readonly percentage: number; readonly intervalMinutes: number };

/** A Lambda rollout: the CodeDeploy routing and the schedule it produces. */
export interface LambdaRolloutPlan {
  readonly routing: LambdaTrafficRouting;
  readonly schedule: CompiledSchedule;
}

/**
 * Compiles a rollout for a Lambda alias shifted by CodeDeploy: one canary step then all traffic,
 * equal linear steps, or all at once; whole percentages and whole minutes. CodeDeploy finishes when
 * all traffic has shifted, so a bake after 100 % is not enforced; that is reported.
 */
export function compileLambdaRollout(env: EnvironmentDefinition): LambdaRolloutPlan {
  const { rollout } = env;
  const deviations: string[] = [];
  const unheldWaits: string[] = [];
  const shifting = rollout.stages.filter((s) => s.trafficPercent > 0);
  const final = shifting[shifting.length - 1];
  for (const stage of rollout.stages.filter((s) => s.trafficPercent === 0)) {
    unheldWaits.push(
      `stage "${stage.name}" (0%) bakes ${stage.bake} in the request; CodeDeploy runs the pre-traffic hook and then shifts, so it runs 0m`,
    );
  }
  if (final) {
    unheldWaits.push(
      `stage "${final.name}" (100%) bakes ${final.bake} in the request; CodeDeploy ends the deployment when all traffic has shifted, so watch the alarms for that long and roll back with level 2 if one fires`,
    );
  }
  const step = (stage: Stage, trafficPercent: number, bake: Duration): ScheduleStep => ({
    name: stage.name,
    trafficPercent,
    bake,
    validation: stage.validation,
    rollbackTrigger: stage.rollbackTrigger,
  });
  const wholePercent = (stage: Stage): number => {
    const p = Math.min(99, Math.max(1, Math.round(stage.trafficPercent)));
    if (p !== stage.trafficPercent) {
      deviations.push(
        `stage "${stage.name}" sends ${stage.trafficPercent}%; CodeDeploy takes whole percentages from 1 to 99, so it sends ${p}%`,
      );
    }
    return p;
  };

  if (rollout.strategy === RolloutStrategy.CANARY && shifting.length > 1) {
    const canary = shifting[0];
    const percentage = wholePercent(canary);
    const skipped = shifting.slice(1, -1);
    if (skipped.length > 0) {
      deviations.push(
        `CodeDeploy canaries shift one step and then all traffic, so stage${skipped.length > 1 ? 's' : ''} ${skipped
          .map((s) => `"${s.name}" (${s.trafficPercent}%)`)
          .join(', ')} will not run`,
      );
    }
    const intervalMinutes = Math.max(1, wholeMinutes(canary.bake, `stage "${canary.name}" bake`, deviations));
    return {
      routing: { type: 'canary', percentage, intervalMinutes },
      schedule: compiledSchedule(
        Backend.LAMBDA_CODEDEPLOY,
        rollout.strategy,
        [step(canary, percentage, Duration.minutes(intervalMinutes)), step(final, 100, Duration.seconds(0))],
        deviations,
        unheldWaits,
      ),
    };
  }
  if (rollout.strategy === RolloutStrategy.LINEAR && shifting.length > 1) {
    const first = shifting[0];
    const percentage = wholePercent(first);
    const intervalMinutes = Math.max(1, wholeMinutes(first.bake, `stage "${first.name}" bake`, deviations));
    if (shifting.slice(0, -1).some((s) => s.bake.toSeconds() !== first.bake.toSeconds())) {
      deviations.push(
        `CodeDeploy linear steps all wait the same interval, so every step bakes ${intervalMinutes}m (stage "${first.name}")`,
      );
    }
    const steps: ScheduleStep[] = [];
    for (let traffic = percentage; traffic < 100; traffic += percentage) {
      steps.push(step({ ...first, name: `step-${traffic}` }, traffic, Duration.minutes(intervalMinutes)));
    }
    steps.push(step(final, 100, Duration.seconds(0)));
    return {
      routing: { type: 'linear', percentage, intervalMinutes },
      schedule: compiledSchedule(Backend.LAMBDA_CODEDEPLOY, rollout.strategy, steps, deviations, unheldWaits),
    };
  }
  // blue-green, all-at-once, and a canary or linear plan without a partial stage: shift everything at once.
  if (rollout.strategy === RolloutStrategy.CANARY || rollout.strategy === RolloutStrategy.LINEAR) {
    deviations.push('the plan has no partial stage, so CodeDeploy shifts all traffic at once');
  }
  const last = final ?? { name: 'full', trafficPercent: 100, bake: Duration.seconds(0) };
  return {
    routing: { type: 'all-at-once' },
    schedule: compiledSchedule(
      Backend.LAMBDA_CODEDEPLOY,
      rollout.strategy,
      [step(last, 100, Duration.seconds(0))],
      deviations,
      unheldWaits,
    ),
  };
}
