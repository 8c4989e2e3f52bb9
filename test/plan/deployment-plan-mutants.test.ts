import { validateDefinition } from '../../lib/model';
import { planDeployment } from '../../lib/plan/deployment-plan';
import { Target } from '../../lib/targets/target';

/** `planDeployment` with a resolved environment and with alarms off, every fixture built inside its test. */
const definition = (alarms: Record<string, unknown> = {}) =>
  validateDefinition({
    service: 'checkout',
    owners: { team: 'payments', primary: '@ana', backup: '@ben', channel: '#checkout-releases' },
    workload: { container: { image: 'public.ecr.aws/acme/checkout:1.0.0', port: 8080, healthCheckPath: '/healthz' } },
    environments: [{ name: 'staging', rollout: { strategy: 'canary' }, alarms }],
  });

test('an environment already resolved is planned as given, not looked up by name', () => {
  const d = definition();
  // A copy with another name: looking it up in the definition would fail.
  const env = { ...d.environments[0], name: 'preview' };
  const plan = planDeployment(d, env, Target.AWS);
  expect(plan.environment).toBe(env);
  expect(plan.names.base).toBe('checkout-preview');
});

test('alarms turned off: an empty catalogue', () => {
  expect(planDeployment(definition({ enabled: false }), 'staging', Target.AWS).alarms).toEqual([]);
  expect(planDeployment(definition(), 'staging', Target.AWS).alarms.length).toBeGreaterThan(0);
});
