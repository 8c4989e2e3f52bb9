import { Testing } from 'cdk8s';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Duration, validateDefinition } from '../../lib/model';
import { FeatureFlags, ProgressiveWorkload, type FeatureFlagSetting } from '../../constructs/k8s';
import { bashSyntaxError, objectOf } from './helpers';

const synth = (flags: FeatureFlagSetting[], extra: { budget?: Duration; reloadInterval?: Duration } = {}) => {
  const chart = Testing.chart();
  const construct = new FeatureFlags(chart, 'Flags', { name: 'shop-flags', namespace: 'shop-prod', flags, ...extra });
  return { construct, chart, manifests: Testing.synth(chart) };
};

describe('FeatureFlags', () => {
  test('one ConfigMap key per flag, sorted, as "true" / "false"', () => {
    const { manifests } = synth([
      { name: 'new-search', enabled: true },
      { name: 'beta.basket', enabled: false },
    ]);
    expect(manifests[0].data).toEqual({ 'beta.basket': 'false', 'new-search': 'true' });
    expect(Object.keys(manifests[0].data)).toEqual(['beta.basket', 'new-search']);
    expect(() => new ConfigMap(manifests[0]).validate()).not.toThrow();
  });

  test('level-1 rollback: one patch command per flag that parses, and an honest bound against the budget', () => {
    const [level1] =
      synth([
        { name: 'new-search', enabled: true, description: 'the new search page' },
        { name: 'dark-mode', enabled: true, killSwitch: false },
      ]).construct.runbookFacts().rollback ?? [];
    expect(level1.level).toBe(1);
    expect(level1.commands).toEqual([
      {
        description: 'Turn "new-search" off (the new search page)',
        command: `kubectl -n shop-prod patch configmap shop-flags --type merge -p '{"data":{"new-search":"false"}}'`,
      },
    ]);
    for (const c of [...level1.commands, ...level1.verify]) expect(bashSyntaxError(c.command)).toBeUndefined();
    expect(level1.bound?.total.toString()).toBe('1m10s');
    expect(level1.bound?.withinBudget).toBe(false);
    const fast = synth([{ name: 'new-search', enabled: true }], {
      budget: Duration.minutes(2),
      reloadInterval: Duration.seconds(5),
    }).construct.runbookFacts().rollback?.[0].bound;
    expect([fast?.total.toString(), fast?.withinBudget]).toEqual(['1m5s', true]);
  });

  test('mounted read-only into a ProgressiveWorkload', () => {
    const { construct, chart } = synth([{ name: 'new-search', enabled: true }]);
    const env = validateDefinition({
      service: 'shop',
      owners: { team: 't', primary: 'p', backup: 'b', channel: '#c' },
      workload: { container: { image: 'x:1', port: 80, healthCheckPath: '/' } },
      environments: [{ name: 'dev', rollout: { strategy: 'rolling' } }],
    }).environments[0];
    new ProgressiveWorkload(chart, 'W', {
      name: 'shop',
      namespace: 'shop-prod',
      container: { image: 'x:1', port: 80, healthCheckPath: '/', cpu: 256, memoryMiB: 512, environment: {} },
      capacity: env.capacity,
      rollout: env,
      featureFlags: construct,
    });
    const pod = objectOf(Testing.synth(chart), 'Deployment').spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'feature-flags', configMap: { name: 'shop-flags' } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'feature-flags', mountPath: '/etc/glidepath/flags', readOnly: true });
  });

  test('fails for a flag name that cannot be a ConfigMap key', () => {
    expect(() => synth([{ name: 'new search', enabled: true }])).toThrow(
      'flags[0].name is "new search", not a valid ConfigMap key; use letters, digits, "-", "_" and ".", e.g. "new-checkout"',
    );
  });

  test('no kill switch: no level-1 rollback, only the ConfigMap', () => {
    const facts = synth([{ name: 'dark-mode', enabled: false, killSwitch: false }]).construct.runbookFacts();
    expect(facts.rollback).toBeUndefined();
    expect(facts.resources).toEqual([{ type: 'ConfigMap', name: 'shop-flags' }]);
  });
});
