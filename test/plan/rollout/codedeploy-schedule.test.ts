import { DefinitionError } from '../../../lib/model';
import { Backend, compileLambdaRollout, enforceStrict } from '../../../lib/plan';
import { environmentWith, stage, stepsOf } from '../helpers';

const fnEnv = (rollout: unknown) => environmentWith(rollout, 'function');
const afterShift = (name: string, bake: string) =>
  `stage "${name}" (100%) bakes ${bake} in the request; CodeDeploy ends the deployment when all traffic has shifted, so watch the alarms for that long and roll back with level 2 if one fires`;
const TEST_ROUTE_DEVIATION =
  'stage "infrastructure" (0%) bakes 5m in the request; CodeDeploy runs the pre-traffic hook and then shifts, so it runs 0m';

describe('compileLambdaRollout', () => {
  describe('canary', () => {
    // Built inside each test: code run while jest collects tests makes every mutant it reaches "static".
    const standard = () => compileLambdaRollout(fnEnv({ strategy: 'canary' }));

    test('runs the standard plan as 5% for 10 minutes, then all traffic', () => {
      const { routing, schedule } = standard();
      expect(routing).toEqual({ type: 'canary', percentage: 5, intervalMinutes: 10 });
      expect(stepsOf(schedule)).toEqual(['canary 5% 10m', 'full 100% 0s']);
      expect(schedule.backend).toBe(Backend.LAMBDA_CODEDEPLOY);
      expect(schedule.totalBake.toString()).toBe('10m');
    });

    test('reports the test stage, the unenforced final bake and the skipped stages', () => {
      const { schedule } = standard();
      expect([...schedule.unheldWaits, ...schedule.deviations]).toEqual([
        TEST_ROUTE_DEVIATION,
        afterShift('full', '30m'),
        'CodeDeploy canaries shift one step and then all traffic, so stages "partial" (25%), "majority" (50%) will not run',
      ]);
    });

    test('rounds to whole percentages (1 to 99) and whole minutes, reporting each', () => {
      const { routing: r, schedule: s } = compileLambdaRollout(
        fnEnv({ strategy: 'canary', stages: [stage(0.5, '30s', 'canary'), stage(100, '1m', 'full')] }),
      );
      expect(r).toEqual({ type: 'canary', percentage: 1, intervalMinutes: 1 });
      expect(stepsOf(s)).toEqual(['canary 1% 1m', 'full 100% 0s']);
      expect([...s.unheldWaits, ...s.deviations]).toEqual([
        afterShift('full', '1m'),
        'stage "canary" sends 0.5%; CodeDeploy takes whole percentages from 1 to 99, so it sends 1%',
        'stage "canary" bake is 30s; the platform counts whole minutes, so it runs 1m',
      ]);
    });

    test('without a partial stage, shifts all at once and says so', () => {
      const { routing: r, schedule: s } = compileLambdaRollout(fnEnv({ strategy: 'canary', stages: [stage(100, '5m', 'full')] }));
      expect(r).toEqual({ type: 'all-at-once' });
      expect([...s.unheldWaits, ...s.deviations]).toEqual([
        afterShift('full', '5m'),
        'the plan has no partial stage, so CodeDeploy shifts all traffic at once',
      ]);
    });
  });

  describe('linear', () => {
    test('the default plan shifts 25% every 10 minutes', () => {
      const { routing, schedule } = compileLambdaRollout(fnEnv({ strategy: 'linear' }));
      expect(routing).toEqual({ type: 'linear', percentage: 25, intervalMinutes: 10 });
      expect(stepsOf(schedule)).toEqual(['step-25 25% 10m', 'step-50 50% 10m', 'step-75 75% 10m', 'step-100 100% 0s']);
      expect([...schedule.unheldWaits, ...schedule.deviations]).toEqual([TEST_ROUTE_DEVIATION, afterShift('step-100', '10m')]);
    });

    test('[step, 100%] expands to equal steps', () => {
      const { routing, schedule } = compileLambdaRollout(
        fnEnv({ strategy: 'linear', stages: [stage(33, '2m'), stage(100, '1m', 'full')] }),
      );
      expect(routing).toEqual({ type: 'linear', percentage: 33, intervalMinutes: 2 });
      expect(stepsOf(schedule)).toEqual(['step-33 33% 2m', 'step-66 66% 2m', 'step-99 99% 2m', 'full 100% 0s']);
    });

    test('unequal intervals run as the first one, reported', () => {
      const { schedule } = compileLambdaRollout(fnEnv({ strategy: 'linear', stages: [stage(50, '5m'), stage(100, '1m', 'full')] }));
      expect([...schedule.unheldWaits, ...schedule.deviations]).toEqual([afterShift('full', '1m')]);
      const uneven = compileLambdaRollout(
        fnEnv({ strategy: 'linear', stages: [stage(25, '5m'), stage(50, '10m'), stage(75, '5m'), stage(100, '1m', 'full')] }),
      );
      expect(stepsOf(uneven.schedule)).toEqual(['step-25 25% 5m', 'step-50 50% 5m', 'step-75 75% 5m', 'full 100% 0s']);
      expect([...uneven.schedule.unheldWaits, ...uneven.schedule.deviations]).toEqual([
        afterShift('full', '1m'),
        'CodeDeploy linear steps all wait the same interval, so every step bakes 5m (stage "at-25")',
      ]);
    });

    test('a single 100% stage shifts all at once instead of a 99% step', () => {
      const { routing, schedule } = compileLambdaRollout(fnEnv({ strategy: 'linear', stages: [stage(100, '5m', 'full')] }));
      expect(routing).toEqual({ type: 'all-at-once' });
      expect(stepsOf(schedule)).toEqual(['full 100% 0s']);
      expect([...schedule.unheldWaits, ...schedule.deviations]).toEqual([
        afterShift('full', '5m'),
        'the plan has no partial stage, so CodeDeploy shifts all traffic at once',
      ]);
    });
  });

  describe('blue-green and all-at-once', () => {
    test('blue-green runs the pre-traffic hook, then shifts all traffic', () => {
      const { routing, schedule } = compileLambdaRollout(fnEnv({ strategy: 'blue-green' }));
      expect(routing).toEqual({ type: 'all-at-once' });
      expect(stepsOf(schedule)).toEqual(['full 100% 0s']);
      expect([...schedule.unheldWaits, ...schedule.deviations]).toEqual([TEST_ROUTE_DEVIATION, afterShift('full', '30m')]);
    });

    test('all-at-once has nothing to report', () => {
      const { routing, schedule } = compileLambdaRollout(fnEnv({ strategy: 'all-at-once' }));
      expect(routing).toEqual({ type: 'all-at-once' });
      expect(stepsOf(schedule)).toEqual(['full 100% 0s']);
      expect([...schedule.unheldWaits, ...schedule.deviations]).toEqual([]);
    });
  });

  describe('strict mode', () => {
    test('refuses a canary whose stages CodeDeploy cannot run, but not the final bake it does not hold', () => {
      const env = fnEnv({ strategy: 'canary', stages: [stage(10, '5m', 'canary'), stage(30, '5m', 'partial'), stage(100, '10m', 'full')] });
      const { schedule } = compileLambdaRollout(env);
      expect(() => enforceStrict(schedule, env, true, 'checkout')).toThrow(
        new DefinitionError([
          {
            path: 'environments[0].rollout',
            message:
              'environments[0].rollout (checkout-staging, lambda-codedeploy) cannot run exactly as requested: CodeDeploy canaries shift one step and then all traffic, so stage "partial" (30%) will not run; adjust the stages or set "strict: false" to accept the schedule that will run',
          },
        ]).message,
      );
      expect(() => enforceStrict(schedule, env, false, 'checkout')).not.toThrow();
      const exact = fnEnv({ strategy: 'canary', stages: [stage(10, '5m', 'canary'), stage(100, '10m', 'full')] });
      expect(() => enforceStrict(compileLambdaRollout(exact).schedule, exact, true, 'checkout')).not.toThrow();
    });

    test('accepts all-at-once, which CodeDeploy runs exactly', () => {
      const env = fnEnv({ strategy: 'all-at-once' });
      expect(() => enforceStrict(compileLambdaRollout(env).schedule, env, true, 'checkout')).not.toThrow();
    });
  });
});
