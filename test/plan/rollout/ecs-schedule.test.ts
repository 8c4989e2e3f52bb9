import { DefinitionError } from '../../../lib/model';
import { Backend, compileEcsRollout, enforceStrict } from '../../../lib/plan';
import { environmentWith, stage, stepsOf } from '../helpers';

const TEST_ROUTE_DEVIATION =
  'stage "infrastructure" (0%) bakes 5m in the request; ECS moves on as soon as the new tasks are healthy on the test listener, unless a lifecycle hook holds the deployment, so it runs 0m';

describe('compileEcsRollout', () => {
  describe('canary', () => {
    // Built inside each test: code run while jest collects tests makes every mutant it reaches "static".
    const standard = () => compileEcsRollout(environmentWith({ strategy: 'canary' }));

    test('runs the standard plan as one 5% step, then all traffic', () => {
      const { settings, schedule } = standard();
      expect(settings).toEqual({
        strategy: 'CANARY',
        stepPercent: 5,
        stepBakeMinutes: 10,
        bakeMinutes: 30,
        minimumHealthyPercent: 100,
        maximumPercent: 200,
      });
      expect(stepsOf(schedule)).toEqual(['infrastructure 0% 0s', 'canary 5% 10m', 'full 100% 30m']);
      expect(schedule.backend).toBe(Backend.ECS);
      expect(schedule.totalBake.toString()).toBe('40m');
    });

    test('reports the stages that will not run, and the unheld test stage', () => {
      const { schedule } = standard();
      expect([...schedule.unheldWaits, ...schedule.deviations]).toEqual([
        TEST_ROUTE_DEVIATION,
        'ECS canary deployments shift one canary step and then all traffic, so stages "partial" (25%), "majority" (50%) will not run; use Kubernetes (Argo Rollouts) for a multi-step canary',
      ]);
    });

    test('a plan ECS can run exactly has no deviations', () => {
      const exact = compileEcsRollout(environmentWith({ strategy: 'canary', stages: [stage(10, '5m'), stage(100, '20m')] }));
      expect(stepsOf(exact.schedule)).toEqual(['at-10 10% 5m', 'at-100 100% 20m']);
      expect([...exact.schedule.unheldWaits, ...exact.schedule.deviations]).toEqual([]);
    });

    test('one skipped stage is named in the singular', () => {
      const { schedule: s } = compileEcsRollout(
        environmentWith({ strategy: 'canary', stages: [stage(5, '5m'), stage(50, '5m'), stage(100, '5m')] }),
      );
      expect([...s.unheldWaits, ...s.deviations]).toEqual([
        'ECS canary deployments shift one canary step and then all traffic, so stage "at-50" (50%) will not run; use Kubernetes (Argo Rollouts) for a multi-step canary',
      ]);
    });

    test('rounds the step to 0.1%, bakes up to whole minutes and caps them at 24h, reporting each', () => {
      const { settings: s, schedule: sc } = compileEcsRollout(
        environmentWith({ strategy: 'canary', stages: [stage(2.55, '90s', 'canary'), stage(100, '2d', 'full')] }),
      );
      expect(s).toMatchObject({ stepPercent: 2.6, stepBakeMinutes: 2, bakeMinutes: 1440 });
      expect(stepsOf(sc)).toEqual(['canary 2.6% 2m', 'full 100% 1d']);
      expect([...sc.unheldWaits, ...sc.deviations]).toEqual([
        'stage "canary" sends 2.55%; ECS takes multiples of 0.1%, so it sends 2.6%',
        'stage "canary" bake is 1m30s; the platform counts whole minutes, so it runs 2m',
        'stage "full" bake is 2d; ECS bakes at most 1440m (24h), so it runs 1440m',
      ]);
    });

    test('without a partial stage, runs as blue/green and says so', () => {
      const { settings: s, schedule: sc } = compileEcsRollout(environmentWith({ strategy: 'canary', stages: [stage(100, '10m', 'full')] }));
      expect(s).toEqual({ strategy: 'BLUE_GREEN', bakeMinutes: 10, minimumHealthyPercent: 100, maximumPercent: 200 });
      expect([...sc.unheldWaits, ...sc.deviations]).toEqual([
        'the plan has no partial stage, so ECS runs it as blue/green (all traffic at once)',
      ]);
    });
  });

  describe('linear', () => {
    test('the default plan runs four equal 25% steps of 10 minutes', () => {
      const { settings, schedule } = compileEcsRollout(environmentWith({ strategy: 'linear' }));
      expect(settings).toEqual({
        strategy: 'LINEAR',
        stepPercent: 25,
        stepBakeMinutes: 10,
        bakeMinutes: 10,
        minimumHealthyPercent: 100,
        maximumPercent: 200,
      });
      expect(stepsOf(schedule)).toEqual([
        'infrastructure 0% 0s',
        'step-25 25% 10m',
        'step-50 50% 10m',
        'step-75 75% 10m',
        'step-100 100% 10m',
      ]);
      expect([...schedule.unheldWaits, ...schedule.deviations]).toEqual([TEST_ROUTE_DEVIATION]);
    });

    test('[step, 100%] expands to every equal step', () => {
      const { schedule } = compileEcsRollout(
        environmentWith({ strategy: 'linear', stages: [stage(30, '5m', 'first'), stage(100, '15m', 'full')] }),
      );
      expect(stepsOf(schedule)).toEqual(['first 30% 5m', 'step-60 60% 5m', 'step-90 90% 5m', 'full 100% 15m']);
      expect([...schedule.unheldWaits, ...schedule.deviations]).toEqual([]);
      expect(schedule.totalBake.toString()).toBe('30m');
    });

    test('unequal step bakes run as the first one, reported', () => {
      const { schedule } = compileEcsRollout(
        environmentWith({
          strategy: 'linear',
          stages: [stage(20, '5m'), stage(40, '10m'), stage(60, '5m'), stage(80, '5m'), stage(100, '15m')],
        }),
      );
      expect(stepsOf(schedule)).toEqual(['at-20 20% 5m', 'at-40 40% 5m', 'at-60 60% 5m', 'at-80 80% 5m', 'at-100 100% 15m']);
      expect([...schedule.unheldWaits, ...schedule.deviations]).toEqual([
        'ECS linear steps all bake the same time, so every step bakes 5m (stage "at-20")',
      ]);
    });

    test('a step that is not a multiple of 0.1% is rounded, reported', () => {
      const { settings, schedule } = compileEcsRollout(
        environmentWith({ strategy: 'linear', stages: [stage(33.33, '5m', 'third'), stage(100, '5m', 'full')] }),
      );
      expect(settings.stepPercent).toBe(33.3);
      expect(stepsOf(schedule)).toEqual(['step-33.3 33.3% 5m', 'step-66.6 66.6% 5m', 'step-99.9 99.9% 5m', 'full 100% 5m']);
      expect([...schedule.unheldWaits, ...schedule.deviations]).toEqual([
        'stage "third" sends 33.33%; ECS takes multiples of 0.1%, so it steps 33.3%',
      ]);
    });

    test('a step below 3% is raised to 3%, reported', () => {
      const { settings, schedule } = compileEcsRollout(environmentWith({ strategy: 'linear', stages: [stage(2, '1m'), stage(100, '5m')] }));
      expect(settings.stepPercent).toBe(3);
      expect(schedule.steps).toHaveLength(34);
      expect(stepsOf(schedule).slice(-2)).toEqual(['step-99 99% 1m', 'at-100 100% 5m']);
      expect([...schedule.unheldWaits, ...schedule.deviations]).toEqual([
        'linear step is 2%; ECS linear steps are at least 3%, so it steps 3%',
      ]);
    });
  });

  describe('blue-green', () => {
    test('holds the test route, then bakes all traffic before the old tasks stop', () => {
      const { settings, schedule } = compileEcsRollout(environmentWith({ strategy: 'blue-green' }));
      expect(settings).toEqual({ strategy: 'BLUE_GREEN', bakeMinutes: 30, minimumHealthyPercent: 100, maximumPercent: 200 });
      expect(stepsOf(schedule)).toEqual(['infrastructure 0% 0s', 'full 100% 30m']);
      expect([...schedule.unheldWaits, ...schedule.deviations]).toEqual([TEST_ROUTE_DEVIATION]);
    });
  });

  describe('rolling and all-at-once', () => {
    test('rolling maps surge and unavailability to ECS percentages, without traffic steps', () => {
      const { settings, schedule } = compileEcsRollout(
        environmentWith({ strategy: 'rolling', rolling: { maxSurgePercent: 50, maxUnavailablePercent: 25 } }),
      );
      expect(settings).toEqual({ strategy: 'ROLLING', minimumHealthyPercent: 75, maximumPercent: 150 });
      expect(schedule.steps).toEqual([]);
      expect([...schedule.unheldWaits, ...schedule.deviations]).toEqual([]);
    });

    test('rolling defaults to a full surge with no capacity lost', () => {
      expect(compileEcsRollout(environmentWith({ strategy: 'rolling' })).settings).toEqual({
        strategy: 'ROLLING',
        minimumHealthyPercent: 100,
        maximumPercent: 200,
      });
    });

    test('all-at-once stops every old task first', () => {
      expect(compileEcsRollout(environmentWith({ strategy: 'all-at-once' })).settings).toEqual({
        strategy: 'ROLLING',
        minimumHealthyPercent: 0,
        maximumPercent: 100,
      });
    });
  });

  describe('strict mode', () => {
    // Built inside each test: code run while jest collects tests makes every mutant it reaches "static".
    const canary = () => {
      const env = environmentWith({ strategy: 'canary' });
      return { env, schedule: compileEcsRollout(env).schedule };
    };

    test('throws every deviation as a problem of the rollout, but not the waits ECS does not hold', () => {
      const { env, schedule } = canary();
      expect(() => enforceStrict(schedule, env, true, 'checkout')).toThrow(DefinitionError);
      try {
        enforceStrict(schedule, env, true, 'checkout');
      } catch (err) {
        expect((err as DefinitionError).problems).toEqual([
          {
            path: 'environments[0].rollout',
            message:
              'environments[0].rollout (checkout-staging, ecs) cannot run exactly as requested: ECS canary deployments shift one canary step and then all traffic, so stages "partial" (25%), "majority" (50%) will not run; use Kubernetes (Argo Rollouts) for a multi-step canary; adjust the stages or set "strict: false" to accept the schedule that will run',
          },
        ]);
      }
    });

    test('does nothing when not strict, or when the schedule runs exactly', () => {
      const { env, schedule } = canary();
      expect(() => enforceStrict(schedule, env, false, 'checkout')).not.toThrow();
      const exactEnv = environmentWith({ strategy: 'canary', stages: [stage(10, '5m'), stage(100, '20m')] });
      expect(() => enforceStrict(compileEcsRollout(exactEnv).schedule, exactEnv, true, 'checkout')).not.toThrow();
    });
  });
});
