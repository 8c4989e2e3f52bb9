import { DefinitionError, validateDefinition } from '../../../lib/model';
import { RolloutStrategy } from '../../../lib/model/rollout';
import { compileLambdaRollout } from '../../../lib/plan/rollout/codedeploy-schedule';
import { compileEcsRollout } from '../../../lib/plan/rollout/ecs-schedule';
import { planAwsRollout } from '../../../lib/plan/rollout/rollout-plan';
import { Backend, compiledSchedule, enforceStrict } from '../../../lib/plan/rollout/schedule';
import { environmentWith, stage, stepsOf } from '../helpers';

/**
 * Edges of the ECS and CodeDeploy schedules, every fixture built inside its test. The platform
 * limits are the AWS documentation's:
 * - ECS: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html
 *   (`bakeTimeInMinutes` 0–1440), API_CanaryConfiguration.html (`canaryPercent` in steps of 0.1)
 *   and API_LinearConfiguration.html (`stepPercent` 3.0–100.0, in steps of 0.1)
 * - CodeDeploy: https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_TimeBasedLinear.html
 *   and API_TimeBasedCanary.html (whole percentages, intervals in whole minutes)
 */

const wholeMinutesNote = (name: string, bake: string, minutes: number) =>
  `stage "${name}" bake is ${bake}; the platform counts whole minutes, so it runs ${minutes}m`;

describe('ECS bakes', () => {
  test('exactly 24 hours is within ECS limit: no deviation', () => {
    const { settings, schedule } = compileEcsRollout(environmentWith({ strategy: 'canary', stages: [stage(10, '5m'), stage(100, '1d')] }));
    expect(settings.bakeMinutes).toBe(1440);
    expect(schedule.deviations).toEqual([]);
  });

  test('every bake ECS rounds up names its stage', () => {
    // A canary with one stage only runs as blue/green.
    const single = compileEcsRollout(environmentWith({ strategy: 'canary', stages: [stage(100, '90s', 'full')] }));
    expect(single.schedule.deviations).toEqual([
      'the plan has no partial stage, so ECS runs it as blue/green (all traffic at once)',
      wholeMinutesNote('full', '1m30s', 2),
    ]);
    const canary = compileEcsRollout(environmentWith({ strategy: 'canary', stages: [stage(10, '5m'), stage(100, '90s', 'full')] }));
    expect(canary.schedule.deviations).toEqual([wholeMinutesNote('full', '1m30s', 2)]);
    const linear = compileEcsRollout(
      environmentWith({ strategy: 'linear', stages: [stage(50, '90s', 'half'), stage(100, '150s', 'full')] }),
    );
    expect(linear.schedule.deviations).toEqual([wholeMinutesNote('half', '1m30s', 2), wholeMinutesNote('full', '2m30s', 3)]);
    expect(stepsOf(linear.schedule)).toEqual(['half 50% 2m', 'full 100% 3m']);
    const blueGreen = compileEcsRollout(environmentWith({ strategy: 'blue-green', stages: [stage(100, '90s', 'switch')] }));
    expect(blueGreen.schedule.deviations).toEqual([wholeMinutesNote('switch', '1m30s', 2)]);
  });
});

describe('ECS linear steps', () => {
  test('a step below 3% after rounding is reported once, as raised to 3%', () => {
    const { settings, schedule } = compileEcsRollout(
      environmentWith({ strategy: 'linear', stages: [stage(2.55, '1m'), stage(100, '1m')] }),
    );
    expect(settings.stepPercent).toBe(3);
    expect(schedule.deviations).toEqual(['linear step is 2.55%; ECS linear steps are at least 3%, so it steps 3%']);
  });

  test('a step that rounds to exactly 3% is rounded, not raised', () => {
    const { settings, schedule } = compileEcsRollout(
      environmentWith({ strategy: 'linear', stages: [stage(3.04, '1m', 'small'), stage(100, '1m')] }),
    );
    expect(settings.stepPercent).toBe(3);
    expect(schedule.deviations).toEqual(['stage "small" sends 3.04%; ECS takes multiples of 0.1%, so it steps 3%']);
  });

  test('exactly 3% runs as requested: 33 steps of 3% and all traffic', () => {
    const { settings, schedule } = compileEcsRollout(
      environmentWith({ strategy: 'linear', stages: [stage(3, '1m', 'first'), stage(100, '1m')] }),
    );
    expect(settings.stepPercent).toBe(3);
    expect(schedule.deviations).toEqual([]);
    expect(schedule.steps).toHaveLength(34);
    expect(stepsOf(schedule).slice(0, 2)).toEqual(['first 3% 1m', 'step-6 6% 1m']);
  });
});

