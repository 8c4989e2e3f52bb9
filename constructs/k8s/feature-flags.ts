import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Duration } from '../../lib/model/duration';
import type { IRunbookContributor, RunbookFacts } from '../../lib/runbook/facts';
import { kubernetesFlagsRunbookFacts } from '../../lib/runbook/platforms/kubernetes-flags';

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

/** Props of `FeatureFlags`. */
export interface FeatureFlagsProps {
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

/** A ConfigMap key. */
const FLAG_NAME = /^[-._a-zA-Z0-9]+$/;

/**
 * Feature flags as a ConfigMap holding one file, `flags.flagd.json`, in flagd's flag definition
 * format: an OpenFeature flagd provider (in-process, `offlineFlagSourcePath` pointing at the file)
 * or a flagd sidecar evaluates it, percentages included (`fractional` targeting on the context's
 * `userId`, internal users first through `internal: true`). It is mounted under
 * `FeatureFlags.MOUNT_PATH`, so turning a flag off needs no restart: the kubelet refreshes the
 * file within its sync period (1 minute by default) and the provider re-reads it. This is
 * rollback level 1: the flag's `defaultVariant` becomes `"off"` and its targeting goes (in the
 * definition, one line: `enabled: false`).
 *
 * @see https://flagd.dev/reference/flag-definitions/
 * @see https://flagd.dev/reference/custom-operations/fractional-operation/
 * @see https://kubernetes.io/docs/concepts/configuration/configmap/#mounted-configmaps-are-updated-automatically
 */
export class FeatureFlags extends Construct implements IRunbookContributor {
  /** Where the flag files appear in the container: one file per flag. */
  public static readonly MOUNT_PATH = '/etc/glidepath/flags';
  /** The ConfigMap key, and file name under `MOUNT_PATH`, of the flagd flag definitions. */
  public static readonly FILE = 'flags.flagd.json';
  /** The kubelet's default sync period, which bounds how late a mounted ConfigMap change arrives. */
  public static readonly KUBELET_SYNC_PERIOD = Duration.minutes(1);

  /** Name of the ConfigMap. */
  public readonly configMapName: string;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: FeatureFlagsProps,
  ) {
    super(scope, id);
    props.flags.forEach((flag, i) => {
      if (!FLAG_NAME.test(flag.name)) {
        throw new Error(
          `flags[${i}].name is "${flag.name}", not a valid ConfigMap key; use letters, digits, "-", "_" and ".", e.g. "new-checkout"`,
        );
      }
    });
    this.configMapName = props.name;
    new k8s.KubeConfigMap(this, 'Resource', this.configMap(props.flags));
  }

  /** The flagd flag definitions of `flags` (the file the workload reads), as JSON text. */
  public static flagdDefinitions(flags: readonly FeatureFlagSetting[]): string {
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

  private configMap(flags: readonly FeatureFlagSetting[]) {
    return {
      metadata: { name: this.props.name, namespace: this.props.namespace },
      data: { [FeatureFlags.FILE]: FeatureFlags.flagdDefinitions(flags) },
    };
  }

  /** The volume and mount to add to a pod so the workload can read the flags. */
  public podVolume(): { volume: k8s.Volume; mount: k8s.VolumeMount } {
    return {
      volume: { name: 'feature-flags', configMap: { name: this.configMapName } },
      mount: { name: 'feature-flags', mountPath: FeatureFlags.MOUNT_PATH, readOnly: true },
    };
  }

  /** Where the flags live and the kill switches (text in lib/runbook/platforms/kubernetes-flags.ts). */
  public runbookFacts(): RunbookFacts {
    return kubernetesFlagsRunbookFacts({
      namespace: this.props.namespace,
      configMapName: this.configMapName,
      flags: this.props.flags,
      mountPath: FeatureFlags.MOUNT_PATH,
      file: FeatureFlags.FILE,
      contextAttributes: [FLAG_CONTEXT.USER_ID, FLAG_CONTEXT.INTERNAL],
      configMapWithFlagOff: (name) => ({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        ...this.configMap(this.props.flags.map((f) => (f.name === name ? { ...f, enabled: false } : f))),
      }),
      kubeletSyncPeriod: FeatureFlags.KUBELET_SYNC_PERIOD,
      reloadInterval: this.props.reloadInterval,
      budget: this.props.budget,
    });
  }
}
