import { Duration } from '../../model/duration';

/** One flag. */
export interface FeatureFlagSetting {
  /** Flag name, a ConfigMap key: letters, digits, `-`, `_`, `.`. */
  readonly name: string;
  /** Whether the flag is on when first deployed. */
  readonly enabled: boolean;
  /** Whether turning it off is the level-1 rollback. @default true */
  readonly killSwitch?: boolean;
  /** What the flag turns on. @default - none */
  readonly description?: string;
  /**
   * Gradual release while enabled: on for requests whose evaluation context has `internal: true`,
   * then for `percent` of the others, split on the context's `userId`. @default - all or nothing
   */
  readonly rollout?: { readonly internalFirst: boolean; readonly percent: number };
}

/** The OpenFeature evaluation context attributes the targeting reads. */
export const FLAG_CONTEXT = { USER_ID: 'userId', INTERNAL: 'internal' } as const;

/** Feature flags of a workload namespace (the props of `FeatureFlags` in constructs/k8s). */
export interface FeatureFlagsSettings {
  /** Name of the ConfigMap. */
  readonly name: string;
  /** Namespace of the objects. */
  readonly namespace: string;
  /** The flags and their initial state (a definition's `featureFlags` fit). */
  readonly flags: readonly FeatureFlagSetting[];
  /** How often the workload re-reads the flag files. @default 10s */
  readonly reloadInterval?: Duration;
  /** Budget of rollback level 1, to check the computed bound against. @default 1m */
  readonly budget?: Duration;
}

/** Where the flag files appear in the container: one file per flag. */
export const FLAGS_MOUNT_PATH = '/etc/glidepath/flags';
/** The ConfigMap key, and file name under `FLAGS_MOUNT_PATH`, of the flagd flag definitions. */
export const FLAGS_FILE = 'flags.flagd.json';
/** The kubelet's default sync period, which bounds how late a mounted ConfigMap change arrives. */
export const KUBELET_SYNC_PERIOD = Duration.minutes(1);

/** The flagd flag definitions of `flags` (the file the workload reads), as JSON text. */
export function flagdDefinitions(flags: readonly FeatureFlagSetting[]): string {
  const entries = [...flags]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((f) => {
      const gradual = f.enabled && f.rollout && f.rollout.percent < 100;
      // fractional weights are relative integers: hundredths of a percent keep 12.5% exact.
      const on = Math.round((f.rollout?.percent ?? 0) * 100);
      const fractional = {
        fractional: [{ cat: [{ var: '$flagd.flagKey' }, { var: FLAG_CONTEXT.USER_ID }] }, ['on', on], ['off', 10000 - on]],
      };
      const targeting = gradual
        ? f.rollout!.internalFirst
          ? { if: [{ '===': [{ var: FLAG_CONTEXT.INTERNAL }, true] }, 'on', fractional] }
          : fractional
        : undefined;
      return [
        f.name,
        {
          state: 'ENABLED',
          variants: { on: true, off: false },
          defaultVariant: f.enabled && !gradual ? 'on' : 'off',
          ...(targeting ? { targeting } : {}),
          ...(f.description ? { metadata: { description: f.description } } : {}),
        },
      ];
    });
  return `${JSON.stringify({ $schema: 'https://flagd.dev/schema/v0/flags.json', flags: Object.fromEntries(entries) }, undefined, 2)}\n`;
}

/** The ConfigMap holding the flags (metadata and data), as the manifest has it. */
export function flagsConfigMap(settings: Pick<FeatureFlagsSettings, 'name' | 'namespace'>, flags: readonly FeatureFlagSetting[]) {
  return {
    metadata: { name: settings.name, namespace: settings.namespace },
    data: { [FLAGS_FILE]: flagdDefinitions(flags) },
  };
}
