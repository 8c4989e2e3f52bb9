import { Duration } from '../../lib/model/duration';
import { DefinitionError } from '../../lib/model/problems';
import {
  applyStrictness,
  Backend,
  compiledSchedule,
  rollbackBudgetFindings,
  scheduleFindings,
  StrictFindings,
  timeBound,
  type PlanFinding,
} from '../../lib/plan';
import { environmentWith, stage } from './helpers';

const finding = (path: string): PlanFinding => ({ path, value: '5m', message: `${path} is late`, fix: 'raise it' });

function thrown(f: () => unknown): DefinitionError | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof DefinitionError) return e;
    throw e;
  }
  return undefined;
}

describe('StrictFindings: findings gathered where found, refused together', () => {
  test('not strict: each batch is warned at once and refuse() throws nothing', () => {
    const findings = new StrictFindings(false);
    expect(findings.warn([finding('a')])).toEqual(['a is late; raise it']);
    expect(findings.warn([finding('b'), finding('c')])).toEqual(['b is late; raise it', 'c is late; raise it']);
    expect(() => findings.refuse()).not.toThrow();
  });

  test('strict: warn() holds the findings silently, refuse() names every one of them in one error', () => {
    const findings = new StrictFindings(true);
    expect(findings.warn([finding('a')])).toEqual([]);
    expect(findings.warn([finding('b')])).toEqual([]);
    const error = thrown(() => findings.refuse());
    expect(error?.problems).toEqual([
      { path: 'a', message: 'a is 5m; a is late; raise it (strict mode)' },
      { path: 'b', message: 'b is 5m; b is late; raise it (strict mode)' },
    ]);
  });

  test('strict with nothing held: refuse() passes', () => {
    const findings = new StrictFindings(true);
    findings.warn([]);
    expect(() => findings.refuse()).not.toThrow();
  });

  test('applyStrictness with findings but not strict warns instead of throwing', () => {
    expect(applyStrictness([finding('a')], false)).toEqual(['a is late; raise it']);
    expect(thrown(() => applyStrictness([finding('a')], true))?.problems).toHaveLength(1);
  });
});

describe('scheduleFindings: a schedule the platform runs differently is a finding of environments[i].rollout', () => {
  const env = environmentWith({ strategy: 'canary', stages: [stage(10, '2m', 'canary'), stage(100, '10m', 'full')] });
  const deviation = 'canary bake is 90s; the platform counts whole minutes, so it runs 2m';

  test('one finding per deviation, quoting the stages as written and the fix', () => {
    const schedule = compiledSchedule(Backend.ECS, env.rollout.strategy, [], [deviation, 'second deviation']);
    expect(scheduleFindings(schedule, env, 'checkout')).toEqual([
      {
        path: 'environments[0].rollout',
        value: 'canary (canary 10% for 2m, full 100% for 10m)',
        message: `environments[0].rollout (checkout-staging, ecs) cannot run exactly as requested: ${deviation}`,
        fix: 'adjust the stages or set "strict: false" to accept the schedule that will run',
      },
      expect.objectContaining({ message: expect.stringMatching(/: second deviation$/) }),
    ]);
  });

  test('a rollout without stages is quoted by its strategy alone', () => {
    const rolling = environmentWith({ strategy: 'all-at-once' });
    const schedule = compiledSchedule(Backend.KUBERNETES_DEPLOYMENT, rolling.rollout.strategy, [], ['x']);
    expect(scheduleFindings(schedule, rolling, 'checkout')[0].value).toBe('all-at-once');
  });

  test('no deviation, no finding', () => {
    expect(scheduleFindings(compiledSchedule(Backend.ECS, env.rollout.strategy, [], []), env, 'checkout')).toEqual([]);
  });
});

describe('rollbackBudgetFindings: each level names its own budget field and fix', () => {
  const over = timeBound(
    [
      { what: 'alarm', duration: Duration.minutes(3) },
      { what: 'shift back', duration: Duration.minutes(4) },
    ],
    Duration.minutes(5),
  );

  test('level 1 is the feature-flag budget; its fix is reading flags sooner; parts are joined with " + "', () => {
    expect(rollbackBudgetFindings(undefined, [{ level: 1, bound: over }])).toEqual([
      {
        path: 'rollbackBudgets.featureFlag',
        value: '5m',
        message:
          'rollback level 1 (turn the feature flag off) takes up to 7m with this configuration, over its 5m budget (alarm 3m + shift back 4m)',
        fix: 'make the workload read its flags sooner or raise the budget',
      },
    ]);
  });

  test('level 3 is the code budget; a level without a bound is no finding', () => {
    const findings = rollbackBudgetFindings('checkout-prod', [{ level: 2 }, { level: 3, bound: over }]);
    expect(findings.map((f) => [f.path, f.fix])).toEqual([
      ['rollbackBudgets.code', 'shorten the bake times before 100% traffic or raise the budget'],
    ]);
    expect(findings[0].message).toMatch(
      /^checkout-prod: rollback level 3 \(revert the code and deploy it through the rollout\) takes up to 7m/,
    );
  });
});