describe('CodeDeploy linear', () => {
  test('a step bake CodeDeploy rounds up names its stage', () => {
    const { routing, schedule } = compileLambdaRollout(
      environmentWith({ strategy: 'linear', stages: [stage(50, '90s', 'half'), stage(100, '5m', 'full')] }, 'function'),
    );
    expect(routing).toEqual({ type: 'linear', percentage: 50, intervalMinutes: 2 });
    expect(schedule.deviations).toEqual([wholeMinutesNote('half', '1m30s', 2)]);
  });
});

describe('schedule', () => {
  test('a compiled schedule without unheld waits has none, and totals its bakes', () => {
    const { schedule } = compileEcsRollout(environmentWith({ strategy: 'canary', stages: [stage(10, '5m'), stage(100, '20m')] }));
    const copy = compiledSchedule(Backend.ECS, RolloutStrategy.CANARY, [...schedule.steps], []);
    expect(copy.unheldWaits).toEqual([]);
    expect(copy.totalBake.toString()).toBe('25m');
  });

  test('strict mode: every deviation is a problem, the fix said once, after the first', () => {
    const env = environmentWith({ strategy: 'canary', stages: [stage(2.55, '90s', 'canary'), stage(100, '5m', 'full')] });
    const { schedule } = compileEcsRollout(env);
    let error: unknown;
    try {
      enforceStrict(schedule, env, true, 'checkout');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DefinitionError);
    expect((error as DefinitionError).problems).toEqual([
      {
        path: 'environments[0].rollout',
        message:
          'environments[0].rollout (checkout-staging, ecs) cannot run exactly as requested: stage "canary" sends 2.55%; ECS takes multiples of 0.1%, so it sends 2.6%; adjust the stages or set "strict: false" to accept the schedule that will run',
      },
      {
        path: 'environments[0].rollout',
        message:
          'environments[0].rollout (checkout-staging, ecs) cannot run exactly as requested: stage "canary" bake is 1m30s; the platform counts whole minutes, so it runs 2m',
      },
    ]);
  });
});

describe('planAwsRollout', () => {
  const definition = (workload: Record<string, unknown>) =>
    validateDefinition({
      service: 'checkout',
      owners: { team: 'payments', primary: '@ana', backup: '@ben', channel: '#checkout-releases' },
      workload,
      environments: [{ name: 'staging', rollout: { strategy: 'canary' } }],
    });

  test('a container runs on ECS, a function on Lambda shifted by CodeDeploy', () => {
    const container = definition({ container: { image: 'public.ecr.aws/acme/checkout:1.0.0', port: 8080, healthCheckPath: '/healthz' } });
    const onEcs = planAwsRollout(container, container.environments[0]);
    expect(onEcs.backend).toBe('ecs');
    expect(onEcs).toEqual({ backend: 'ecs', ...compileEcsRollout(container.environments[0]) });
    const fn = definition({ function: { runtime: 'nodejs22.x', handler: 'index.handler', code: 'dist' } });
    const onLambda = planAwsRollout(fn, fn.environments[0]);
    expect(onLambda.backend).toBe('lambda-codedeploy');
    expect(onLambda).toEqual({ backend: 'lambda-codedeploy', ...compileLambdaRollout(fn.environments[0]) });
  });
});
