import { FlagdCore, MemoryStorage } from '@openfeature/flagd-core';
import { Testing } from 'cdk8s';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Duration, validateDefinition } from '../../lib/model';
import { FeatureFlags, ProgressiveWorkload, type FeatureFlagSetting } from '../../constructs/k8s';
import { bashSyntaxError, objectOf } from './helpers';

/** flagd's in-process evaluator, loading the definitions with strict schema validation (flagd's flags.json schema). */
function strictFlagd(definitions: string): FlagdCore {
  const storage = new MemoryStorage(logger);
  // setConfigurations(config, strictValidation) throws on a schema violation.
  storage.setConfigurations(definitions, true);
  return new FlagdCore(storage, logger);
}
const logger = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };

const synth = (flags: FeatureFlagSetting[], extra: { budget?: Duration; reloadInterval?: Duration } = {}) => {
  const chart = Testing.chart();
  const construct = new FeatureFlags(chart, 'Flags', { name: 'shop-flags', namespace: 'shop-prod', flags, ...extra });
  return { construct, chart, manifests: Testing.synth(chart) };
};

describe('FeatureFlags', () => {
  test("one flagd flag definitions file, valid against flagd's schema (flagd-core strict validation)", () => {
    const { manifests } = synth([
      { name: 'new-search', enabled: true },
      { name: 'beta.basket', enabled: false },
    ]);
    expect(Object.keys(manifests[0].data)).toEqual(['flags.flagd.json']);
    expect(() => new ConfigMap(manifests[0]).validate()).not.toThrow();
    const definitions = manifests[0].data['flags.flagd.json'];
    expect(() => strictFlagd(definitions)).not.toThrow();
    expect(Object.keys(JSON.parse(definitions).flags)).toEqual(['beta.basket', 'new-search']);
    // The validator has teeth: a variant of the wrong type is refused.
    expect(() => strictFlagd(definitions.replace('"on": true', '"on": "yes"'))).toThrow();
  });

  // Before: a flag with percent 10 was written as "true": every user got it at once.
  test("a percentage flag reaches about that share of users, internal users first (flagd's own evaluator)", () => {
    const definitions = FeatureFlags.flagdDefinitions([
      { name: 'one-click-checkout', enabled: true, rollout: { internalFirst: true, percent: 10 } },
    ]);
    const core = strictFlagd(definitions);
    const users = 10000;
    let on = 0;
    for (let i = 0; i < users; i++)
      if (core.resolveBooleanEvaluation('one-click-checkout', false, { userId: `user-${i}` }, logger).value) on++;
    // Binomial(10000, 0.1): mean 1000, standard deviation 30; 4 standard deviations either side.
    expect(on).toBeGreaterThan(880);
    expect(on).toBeLessThan(1120);
    // The same user always gets the same answer.
    const first = core.resolveBooleanEvaluation('one-click-checkout', false, { userId: 'user-7' }, logger).value;
    for (let i = 0; i < 5; i++)
      expect(core.resolveBooleanEvaluation('one-click-checkout', false, { userId: 'user-7' }, logger).value).toBe(first);
    for (let i = 0; i < 100; i++) {
      expect(core.resolveBooleanEvaluation('one-click-checkout', false, { userId: `staff-${i}`, internal: true }, logger).value).toBe(true);
    }
  });

  test('the kill switch (enabled: false) turns it off for everyone, internal users included', () => {
    const core = strictFlagd(
      FeatureFlags.flagdDefinitions([{ name: 'one-click-checkout', enabled: false, rollout: { internalFirst: true, percent: 10 } }]),
    );
    for (let i = 0; i < 200; i++) {
      expect(core.resolveBooleanEvaluation('one-click-checkout', true, { userId: `user-${i}`, internal: i % 2 === 0 }, logger).value).toBe(
        false,
      );
    }
  });

  test('level-1 rollback: one apply of the ConfigMap with the flag off, that parses, and an honest bound against the budget', () => {
    const [level1] =
      synth([
        { name: 'new-search', enabled: true, description: 'the new search page' },
        { name: 'dark-mode', enabled: true, killSwitch: false },
      ]).construct.runbookFacts().rollback ?? [];
    expect(level1.level).toBe(1);
    expect(level1.commands.map((c) => c.description)).toEqual([
      'Turn "new-search" off (the new search page) (the other flags as the definition sets them)',
    ]);
    const command = level1.commands[0].command;
    expect(command).toMatch(/^echo '.*' \| kubectl -n shop-prod apply --server-side -f -$/);
    const applied = JSON.parse(/^echo '(.*)' \|/.exec(command)![1]);
    expect(applied.metadata).toEqual({ name: 'shop-flags', namespace: 'shop-prod' });
    const flags = JSON.parse(applied.data['flags.flagd.json']).flags;
    expect([flags['new-search'].defaultVariant, flags['dark-mode'].defaultVariant]).toEqual(['off', 'on']);
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
