import { Duration } from '../model/duration';
import type { Evaluation } from '../model/alarm-policy';

/**
 * Time from the start of a problem until an alarm with this evaluation can fire: CloudWatch needs
 * `datapointsToAlarm` breaching periods, and evaluates about one period late.
 */
export function timeToDetect(evaluation: Evaluation): Duration {
  return evaluation.period.times(evaluation.datapointsToAlarm + 1);
}

/** A time bound with the parts it is made of, for the runbook to show its arithmetic. */
export interface TimeBound {
  readonly total: Duration;
  /** Each part, e.g. `["detect 3m (1m × 2 + 1m)", "ECS rollback 2m"]`. */
  readonly parts: readonly { readonly what: string; readonly duration: Duration }[];
  readonly budget: Duration;
  readonly withinBudget: boolean;
}

/** Adds up parts and compares them with a budget. */
export function timeBound(parts: { what: string; duration: Duration }[], budget: Duration): TimeBound {
  const total = parts.reduce((acc, p) => acc.plus(p.duration), Duration.seconds(0));
  return { total, parts, budget, withinBudget: total.toSeconds() <= budget.toSeconds() };
}
