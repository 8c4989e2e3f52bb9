import { Duration } from 'aws-cdk-lib/core';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import type { LambdaTrafficRouting } from '../../../lib/plan/rollout/codedeploy-schedule';
import { routingSlug } from '../../../lib/plan/function-release-spec';
import { Backend, type CompiledSchedule } from '../../../lib/plan/rollout/schedule';

/** The aws-cdk-lib traffic routing of a compiled CodeDeploy routing. */
export function trafficRoutingOf(routing: LambdaTrafficRouting): codedeploy.TrafficRouting {
  switch (routing.type) {
    case 'canary':
      return codedeploy.TrafficRouting.timeBasedCanary({
        interval: Duration.minutes(routing.intervalMinutes),
        percentage: routing.percentage,
      });
    case 'linear':
      return codedeploy.TrafficRouting.timeBasedLinear({
        interval: Duration.minutes(routing.intervalMinutes),
        percentage: routing.percentage,
      });
    case 'all-at-once':
      return codedeploy.TrafficRouting.allAtOnce();
  }
}

/** The routing, refused unless CodeDeploy can run it (whole percentages from 1 to 99, whole minutes). */
export function checkedRouting(routing: LambdaTrafficRouting): LambdaTrafficRouting {
  if (routing.type === 'all-at-once') {
    return routing;
  }
  if (!Number.isInteger(routing.percentage) || routing.percentage < 1 || routing.percentage > 99) {
    throw new Error(
      `'routing.percentage' (${routing.percentage}) must be a whole number from 1 to 99: CodeDeploy shifts whole percentages`,
    );
  }
  if (!Number.isInteger(routing.intervalMinutes) || routing.intervalMinutes < 1) {
    throw new Error(
      `'routing.intervalMinutes' (${routing.intervalMinutes}) must be a whole number of minutes, at least 1: CodeDeploy counts whole minutes`,
    );
  }
  return routing;
}

/** The schedule, refused unless it is a CodeDeploy schedule that starts with the routing's first step. */
export function checkedSchedule(schedule: CompiledSchedule, routing: LambdaTrafficRouting): CompiledSchedule {
  if (schedule.backend !== Backend.LAMBDA_CODEDEPLOY) {
    throw new Error(
      `'schedule.backend' (${schedule.backend}) must be '${Backend.LAMBDA_CODEDEPLOY}': pass the schedule compileLambdaRollout returned with 'routing'`,
    );
  }
  const first = schedule.steps[0];
  const expected =
    routing.type === 'all-at-once'
      ? { trafficPercent: 100, bakeMinutes: 0 }
      : { trafficPercent: routing.percentage, bakeMinutes: routing.intervalMinutes };
  if (!first || first.trafficPercent !== expected.trafficPercent || first.bake.toMinutes() !== expected.bakeMinutes) {
    const got = first ? `${first.trafficPercent}% for ${first.bake}` : 'no steps';
    throw new Error(
      `'schedule' starts with ${got} but 'routing' (${routingSlug(routing)}) starts with ${expected.trafficPercent}% for ${expected.bakeMinutes}m; pass the schedule and routing from the same compileLambdaRollout call`,
    );
  }
  return schedule;
}
