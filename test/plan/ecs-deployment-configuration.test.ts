import { ecsDeploymentConfiguration } from '../../lib/plan/rollout/ecs-schedule';

/*
 * ECS deployment types: canary moves one step then the rest, linear moves equal steps, each step
 * followed by its bake time; the deployment circuit breaker applies to rolling updates and
 * blue/green deployments, while canary and linear deployments are stopped by the deployment alarms.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html
 */
const healthy = { minimumHealthyPercent: 100, maximumPercent: 200 };

describe('ecsDeploymentConfiguration', () => {
  test('a canary step: its percentage and bake, no linear step, no circuit breaker', () => {
    expect(ecsDeploymentConfiguration({ strategy: 'CANARY', stepPercent: 10, stepBakeMinutes: 5, bakeMinutes: 15, ...healthy })).toEqual({
      strategy: 'CANARY',
      bakeMinutes: 15,
      canary: { stepPercent: 10, stepBakeMinutes: 5 },
      linear: undefined,
      circuitBreaker: false,
    });
  });

  test('a linear step: its percentage and bake (0 when the plan gives none), no canary step, no circuit breaker', () => {
    expect(ecsDeploymentConfiguration({ strategy: 'LINEAR', stepPercent: 25, ...healthy })).toEqual({
      strategy: 'LINEAR',
      bakeMinutes: undefined,
      canary: undefined,
      linear: { stepPercent: 25, stepBakeMinutes: 0 },
      circuitBreaker: false,
    });
  });

  test('blue/green and rolling have no traffic steps and are watched by the circuit breaker', () => {
    expect(ecsDeploymentConfiguration({ strategy: 'BLUE_GREEN', bakeMinutes: 10, ...healthy })).toEqual({
      strategy: 'BLUE_GREEN',
      bakeMinutes: 10,
      canary: undefined,
      linear: undefined,
      circuitBreaker: true,
    });
    expect(ecsDeploymentConfiguration({ strategy: 'ROLLING', ...healthy })).toMatchObject({
      canary: undefined,
      linear: undefined,
      circuitBreaker: true,
    });
  });
});
