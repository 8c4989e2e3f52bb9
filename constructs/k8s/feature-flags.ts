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
}

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
 * Feature flags as a ConfigMap with one key per flag (`"true"` / `"false"`), mounted as files under
 * `FeatureFlags.MOUNT_PATH` so that turning a flag off needs no restart: the kubelet refreshes the
 * files within its sync period (1 minute by default) and the workload re-reads them. This is
 * rollback level 1.
 *
 * @see https://kubernetes.io/docs/concepts/configuration/configmap/#mounted-configmaps-are-updated-automatically
 */
export class FeatureFlags extends Construct implements IRunbookContributor {
  /** Where the flag files appear in the container: one file per flag. */
  public static readonly MOUNT_PATH = '/etc/glidepath/flags';
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
    new k8s.KubeConfigMap(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace },
      data: Object.fromEntries([...props.flags].sort((a, b) => a.name.localeCompare(b.name)).map((f) => [f.name, String(f.enabled)])),
    });
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
      kubeletSyncPeriod: FeatureFlags.KUBELET_SYNC_PERIOD,
      reloadInterval: this.props.reloadInterval,
      budget: this.props.budget,
    });
  }
}
