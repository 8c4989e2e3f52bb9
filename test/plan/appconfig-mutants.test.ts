import type { FeatureFlag } from '../../lib/model/feature-flags';
import {
  APPCONFIG_AGENT_IMAGE,
  APPCONFIG_AGENT_PORT,
  appConfigFlagsContent,
  appConfigLambdaExtensionArn,
  appConfigLocalUrl,
} from '../../lib/plan/appconfig';
import { KILL_SWITCH_STRATEGY, flagReleaseStrategy } from '../../lib/plan/appconfig-strategies';

/**
 * AppConfig facts judged against the AWS documentation, every fixture built inside its test:
 * - the `AWS.AppConfig.FeatureFlags` type: https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-type-reference-feature-flags.html
 *   (`version: "1"`, `flags` with `name` and a `description` of at most 1024 characters, `values`
 *   with `enabled`, a multi-variant flag's `_variants` list of `name`, `enabled`, `rule`, the last
 *   without a rule being the default)
 * - variant rules: https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-creating-multi-variant-feature-flags-rules.html
 *   (`(eq $attribute value)`, `(split pct::N by::$attribute)`)
 * - the agent's local endpoint on port 2772,
 *   `/applications/<app>/environments/<env>/configurations/<profile>`:
 *   https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-integration-lambda-extensions.html
 * - deployment strategies (linear growth: `growthFactor` % more hosts each
 *   `deploymentDuration × growthFactor / 100` minutes):
 *   https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-creating-deployment-strategy.html
 */

const flag = (name: string, extra: Partial<FeatureFlag> = {}): FeatureFlag => ({
  name,
  description: `${name} flag`,
  enabled: true,
  killSwitch: true,
  ...extra,
});

describe('appConfigFlagsContent', () => {
  test('one flag each, sorted by name; plain flags carry their state', () => {
    expect(appConfigFlagsContent([flag('zeta', { enabled: false }), flag('alpha')])).toEqual({
      version: '1',
      flags: { alpha: { name: 'alpha', description: 'alpha flag' }, zeta: { name: 'zeta', description: 'zeta flag' } },
      values: { alpha: { enabled: true }, zeta: { enabled: false } },
    });
    // Sorted, so the same flags always give the same document (and no new AppConfig version).
    const content = appConfigFlagsContent([flag('zeta'), flag('mid'), flag('alpha')]);
    expect(Object.keys(content.flags as object)).toEqual(['alpha', 'mid', 'zeta']);
    expect(Object.keys(content.values as object)).toEqual(['alpha', 'mid', 'zeta']);
  });

  test('a description longer than AppConfig allows is cut at 1024 characters', () => {
    const content = appConfigFlagsContent([flag('long', { description: 'x'.repeat(1030) })]);
    expect((content.flags as Record<string, { description: string }>).long.description).toHaveLength(1024);
  });

  test('a gradual flag: internal users first, then the percentage split by user id, off by default', () => {
    const content = appConfigFlagsContent([flag('one-click', { rollout: { internalFirst: true, percent: 10 } })]);
    expect(content.values).toEqual({
      'one-click': {
        _variants: [
          { name: 'internal', enabled: true, rule: '(eq $internal true)' },
          { name: 'rollout', enabled: true, rule: '(split pct::10 by::$userId)' },
          { name: 'default', enabled: false },
        ],
      },
    });
  });

  test('a gradual flag without internal users first, and one at 0% (internal users only)', () => {
    const content = appConfigFlagsContent([
      flag('a', { rollout: { internalFirst: false, percent: 25 } }),
      flag('b', { rollout: { internalFirst: true, percent: 0 } }),
    ]);
    expect(content.values).toEqual({
      a: {
        _variants: [
          { name: 'rollout', enabled: true, rule: '(split pct::25 by::$userId)' },
          { name: 'default', enabled: false },
        ],
      },
      b: {
        _variants: [
          { name: 'internal', enabled: true, rule: '(eq $internal true)' },
          { name: 'default', enabled: false },
        ],
      },
    });
  });

  test('a disabled flag with a rollout is simply off', () => {
    expect(appConfigFlagsContent([flag('later', { enabled: false, rollout: { internalFirst: true, percent: 50 } })]).values).toEqual({
      later: { enabled: false },
    });
  });
});

test('appConfigLocalUrl: the agent on localhost:2772, the feature-flags profile unless named', () => {
  expect(APPCONFIG_AGENT_PORT).toBe(2772);
  expect(appConfigLocalUrl('checkout', 'prod')).toBe(
    'http://localhost:2772/applications/checkout/environments/prod/configurations/feature-flags',
  );
  expect(appConfigLocalUrl('checkout', 'prod', 'limits')).toBe(
    'http://localhost:2772/applications/checkout/environments/prod/configurations/limits',
  );
});

test('the ECS agent image is a pinned build of the public gallery repository, not the floating 2.x tag', () => {
  expect(APPCONFIG_AGENT_IMAGE).toMatch(/^public\.ecr\.aws\/aws-appconfig\/aws-appconfig-agent:2\.0\.\d+$/);
});

describe('appConfigLambdaExtensionArn', () => {
  test('the layer of the region and architecture', () => {
    // The page's eu-west-1 rows: account 434848589818, layer names AWS-AppConfig-Extension(-Arm64).
    expect(appConfigLambdaExtensionArn('eu-west-1', 'x86_64', 'checkout')).toMatch(
      /^arn:aws:lambda:eu-west-1:434848589818:layer:AWS-AppConfig-Extension:\d+$/,
    );
    expect(appConfigLambdaExtensionArn('eu-west-1', 'arm64', 'checkout')).toMatch(
      /^arn:aws:lambda:eu-west-1:434848589818:layer:AWS-AppConfig-Extension-Arm64:\d+$/,
    );
  });

  test('a region without the extension fails, naming the application, the version, the architecture and the known regions', () => {
    expect(() => appConfigLambdaExtensionArn('xx-nowhere-1', 'arm64', 'checkout')).toThrow(
      /^AppConfigFeatureFlags 'checkout': AWS publishes no AppConfig Lambda extension 2\.0\.\d+ \(arm64\) in xx-nowhere-1 \(glidepath knows us-east-1, us-east-2, .*eu-west-1, .*\); use one of those regions$/,
    );
  });
});

describe('AppConfig deployment strategies', () => {
  test('a flag release grows linearly by 20% every 2 minutes (10 minutes in all), then bakes', () => {
    const strategy = flagReleaseStrategy(15);
    expect(strategy).toEqual({
      description: 'Flag releases: 20% of hosts more every 2 minutes, then watch the alarms for the bake time',
      deploymentDurationInMinutes: 10,
      growthType: 'LINEAR',
      growthFactor: 20,
      finalBakeTimeInMinutes: 15,
      replicateTo: 'NONE',
    });
    // Linear growth: 100 / growthFactor steps over the duration.
    expect(strategy.deploymentDurationInMinutes / (100 / strategy.growthFactor)).toBe(2);
  });

  test('the kill switch reaches every host at once and does not bake', () => {
    expect(KILL_SWITCH_STRATEGY).toEqual({
      description: 'Kill switch: every host at once, no bake (turning a feature off must not wait)',
      deploymentDurationInMinutes: 0,
      growthType: 'LINEAR',
      growthFactor: 100,
      finalBakeTimeInMinutes: 0,
      replicateTo: 'NONE',
    });
  });
});
