import { Duration } from '../../model/duration';
import type { RollbackBudgets } from '../../model/service-definition';
import type { CompiledSchedule } from '../../plan/rollout/schedule';
import { timeBound, type TimeBound } from '../../plan/timing';

/** Allowances the rollback bounds use for work whose duration the configuration does not fix. */
const TASK_START = Duration.seconds(60);
const TRAFFIC_SWITCH = Duration.seconds(60);
const STACK_UPDATE = Duration.minutes(3);

/**
 * Rollback bounds of an AWS stack from the configuration: level 2 stops an in-flight deployment
 * (traffic returns to the previous version at once) or redeploys the previous revision through the
 * same schedule; level 3 adds a stack update. Only the time until all traffic is on the good
 * version counts. On Lambda, level 2 moves the alias directly, outside CodeDeploy.
 */
export function awsLevelBounds(
  schedule: CompiledSchedule,
  container: boolean,
  budgets: RollbackBudgets,
): { readonly level2: TimeBound; readonly level3: TimeBound } {
  const beforeFull = schedule.steps.slice(0, -1).reduce((acc, s) => acc.plus(s.bake), Duration.seconds(0));
  // A redeploy through the rollout counts until all traffic is on the good version.
  const redeploy = [
    {
      what: container ? 'start and health-check new tasks (allowance 1m + 2 × 10s)' : 'CodeDeploy starts the deployment (allowance)',
      duration: container ? TASK_START.plus(Duration.seconds(20)) : Duration.seconds(30),
    },
    ...(beforeFull.toSeconds() > 0 ? [{ what: 'bake of the steps before 100% traffic', duration: beforeFull }] : []),
    { what: 'shift traffic', duration: TRAFFIC_SWITCH },
  ];
  const level2 = timeBound(
    container ? redeploy : [{ what: 'update the alias to the previous version', duration: Duration.seconds(10) }],
    budgets.configuration,
  );
  const level3 = timeBound([{ what: 'CloudFormation stack update (allowance)', duration: STACK_UPDATE }, ...redeploy], budgets.code);
  return { level2, level3 };
}
