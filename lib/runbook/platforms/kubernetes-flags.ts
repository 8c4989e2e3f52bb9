import { Duration } from '../../model/duration';
import { timeBound } from '../../plan/timing';
import type { RunbookCommand, RunbookFacts } from '../facts';
import {
  FLAG_CONTEXT,
  FLAGS_FILE,
  FLAGS_MOUNT_PATH,
  KUBELET_SYNC_PERIOD,
  flagsConfigMap,
  type FeatureFlagsSettings,
} from '../../plan/kubernetes/feature-flags';

/** What the ConfigMap flags' runbook text needs: names and timings, no constructs. */
export interface KubernetesFlagsRunbookInput {
  readonly namespace: string;
  readonly configMapName: string;
  /** The flags; a flag is a kill switch unless `killSwitch` is false. */
  readonly flags: readonly { readonly name: string; readonly description?: string; readonly killSwitch?: boolean }[];
  /** Where the pods see the flag files. */
  readonly mountPath: string;
  /** The flagd flag definitions file under `mountPath` (also the ConfigMap key). */
  readonly file: string;
  /** The OpenFeature evaluation context attributes the targeting reads. */
  readonly contextAttributes: readonly string[];
  /** The whole ConfigMap as the manifest has it, with one flag off (`enabled: false`). */
  readonly configMapWithFlagOff: (name: string) => object;
  /** How often the kubelet refreshes a mounted ConfigMap. */
  readonly kubeletSyncPeriod: Duration;
  /** How often the workload re-reads the files. @default 10s */
  readonly reloadInterval?: Duration;
  /** Budget of rollback level 1. @default 1m */
  readonly budget?: Duration;
}

function describeFlag(input: KubernetesFlagsRunbookInput, name: string): string {
  const description = input.flags.find((f) => f.name === name)?.description;
  return description ? ` (${description})` : '';
}

/** Feature flags (flagd definitions) in a ConfigMap: where they live, and rollback level 1 (apply it with the flag off) with its bound. */
export function kubernetesFlagsRunbookFacts(input: KubernetesFlagsRunbookInput): RunbookFacts {
  const names = input.flags.filter((f) => f.killSwitch ?? true).map((f) => f.name);
  const resources = [{ type: 'ConfigMap', name: input.configMapName }];
  const notes = [
    `feature flags are flagd flag definitions in ${input.mountPath}/${input.file} (OpenFeature flagd provider, evaluation context ${input.contextAttributes.map((a) => `"${a}"`).join(' and ')}); the definition stays the source: change it too (enabled: false), or the next deploy sets the flag back`,
  ];
  if (names.length === 0) {
    return { resources, notes };
  }
  const ns = `kubectl -n ${input.namespace}`;
  // The whole ConfigMap as the manifest has it, with this flag off: applied by the same field
  // manager as the manifest (kubectl), so the next release applies without a conflict. One line
  // of JSON in single quotes.
  const off = (name: string): RunbookCommand => ({
    description: `Turn "${name}" off${describeFlag(input, name)} (the other flags as the definition sets them)`,
    command: `echo '${JSON.stringify(input.configMapWithFlagOff(name)).replace(/'/g, `'\\''`)}' | ${ns} apply --server-side -f -`,
    expected: `configmap/${input.configMapName} serverside-applied`,
  });
  const reload = input.reloadInterval ?? Duration.seconds(10);
  return {
    rollback: [
      {
        level: 1,
        title: 'Turn the feature flag off',
        when: 'A feature behind a flag misbehaves and the rest of the release is fine',
        commands: names.map(off),
        verify: [
          {
            description: 'Show the flags as the pods will read them',
            command: `${ns} get configmap ${input.configMapName} -o jsonpath='{.data.${input.file.replace(/\./g, '\\.')}}'`,
            expected: 'the flag has "defaultVariant": "off" and no "targeting"',
          },
        ],
        bound: timeBound(
          [
            { what: 'kubelet refreshes the mounted ConfigMap (sync period)', duration: input.kubeletSyncPeriod },
            { what: 'the workload re-reads the flag files', duration: reload },
          ],
          input.budget ?? Duration.minutes(1),
        ),
      },
    ],
    resources,
    notes,
  };
}

/** The runbook facts of the flags' ConfigMap (what `FeatureFlags` in constructs/k8s writes). */
export function featureFlagsRunbookFacts(settings: FeatureFlagsSettings): RunbookFacts {
  return kubernetesFlagsRunbookFacts({
    namespace: settings.namespace,
    configMapName: settings.name,
    flags: settings.flags,
    mountPath: FLAGS_MOUNT_PATH,
    file: FLAGS_FILE,
    contextAttributes: [FLAG_CONTEXT.USER_ID, FLAG_CONTEXT.INTERNAL],
    configMapWithFlagOff: (name) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      ...flagsConfigMap(
        settings,
        settings.flags.map((f) => (f.name === name ? { ...f, enabled: false } : f)),
      ),
    }),
    kubeletSyncPeriod: KUBELET_SYNC_PERIOD,
    reloadInterval: settings.reloadInterval,
    budget: settings.budget,
  });
}
