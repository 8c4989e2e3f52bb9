import { validateDefinition } from '../../lib/model/validate';
import { promotionSteps, stepEnvironments } from '../../lib/plan';

const env = (name: string, approval?: boolean) => ({
  name,
  ...(approval === undefined ? {} : { approval }),
  rollout: { strategy: 'all-at-once' },
});

function definition(environments: unknown[], waves?: unknown[]) {
  return validateDefinition({
    service: 'orders',
    owners: { team: 'payments', primary: '@ana', backup: '@ben', channel: '#orders' },
    receivers: { critical: { enabled: false, reason: 'A test definition: nobody is paged' } },
    workload: { container: { image: 'public.ecr.aws/acme/orders:1.0.0', port: 8080, healthCheckPath: '/healthz' } },
    environments,
    ...(waves ? { delivery: { repository: 'acme/orders', waves } } : {}),
  });
}

describe('promotion order', () => {
  test('without a delivery section every environment is its own step, not a wave', () => {
    const steps = promotionSteps(definition([env('dev', false), env('prod', true)]));
    expect(steps.map((s) => [s.name, s.approval, s.wave, s.canary?.name, s.parallel.map((e) => e.name)])).toEqual([
      ['dev', false, false, undefined, ['dev']],
      ['prod', true, false, undefined, ['prod']],
    ]);
  });

  // Validation requires one "approval" for a whole wave, so "any" and "every" agree on valid input.
  test('a wave whose environments need approval needs it once, for the wave', () => {
    const steps = promotionSteps(definition([env('eu', true), env('us', true)], [{ name: 'prod', environments: ['eu', 'us'] }]));
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ name: 'prod', approval: true, wave: true, canary: undefined });
    expect(stepEnvironments(steps[0]).map((e) => e.name)).toEqual(['eu', 'us']);
  });

  test('a wave without approval in any environment deploys without one', () => {
    const steps = promotionSteps(definition([env('eu', false), env('us', false)], [{ name: 'prod', environments: ['eu', 'us'] }]));
    expect(steps.map((s) => [s.name, s.approval])).toEqual([['prod', false]]);
  });

  test('a wave is one step wherever it is written; its canary (written last) starts first; environments after it keep their place', () => {
    const steps = promotionSteps(
      definition(
        [env('staging', false), env('eu', false), env('us', false), env('dr', false)],
        [{ name: 'regions', environments: ['eu', 'us'], canary: 'us' }],
      ),
    );
    expect(
      steps.map(
        (s) =>
          `${s.name}: ${stepEnvironments(s)
            .map((e) => e.name)
            .join(', ')}`,
      ),
    ).toEqual(['staging: staging', 'regions: us, eu', 'dr: dr']);
    expect(steps[1].parallel.map((e) => e.name)).toEqual(['eu']);
  });
});
