import { DefinitionError, validateDefinition } from '../../../lib/model';
import { Duration } from '../../../lib/model/duration';
import type { DetectionReport } from '../../../lib/plan/detection/detection-plan';
import { kubernetesWarnings, refuseStrictFindings, rollbackBudgetWarnings } from '../../../lib/plan/kubernetes/release-warnings';
import { Backend, type CompiledSchedule } from '../../../lib/plan/rollout/schedule';
import type { RollbackLevelFact } from '../../../lib/runbook/facts';

/**
 * The warnings of a Kubernetes release from hand-written inputs (a schedule with one deviation and
 * one unheld wait, a detection report with one note and one finding, a rollback level over its
 * budget), every fixture built inside its test: which appear, in which order, and what strict
 * mode refuses. The sentences are written out here.
 */

const schedule = (deviations: string[] = ['step 33% runs as 35%'], unheldWaits: string[] = ['the 0% stage is not held']) =>
  ({ backend: Backend.ARGO_ROLLOUTS, deviations, unheldWaits, steps: [] }) as unknown as CompiledSchedule;

const detection = () =>
  ({
    notes: ['detection at 25 requests a second: 97%'],
    findings: [
      { path: 'environments[0].traffic', value: '1', message: 'step "canary" catches a 2x regression 40% of the time', fix: 'bake longer' },
    ],
  }) as unknown as DetectionReport;

const overBudget = (): RollbackLevelFact =>
  ({
    level: 2,
    title: 'Redeploy',
    when: 'always',
    commands: [],
    verify: [],
    bound: {
      total: Duration.minutes(12),
      parts: [
        { what: 'detect', duration: Duration.minutes(2) },
        { what: 'rollout', duration: Duration.minutes(10) },
      ],
      budget: Duration.minutes(10),
      withinBudget: false,
    },
  }) as RollbackLevelFact;

const withinBudget = (): RollbackLevelFact =>
  ({
    level: 1,
    title: 'Flag off',
    when: 'always',
    commands: [],
    verify: [],
    bound: {
      total: Duration.minutes(1),
      parts: [{ what: 'kubelet sync', duration: Duration.minutes(1) }],
      budget: Duration.minutes(2),
      withinBudget: true,
    },
  }) as RollbackLevelFact;

const BUDGET_WARNING =
  'rollback level 2 (redeploy the previous version) takes up to 12m with this configuration, over its 10m budget (detect 2m + rollout 10m); shorten the bake times before 100% traffic or raise the budget';
const NO_RUNBOOK_URL =
  "runbookBaseUrl is not set: the alerts' runbook_url annotations are relative links (runbooks/<file>#<anchor>) that Alertmanager receivers cannot open; set runbookBaseUrl to where the runbooks are published";

describe('kubernetesWarnings', () => {
  test('deviations, unheld waits, budgets, the missing runbook URL, detection notes and findings, in that order', () => {
    expect(
      kubernetesWarnings({ schedule: schedule(), detection: detection(), strict: false, rollbackLevels: [withinBudget(), overBudget()] }),
    ).toEqual([
      'step 33% runs as 35%',
      'the 0% stage is not held',
      BUDGET_WARNING,
      NO_RUNBOOK_URL,
      'detection at 25 requests a second: 97%',
      'step "canary" catches a 2x regression 40% of the time; bake longer',
    ]);
  });

  test('with a runbook URL, no detection and levels within budget: only the schedule speaks', () => {
    expect(
      kubernetesWarnings({
        schedule: schedule(),
        strict: false,
        runbookBaseUrl: 'https://runbooks.acme.example/checkout',
        rollbackLevels: [withinBudget()],
      }),
    ).toEqual(['step 33% runs as 35%', 'the 0% stage is not held']);
  });

  test('strict mode refuses a detection finding', () => {
    expect(() =>
      kubernetesWarnings({
        schedule: schedule([], []),
        detection: detection(),
        strict: true,
        runbookBaseUrl: 'https://r.example',
        rollbackLevels: [],
      }),
    ).toThrow(DefinitionError);
  });
});

describe('rollbackBudgetWarnings', () => {
  test('only the levels over their budget; strict mode refuses them', () => {
    expect(rollbackBudgetWarnings({ strict: false, rollbackLevels: [withinBudget(), overBudget()] })).toEqual([BUDGET_WARNING]);
    expect(rollbackBudgetWarnings({ strict: true, rollbackLevels: [withinBudget()] })).toEqual([]);
    expect(() => rollbackBudgetWarnings({ strict: true, rollbackLevels: [overBudget()] })).toThrow(
      'rollbackBudgets.configuration is 10m; rollback level 2',
    );
  });
});

describe('refuseStrictFindings', () => {
  const env = () =>
    validateDefinition({
      service: 'checkout',
      owners: { team: 'payments', primary: '@ana', backup: '@ben', channel: '#checkout-releases' },
      workload: { container: { image: 'public.ecr.aws/acme/checkout:1.0.0', port: 8080, healthCheckPath: '/healthz' } },
      environments: [{ name: 'staging', rollout: { strategy: 'canary' } }],
    }).environments[0];

  test('strict: every finding at once, the schedule, detection and budgets each named by their field', () => {
    let error: unknown;
    try {
      refuseStrictFindings(
        { schedule: schedule(), detection: detection(), strict: true, rollbackLevels: [overBudget()] },
        env(),
        'checkout',
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DefinitionError);
    expect((error as DefinitionError).problems.map((p) => p.path)).toEqual([
      'environments[0].rollout',
      'environments[0].traffic',
      'rollbackBudgets.configuration',
    ]);
    expect((error as DefinitionError).problems[0].message).toContain(
      'environments[0].rollout (checkout-staging, argo-rollouts) cannot run exactly as requested: step 33% runs as 35%',
    );
  });

  test('not strict, or nothing to refuse: nothing thrown', () => {
    expect(() =>
      refuseStrictFindings(
        { schedule: schedule(), detection: detection(), strict: false, rollbackLevels: [overBudget()] },
        env(),
        'checkout',
      ),
    ).not.toThrow();
    expect(() =>
      refuseStrictFindings({ schedule: schedule([], []), strict: true, rollbackLevels: [withinBudget()] }, env(), 'checkout'),
    ).not.toThrow();
  });

  test('strict with only a budget over: refused', () => {
    expect(() =>
      refuseStrictFindings({ schedule: schedule([], []), strict: true, rollbackLevels: [overBudget()] }, env(), 'checkout'),
    ).toThrow(DefinitionError);
  });
});
