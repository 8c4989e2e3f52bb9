import { validateDefinition } from '../../../lib/model';
import { PROGRESS_DEADLINE_SECONDS, ROLLBACK_WINDOW_REVISIONS, workloadShape } from '../../../lib/plan/kubernetes/workload-shape';
import { compileRollout } from '../../../lib/plan/rollout/rollout-plan';
import { Backend } from '../../../lib/plan/rollout/schedule';

/**
 * The shape of a Kubernetes workload, every fixture built inside its test: canary, linear and
 * blue-green run as an Argo Rollouts `Rollout` with a `-canary` or `-preview` Service for the new
 * version (https://argo-rollouts.readthedocs.io/en/stable/features/canary/,
 * https://argo-rollouts.readthedocs.io/en/stable/features/bluegreen/: `previewService`), rolling
 * and all-at-once as a `Deployment`; selector labels are the recommended
 * `app.kubernetes.io/name` and `app.kubernetes.io/instance`
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/).
 */

const environment = (strategy: string) =>
  validateDefinition({
    service: 'checkout',
    owners: { team: 'payments', primary: '@ana', backup: '@ben', channel: '#checkout-releases' },
    workload: { container: { image: 'public.ecr.aws/acme/checkout:1.0.0', port: 8080, healthCheckPath: '/healthz' } },
    environments: [{ name: 'staging', rollout: { strategy } }],
  }).environments[0];

describe('workloadShape', () => {
  test('a canary is a Rollout with a canary Service', () => {
    const shape = workloadShape({ name: 'checkout', rollout: environment('canary') });
    expect(shape).toMatchObject({
      kind: 'Rollout',
      name: 'checkout',
      serviceName: 'checkout',
      testServiceName: 'checkout-canary',
      selectorLabels: { 'app.kubernetes.io/name': 'checkout', 'app.kubernetes.io/instance': 'checkout' },
    });
    expect(shape.argo?.canary).toBeDefined();
    expect(shape.schedule).toBe(shape.argo?.schedule);
    expect(shape.deployment).toBeUndefined();
  });

  test('linear is a canary Rollout too; blue/green a Rollout with a preview Service', () => {
    expect(workloadShape({ name: 'checkout', rollout: environment('linear') }).testServiceName).toBe('checkout-canary');
    const blueGreen = workloadShape({ name: 'checkout', rollout: environment('blue-green') });
    expect(blueGreen).toMatchObject({ kind: 'Rollout', testServiceName: 'checkout-preview' });
    expect(blueGreen.argo?.blueGreen).toBeDefined();
  });

  test('rolling and all-at-once are Deployments, without a test Service', () => {
    for (const strategy of ['rolling', 'all-at-once']) {
      const shape = workloadShape({ name: 'checkout', rollout: environment(strategy) });
      expect(shape).toMatchObject({ kind: 'Deployment', name: 'checkout', serviceName: 'checkout' });
      expect(shape.testServiceName).toBeUndefined();
      expect(shape.argo).toBeUndefined();
      expect(shape.deployment).toBeDefined();
      expect(shape.schedule).toBe(shape.deployment?.schedule);
    }
  });

  test('a plan compiled already is used as given, and the selector labels as given', () => {
    const env = environment('canary');
    const plan = compileRollout(env, Backend.ARGO_ROLLOUTS);
    const selectorLabels = { 'app.kubernetes.io/name': 'checkout', 'app.kubernetes.io/instance': 'checkout-staging' };
    const shape = workloadShape({ name: 'checkout', rollout: env, plan, selectorLabels });
    expect(shape.argo).toBe(plan);
    expect(shape.selectorLabels).toBe(selectorLabels);
  });

  test('a plan for ECS or Lambda is refused, naming the backends a Kubernetes workload runs', () => {
    const env = environment('canary');
    expect(() => workloadShape({ name: 'checkout', rollout: env, plan: compileRollout(env, Backend.ECS) })).toThrow(
      `ProgressiveWorkload checkout: 'plan.backend' is "ecs"; a Kubernetes workload runs "argo-rollouts" or "kubernetes-deployment" plans: compile it with compileRollout(env, backendFor(definition, Target.KUBERNETES, env))`,
    );
  });

  test('the progress deadline is 600 s (the Kubernetes and Argo Rollouts default), the rollback window 3 revisions', () => {
    // https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#progress-deadline-seconds
    expect(PROGRESS_DEADLINE_SECONDS).toBe(600);
    expect(ROLLBACK_WINDOW_REVISIONS).toBe(3);
  });
});
