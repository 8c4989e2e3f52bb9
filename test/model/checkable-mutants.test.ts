/**
 * `partialParse` (lib/model/validate/checkable.ts): a definition that fails the schema is parsed part
 * by part, so the cross-field rules still see every part that passed, at the user's indexes.
 * Fixtures are written here; expected values are the inputs themselves or worked by hand.
 */
import { partialParse } from '../../lib/model/validate/checkable';

const OWNERS = { team: 'payments', primary: '@ana', backup: '@ben', channel: '#checkout-releases' };
const GOOD_ENV = { name: 'prod', rollout: { strategy: 'canary' } };
const GOOD_SECRET = { name: 'db', envVar: 'DB', generate: { rotation: '30d' } };

describe('partialParse keeps the parts that pass', () => {
  test('a part that passes is kept, one that fails is undefined', () => {
    const parsed = partialParse({ service: 'checkout', owners: OWNERS, workload: { container: { port: 'eighty' } } });
    expect(parsed.service).toBe('checkout');
    expect(parsed.owners).toMatchObject(OWNERS);
    expect(parsed.workload).toBeUndefined();
  });

  test('environments and secrets keep their indexes: a failed one is undefined at its place', () => {
    const parsed = partialParse({
      service: 'checkout',
      environments: [GOOD_ENV, { name: 'staging', rollout: 'fast' }, 'junk', { name: 7 }, null],
      secrets: [{ envVar: 'X' }, GOOD_SECRET],
    });
    expect(parsed.environments).toHaveLength(5);
    expect(parsed.environments[0]).toMatchObject(GOOD_ENV);
    expect(parsed.environments.slice(1)).toEqual([undefined, undefined, undefined, undefined]);
    expect(parsed.secrets).toHaveLength(2);
    expect(parsed.secrets?.[0]).toBeUndefined();
    expect(parsed.secrets?.[1]).toMatchObject({ name: 'db', envVar: 'DB' });
    // 30 days of 86,400 seconds.
    expect(parsed.secrets?.[1]?.generate?.rotation?.toSeconds()).toBe(2_592_000);
  });

  test('environment names as written, a failed environment included; no name unless it is a string', () => {
    // `undefined` in the list: a TypeScript definition spreading optional environments.
    const parsed = partialParse({
      environments: [GOOD_ENV, { name: 'staging', rollout: 'fast' }, 'junk', { name: 7 }, null, {}, undefined],
    });
    expect(parsed.environmentNames).toEqual(['prod', 'staging', undefined, undefined, undefined, undefined, undefined]);
    expect(parsed.environmentsUnknown).toBe(false);
  });

  test('"environments" that is not a list: no environments, their names unknown', () => {
    for (const environments of [undefined, { prod: GOOD_ENV }, 'prod']) {
      const parsed = partialParse({ service: 'checkout', environments, secrets: 'db' });
      expect(parsed.environments).toEqual([]);
      expect(parsed.environmentNames).toBeUndefined();
      expect(parsed.environmentsUnknown).toBe(true);
      expect(parsed.secrets).toEqual([]);
    }
  });

  test('a service name that is not a string, or no mapping at all: an empty name and nothing else', () => {
    expect(partialParse({ service: 42 }).service).toBe('');
    for (const input of [null, 'checkout', 7, undefined]) {
      const parsed = partialParse(input);
      expect(parsed.service).toBe('');
      expect(parsed.owners).toBeUndefined();
      expect(parsed.environments).toEqual([]);
      expect(parsed.environmentsUnknown).toBe(true);
    }
  });
});
