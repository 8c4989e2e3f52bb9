import { Duration } from '../../lib/model/duration';
import { DefinitionError } from '../../lib/model/problems';
import { applyStrictness, rollbackBudgetFindings } from '../../lib/plan/strictness';
import { timeBound } from '../../lib/plan/timing';

const over = timeBound([{ what: 'bake of the steps before 100% traffic', duration: Duration.minutes(20) }], Duration.minutes(5));
const within = timeBound([{ what: 'shift traffic', duration: Duration.minutes(1) }], Duration.minutes(15));

describe('rollback budgets, the same rule on every target', () => {
  const findings = rollbackBudgetFindings('checkout-prod', [
    { level: 2, bound: over },
    { level: 3, bound: within },
  ]);

  test('only levels over their budget are findings, naming the budget field and explaining the level', () => {
    expect(findings).toEqual([
      {
        path: 'rollbackBudgets.configuration',
        value: '5m',
        message:
          'checkout-prod: rollback level 2 (redeploy the previous version) takes up to 20m with this configuration, over its 5m budget (bake of the steps before 100% traffic 20m)',
        fix: 'shorten the bake times before 100% traffic or raise the budget',
      },
    ]);
  });

  test('warn when not strict', () => {
    expect(applyStrictness(findings, false)).toEqual([`${findings[0].message}; ${findings[0].fix}`]);
  });

  test('fails in strict mode with the field, its value and the fix', () => {
    let error: unknown;
    try {
      applyStrictness(findings, true);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DefinitionError);
    expect((error as DefinitionError).problems).toEqual([
      {
        path: 'rollbackBudgets.configuration',
        message: expect.stringMatching(
          /^rollbackBudgets\.configuration is 5m; checkout-prod: rollback level 2 .* raise the budget \(strict mode\)$/,
        ),
      },
    ]);
  });

  test('nothing to report, nothing thrown', () => {
    expect(applyStrictness([], true)).toEqual([]);
  });
});
