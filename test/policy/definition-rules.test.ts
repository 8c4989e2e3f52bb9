import { validateDefinition, type ServiceDefinitionInput } from '../../lib/model';
import { checkDefinitionPolicy, DEFINITION_RULES, RuleOutcome } from '../../lib/policy';

function definition(mutate: (d: any) => void = () => {}) {
  const d: any = {
    service: 'checkout',
    owners: { team: 'payments', primary: '@ana', backup: '@ben', channel: '#releases' },
    receivers: { critical: { enabled: false, reason: 'A test definition: nobody is paged' } },
    workload: { container: { image: 'acme/checkout:1', port: 8080, healthCheckPath: '/healthz' } },
    secrets: [{ name: 'session-key', envVar: 'SESSION_KEY', generate: { rotation: '30d' } }],
    environments: [
      { name: 'staging', rollout: { strategy: 'canary' } },
      { name: 'prod', rollout: { strategy: 'blue-green' } },
    ],
  };
  mutate(d);
  return validateDefinition(d as ServiceDefinitionInput);
}

const messages = (mutate?: (d: any) => void) =>
  checkDefinitionPolicy(definition(mutate)).map((f) => `${f.severity} ${f.rule} ${f.subject}: ${f.message}`);

describe('deployment-safety rules over definitions', () => {
  test('a careful definition is compliant with every rule', () => {
    expect(messages()).toEqual([]);
    for (const rule of DEFINITION_RULES) {
      expect(rule.check(definition()).every((r) => r.outcome !== RuleOutcome.NON_COMPLIANT)).toBe(true);
    }
  });

  test('GP-PROD1 and GP-PROD2: all-at-once in production without approval', () => {
    expect(
      messages((d) => {
        d.environments[1].rollout = { strategy: 'all-at-once' };
        d.environments[1].approval = false;
      }),
    ).toEqual([
      'error GP-PROD1 environments[1] (prod): production environment "prod" deploys "all-at-once" without an approval; set "approval: true" or use "canary", "linear" or "blue-green"',
      'error GP-PROD2 environments[1] (prod): production environment "prod" uses "all-at-once": the old version is gone before the alarms can judge the new one; use "blue-green", "canary" or "rolling"',
    ]);
  });

  test('GP-PROD1 is satisfied by an approval alone, GP-PROD2 still refuses all-at-once', () => {
    expect(messages((d) => (d.environments[1].rollout = { strategy: 'all-at-once' })).map((m) => m.split(' ')[1])).toEqual(['GP-PROD2']);
  });

  test("GP-PROD3: a dead-man's switch that waits too long", () => {
    expect(messages((d) => (d.environments[1].deadMansSwitch = { missingFor: '30m' }))).toEqual([
      'warning GP-PROD3 environments[1] (prod): the dead-man\'s switch of "prod" waits 30m of silence; lower "deadMansSwitch.missingFor" to 15m or less',
    ]);
  });

  test('GP-SEC1: a generated secret that rotates too rarely', () => {
    expect(messages((d) => (d.secrets[0].generate.rotation = '365d'))).toEqual([
      'warning GP-SEC1 secrets (session-key): secret "session-key" rotates every 365 days; rotate at least every 90 days ("generate.rotation: 90d")',
    ]);
  });

  test('GP-REL1: production as the first environment', () => {
    expect(messages((d) => d.environments.shift())).toEqual([
      'warning GP-REL1 environments[0] (prod): production environment "prod" is the first stop of a release; add a staging environment before it',
    ]);
  });

  test('GP-REL2: a rollback window shorter than 10 minutes', () => {
    expect(
      messages(
        (d) =>
          (d.environments[1].rollout.stages = [
            { name: 'test', trafficPercent: 0, bake: '5m' },
            { name: 'full', trafficPercent: 100, bake: '5m' },
          ]),
      ),
    ).toEqual([
      'warning GP-REL2 environments[1] (prod): the last stage of "prod" bakes 5m; make it at least 10m so that slow failures are caught while rollback is instant',
    ]);
  });

  test('non-production environments are not applicable to the production rules', () => {
    const results = DEFINITION_RULES.find((r) => r.id === 'GP-PROD1')!.check(definition());
    expect(results.map((r) => r.outcome)).toEqual([RuleOutcome.NOT_APPLICABLE, RuleOutcome.COMPLIANT]);
  });
});
