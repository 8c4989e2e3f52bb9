import { validateDefinition } from '../../lib/model/validate';
import { promotionSteps, stepEnvironments } from '../../lib/plan/promotion';

function definition(waves: unknown[]) {
  const env = (name: string, production = false) => ({ name, production, rollout: { strategy: 'all-at-once' } });
  return validateDefinition({
    service: 'orders',
    owners: { team: 'payments', primary: '@ana', backup: '@ben', channel: '#orders' },
    receivers: { critical: { enabled: false, reason: 'A test definition: nobody is paged' } },
    workload: { container: { image: 'public.ecr.aws/acme/orders:1.0.0', port: 8080, healthCheckPath: '/healthz' } },
    environments: [env('dev'), env('staging-eu'), env('staging-us'), env('prod-eu', true), env('prod-us', true)],
    delivery: { repository: 'acme/orders', waves },
  });
}

const summary = (waves: unknown[]) =>
  promotionSteps(definition(waves)).map(
    (s) =>
      `${s.name}${s.approval ? ' (approval)' : ''}: ${s.canary ? `${s.canary.name} then ` : ''}${s.parallel.map((e) => e.name).join(' + ')}`,
  );

describe('promotionSteps', () => {
  test('without waves: one environment per step, in definition order, approval where the environment has it', () => {
    expect(summary([])).toEqual([
      'dev: dev',
      'staging-eu: staging-eu',
      'staging-us: staging-us',
      'prod-eu (approval): prod-eu',
      'prod-us (approval): prod-us',
    ]);
  });

  test('a wave is one step at the position of its first environment; its canary goes first', () => {
    expect(
      summary([
        { name: 'staging', environments: ['staging-us', 'staging-eu'] },
        { name: 'prod', environments: ['prod-eu', 'prod-us'], canary: 'prod-us' },
      ]),
    ).toEqual(['dev: dev', 'staging: staging-eu + staging-us', 'prod (approval): prod-us then prod-eu']);
  });

  test('stepEnvironments lists the canary first', () => {
    const [, , prod] = promotionSteps(
      definition([
        { name: 'staging', environments: ['staging-eu', 'staging-us'] },
        { name: 'prod', environments: ['prod-eu', 'prod-us'], canary: 'prod-us' },
      ]),
    );
    expect(stepEnvironments(prod).map((e) => e.name)).toEqual(['prod-us', 'prod-eu']);
  });
});
