import { type DefinitionError, DeploymentFrequency, Duration, validateDefinition } from '../../lib/model';

const base = () => ({
  service: 'checkout',
  owners: { team: 'payments', primary: '@ana', backup: '@ben', channel: '#checkout-releases' },
  receivers: { critical: { enabled: false, reason: 'A test definition: nobody is paged' } },
  workload: { container: { image: 'acme/checkout:1', port: 8080, healthCheckPath: '/healthz' } },
  environments: [{ name: 'prod', rollout: { strategy: 'canary' } }],
});

describe('feature flags, DORA targets and the communication plan', () => {
  test('defaults: no flags, no DORA targets, a communication plan derived from the owners', () => {
    const def = validateDefinition(base());
    expect(def.featureFlags).toEqual([]);
    expect(def.dora).toBeUndefined();
    expect(def.communication).toEqual({
      before: 'Announce the release and its window in #checkout-releases; @ana confirms they are on call.',
      during: 'Post each stage as it starts and passes in #checkout-releases.',
      ifIssues: '@ana decides on rollback (backup @ben); post status in #checkout-releases every 15 minutes until resolved.',
      checklist: [],
    });
  });

  test('flags default to off and to being kill switches; DORA durations are parsed', () => {
    const def = validateDefinition({
      ...base(),
      featureFlags: [{ name: 'new-payment-form', description: 'The redesigned payment form' }],
      dora: { deploymentFrequency: 'daily', leadTime: '1d', changeFailureRatePercent: 10, timeToRestore: '1h' },
    });
    expect(def.featureFlags).toEqual([
      { name: 'new-payment-form', description: 'The redesigned payment form', enabled: false, killSwitch: true },
    ]);
    expect(def.dora?.deploymentFrequency).toBe(DeploymentFrequency.DAILY);
    expect(def.dora?.timeToRestore).toEqual(Duration.hours(1));
  });

  test('fails when two flags share a name, or a flag name is invalid', () => {
    expect.assertions(2);
    const input = {
      ...base(),
      featureFlags: [
        { name: 'dark-mode', description: 'a' },
        { name: 'dark-mode', description: 'b' },
      ],
    };
    expect(() => validateDefinition(input)).toThrow(
      'featureFlags[1].name is "dark-mode"; feature flag names must be unique; "dark-mode" is already used by featureFlags[0]',
    );
    try {
      validateDefinition({ ...base(), featureFlags: [{ name: 'Dark Mode', description: 'a' }] });
    } catch (err) {
      expect((err as DefinitionError).problems.map((p) => p.message)).toEqual([
        'featureFlags[0].name is "Dark Mode"; it is not a valid flag name; use lower-case letters, digits and hyphens, e.g. "new-payment-form"',
      ]);
    }
  });
});
