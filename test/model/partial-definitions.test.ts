// A definition that fails the schema still gets every rule's problems, never a TypeError.
import { problemsOf } from './support-definition';

const partial = (extra: Record<string, unknown>) => ({
  service: 'checkout',
  owners: { team: 'payments', primary: '@ana', backup: '@ben', channel: '#checkout-releases' },
  receivers: { critical: { enabled: false, reason: 'A test definition: nobody is paged' } },
  environments: [{ name: 'prod', rollout: { strategy: 'canary' }, capacity: { minCount: 2, maxCount: 4 } }],
  ...extra,
});

describe('rules on a definition without a workload report problems, not a crash', () => {
  test('autoscaling bounds and a secret without any workload', () => {
    const messages = problemsOf(partial({ secrets: [{ name: 'db', envVar: 'DB', generate: { rotation: '30d' } }] }));
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.some((m) => m.startsWith('workload'))).toBe(true);
  });

  test('a workload that is neither a container nor a function, with a secret', () => {
    const messages = problemsOf(partial({ workload: {}, secrets: [{ name: 'db', envVar: 'DB', generate: { rotation: '30d' } }] }));
    expect(messages.some((m) => m.startsWith('workload'))).toBe(true);
  });
});
