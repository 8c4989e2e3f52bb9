import { FlagdCore, MemoryStorage } from '@openfeature/flagd-core';
import { FLAGS_FILE, flagdDefinitions, flagsConfigMap } from '../../../lib/plan/kubernetes/feature-flags';

/**
 * The flagd flag definitions evaluated by flagd's own in-process evaluator (@openfeature/flagd-core,
 * strict schema validation), every fixture built inside its test. flagd's documentation:
 * https://flagd.dev/reference/flag-definitions/ (`$schema`, `state`, `variants`, `defaultVariant`,
 * `metadata`; a flag without `targeting` resolves statically, reason STATIC) and
 * https://flagd.dev/reference/custom-operations/fractional-operation/ (`fractional` buckets on the
 * value of its first argument: `cat` of the flag key and the user id, so each flag splits users on
 * its own).
 */

const logger = { error: () => undefined, warn: () => undefined, info: () => undefined, debug: () => undefined };
function flagd(definitions: string): FlagdCore {
  const storage = new MemoryStorage(logger);
  storage.setConfigurations(definitions, true);
  return new FlagdCore(storage, logger);
}

test("the file names flagd's schema and carries each description as flag metadata", () => {
  const parsed = JSON.parse(
    flagdDefinitions([
      { name: 'new-search', enabled: true, description: 'the new search page' },
      { name: 'plain', enabled: false },
    ]),
  );
  expect(parsed.$schema).toBe('https://flagd.dev/schema/v0/flags.json');
  expect(parsed.flags['new-search'].metadata).toEqual({ description: 'the new search page' });
  expect('metadata' in parsed.flags.plain).toBe(false);
  const core = flagd(JSON.stringify(parsed));
  expect(core.resolveBooleanEvaluation('new-search', false, {}, logger).flagMetadata).toMatchObject({ description: 'the new search page' });
});

test('a flag released to 100% is simply on: resolved statically, without targeting', () => {
  const core = flagd(flagdDefinitions([{ name: 'everyone', enabled: true, rollout: { internalFirst: true, percent: 100 } }]));
  const result = core.resolveBooleanEvaluation('everyone', false, { userId: 'user-1' }, logger);
  expect(result).toMatchObject({ value: true, variant: 'on', reason: 'STATIC' });
});

test('users outside the percentage resolve to the "off" variant by targeting', () => {
  const core = flagd(flagdDefinitions([{ name: 'gradual', enabled: true, rollout: { internalFirst: false, percent: 10 } }]));
  const variants = new Set<string | undefined>();
  for (let i = 0; i < 200; i++) {
    const r = core.resolveBooleanEvaluation('gradual', true, { userId: `user-${i}` }, logger);
    expect(r.reason).toBe('TARGETING_MATCH');
    expect(r.value).toBe(r.variant === 'on');
    variants.add(r.variant);
  }
  expect([...variants].sort()).toEqual(['off', 'on']);
});

test('two flags at 50% split users independently: the flag key is part of the bucketing', () => {
  const core = flagd(
    flagdDefinitions([
      { name: 'flag-a', enabled: true, rollout: { internalFirst: false, percent: 50 } },
      { name: 'flag-b', enabled: true, rollout: { internalFirst: false, percent: 50 } },
    ]),
  );
  let differ = 0;
  const users = 2000;
  for (let i = 0; i < users; i++) {
    const a = core.resolveBooleanEvaluation('flag-a', false, { userId: `user-${i}` }, logger).value;
    const b = core.resolveBooleanEvaluation('flag-b', false, { userId: `user-${i}` }, logger).value;
    if (a !== b) differ++;
  }
  // Independent halves differ for half the users: Binomial(2000, 0.5), mean 1000, sd 22; 5 sd either side.
  expect(differ).toBeGreaterThan(890);
  expect(differ).toBeLessThan(1110);
});

test('the ConfigMap holds the file under its key', () => {
  const map = flagsConfigMap({ name: 'shop-flags', namespace: 'shop-prod' }, [{ name: 'x', enabled: true }]);
  expect(map.metadata).toEqual({ name: 'shop-flags', namespace: 'shop-prod' });
  expect(Object.keys(map.data)).toEqual([FLAGS_FILE]);
  expect(FLAGS_FILE).toBe('flags.flagd.json');
});
