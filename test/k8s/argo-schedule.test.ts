import { Duration } from '../../lib/model';
import { argoDuration, Backend, compileArgoRollout, compileKubernetesDeployment } from '../../lib/plan';
import { containerService } from './helpers';

const stage = (trafficPercent: number, bake: string, name = `at-${trafficPercent}`) => ({ name, trafficPercent, bake });
const envWith = (rollout: unknown, name = 'staging') => containerService([{ name, rollout }]).environments[0];

describe('compileArgoRollout: canary', () => {
  test('runs the standard five-stage plan exactly: full-size test stage, then setWeight + pause per stage', () => {
    const plan = compileArgoRollout(envWith({ strategy: 'canary' }));
    expect(plan.canary?.steps).toEqual([
      { setCanaryScale: { weight: 100 } },
      { pause: { duration: '5m' } },
      { setWeight: 5 },
      { pause: { duration: '10m' } },
      { setWeight: 25 },
      { pause: { duration: '15m' } },
      { setWeight: 50 },
      { pause: { duration: '15m' } },
      { setWeight: 100 },
      { pause: { duration: '30m' } },
    ]);
    expect(plan.canary?.analysisStartingStep).toBe(2);
    expect(plan.schedule.backend).toBe(Backend.ARGO_ROLLOUTS);
    expect(plan.schedule.steps.map((s) => `${s.name} ${s.trafficPercent}% ${s.bake}`)).toEqual([
      'infrastructure 0% 5m',
      'canary 5% 10m',
      'partial 25% 15m',
      'majority 50% 15m',
      'full 100% 30m',
    ]);
    expect(plan.schedule.deviations).toEqual([]);
    expect(plan.schedule.totalBake.toString()).toBe('1h15m');
  });

  test('without a 0% stage the canary follows the weight and analysis starts at step 0', () => {
    const plan = compileArgoRollout(envWith({ strategy: 'canary', stages: [stage(10, '90s'), stage(100, '2h')] }));
    expect(plan.canary?.steps).toEqual([
      { setWeight: 10 },
      { pause: { duration: '90s' } },
      { setWeight: 100 },
      { pause: { duration: '2h' } },
    ]);
    expect(plan.canary?.analysisStartingStep).toBe(0);
    expect(plan.notes).toEqual([]);
  });

  test('linear default: equal 25% steps of 10 minutes', () => {
    const plan = compileArgoRollout(envWith({ strategy: 'linear' }));
    const weights = plan.canary?.steps.filter((s) => 'setWeight' in s);
    expect(weights).toEqual([{ setWeight: 25 }, { setWeight: 50 }, { setWeight: 75 }, { setWeight: 100 }]);
  });

  test('reports a fractional weight and a fractional bake it has to round', () => {
    const plan = compileArgoRollout(envWith({ strategy: 'canary', stages: [stage(2.5, '0.5s', 'tiny'), stage(100, '5m', 'full')] }));
    expect(plan.canary?.steps.slice(0, 2)).toEqual([{ setWeight: 3 }, { pause: { duration: '1s' } }]);
    expect(plan.schedule.deviations).toEqual([
      'stage "tiny" bake is 0.5s; Argo Rollouts counts whole seconds, so it runs 1s',
      'stage "tiny" sends 2.5%; Argo Rollouts sets whole percentages, so it sends 3%',
    ]);
  });
});

describe('compileArgoRollout: blue-green', () => {
  test('production waits for a manual promotion and keeps the old version for the final bake', () => {
    const plan = compileArgoRollout(envWith({ strategy: 'blue-green' }, 'prod'));
    expect(plan.blueGreen).toEqual({ autoPromotionEnabled: false, autoPromotionSeconds: undefined, scaleDownDelaySeconds: 1800 });
    expect(plan.notes[0]).toMatch(/manual promotion.*at the earliest after 5m/);
    expect(plan.schedule.steps.map((s) => [s.trafficPercent, s.bake.toString()])).toEqual([
      [0, '5m'],
      [100, '30m'],
    ]);
  });

  test('elsewhere it promotes itself after the test stage bake', () => {
    const plan = compileArgoRollout(envWith({ strategy: 'blue-green', stages: [stage(0, '2m'), stage(100, '10m')] }));
    expect(plan.blueGreen).toEqual({ autoPromotionEnabled: true, autoPromotionSeconds: 120, scaleDownDelaySeconds: 600 });
    expect(plan.notes).toEqual([]);
  });
});

describe('compileKubernetesDeployment', () => {
  test('rolling maps the surge and availability limits to a RollingUpdate', () => {
    const plan = compileKubernetesDeployment(envWith({ strategy: 'rolling', rolling: { maxSurgePercent: 25, maxUnavailablePercent: 0 } }));
    expect(plan.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '0%' } });
    expect(plan.schedule.backend).toBe(Backend.KUBERNETES_DEPLOYMENT);
    expect(plan.schedule.steps).toEqual([]);
  });

  test('all-at-once is Recreate', () => {
    expect(compileKubernetesDeployment(envWith({ strategy: 'all-at-once' })).strategy).toEqual({ type: 'Recreate' });
  });

  test('fails when asked to run a traffic-shifting strategy', () => {
    expect(() => compileKubernetesDeployment(envWith({ strategy: 'canary' }))).toThrow(
      'environments[0].rollout.strategy is "canary"; a Deployment cannot split traffic, use compileArgoRollout() for "canary"',
    );
  });

  test('compileArgoRollout fails for rolling, naming the field and the other compiler', () => {
    expect(() => compileArgoRollout(envWith({ strategy: 'rolling' }))).toThrow(
      'environments[0].rollout.strategy is "rolling"; Argo Rollouts runs "canary", "linear" and "blue-green" here, use compileKubernetesDeployment() for "rolling"',
    );
  });
});

test('argoDuration uses the largest whole unit', () => {
  const deviations: string[] = [];
  expect(
    [Duration.seconds(90), Duration.minutes(2), Duration.hours(1), Duration.seconds(0)].map((d) => argoDuration(d, 'x', deviations)),
  ).toEqual(['90s', '2m', '1h', '0s']);
  expect(deviations).toEqual([]);
});
