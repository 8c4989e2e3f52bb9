import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  FLAGS_FILE,
  FLAGS_MOUNT_PATH,
  KUBELET_SYNC_PERIOD,
  flagdDefinitions,
  flagsConfigMap,
  type FeatureFlagSetting,
  type FeatureFlagsSettings,
} from '../../lib/plan/kubernetes/feature-flags';
import type { IRunbookContributor, RunbookFacts } from '../../lib/runbook/facts';
import { featureFlagsRunbookFacts } from '../../lib/runbook/platforms/kubernetes-flags';

export { FLAG_CONTEXT, type FeatureFlagSetting } from '../../lib/plan/kubernetes/feature-flags';

/** Props of `FeatureFlags`. */
export type FeatureFlagsProps = FeatureFlagsSettings;

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
  public static readonly MOUNT_PATH = FLAGS_MOUNT_PATH;
  /** The ConfigMap key, and file name under `MOUNT_PATH`, of the flagd flag definitions. */
  public static readonly FILE = FLAGS_FILE;
  /** The kubelet's default sync period, which bounds how late a mounted ConfigMap change arrives. */
  public static readonly KUBELET_SYNC_PERIOD = KUBELET_SYNC_PERIOD;

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
    return flagdDefinitions(flags);
  }

  private configMap(flags: readonly FeatureFlagSetting[]) {
    return flagsConfigMap(this.props, flags);
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
    return featureFlagsRunbookFacts(this.props);
  }
}
