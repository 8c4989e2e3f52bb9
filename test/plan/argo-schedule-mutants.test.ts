import { Duration } from '../../lib/model';
import { argoDuration, compileArgoRollout, compileKubernetesDeployment } from '../../lib/plan';
import { environmentWith, stage } from './helpers';

/**
 * Edges of the Argo Rollouts compiler the k8s suite leaves open. Argo's canary steps
 * (https://argo-rollouts.readthedocs.io/en/stable/features/canary/): `setCanaryScale` sizes the
 * canary without traffic, `setWeight` sends traffic, `pause.duration` waits. Blue-green
 * (https://argo-rollouts.readthedocs.io/en/stable/features/bluegreen/): with
 * `autoPromotionEnabled: false` the rollout waits on the preview Service until it is promoted.
 */
describe('canary test stages', () => {
  test('a 0 % stage sizes the canary without traffic, then pauses; the note says no weight step waits for pods', () => {
    const plan = compileArgoRollout(environmentWith({ strategy: 'canary', stages: [stage(0, '2m', 'smoke'), stage(100, '5m', 'full')] }));
    expect(plan.canary?.steps).toEqual([
      { setCanaryScale: { weight: 100 } },
      { pause: { duration: '2m' } },
      { setWeight: 100 },
      { pause: { duration: '5m' } },
    ]);
    expect(plan.canary?.analysisStartingStep).toBe(2);
    expect(plan.notes).toEqual(['the new version runs at full size from the test stage on, so no weight step waits for pods to start']);
  });

  test('without a 0 % stage there is no note', () => {
    expect(compileArgoRollout(environmentWith({ strategy: 'canary', stages: [stage(10, '1m'), stage(100, '5m')] })).notes).toEqual([]);
  });
});

describe('blue-green without a test stage', () => {
  const stages = [stage(100, '10m', 'full')];

  test('elsewhere it promotes itself at once and keeps the previous version for the final bake', () => {
    const plan = compileArgoRollout(environmentWith({ strategy: 'blue-green', stages }));
    expect(plan.blueGreen).toEqual({ autoPromotionEnabled: true, autoPromotionSeconds: undefined, scaleDownDelaySeconds: 600 });
    expect(plan.schedule.steps.map((s) => `${s.name} ${s.trafficPercent}%`)).toEqual(['full 100%']);
    expect(plan.notes).toEqual([]);
  });

  test('in production it waits for a promotion, and says so without naming a stage', () => {
    const plan = compileArgoRollout({ ...environmentWith({ strategy: 'blue-green', stages }), production: true });
    expect(plan.blueGreen?.autoPromotionEnabled).toBe(false);
    expect(plan.notes).toEqual(['production blue-green waits on the preview Service until someone promotes']);
  });
});

test('without its position an environment is named by "rollout.strategy"', () => {
  const { order: _, ...env } = { ...environmentWith({ strategy: 'rolling' }), order: undefined };
  expect(() => compileArgoRollout(env)).toThrow(/^rollout\.strategy is "rolling"; Argo Rollouts runs/);
});

test('argoDuration rounds a fractional duration up to whole seconds and says so', () => {
  const deviations: string[] = [];
  expect(argoDuration(Duration.seconds(0.5), 'stage "tiny" bake', deviations)).toBe('1s');
  expect(deviations).toEqual(['stage "tiny" bake is 0.5s; Argo Rollouts counts whole seconds, so it runs 1s']);
});

test('a plain Deployment has no deviations to report', () => {
  expect(compileKubernetesDeployment(environmentWith({ strategy: 'rolling' })).schedule.deviations).toEqual([]);
});
