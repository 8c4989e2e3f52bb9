import { Duration } from '../../model/duration';
import { timeBound } from '../../plan/timing';
import type { RunbookCommand, RunbookFacts } from '../facts';

/** What the ConfigMap flags' runbook text needs: names and timings, no constructs. */
export interface KubernetesFlagsRunbookInput {
  readonly namespace: string;
  readonly configMapName: string;
  /** The flags; a flag is a kill switch unless `killSwitch` is false. */
  readonly flags: readonly { readonly name: string; readonly description?: string; readonly killSwitch?: boolean }[];
  /** Where the pods see the flag files. */
  readonly mountPath: string;
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

/** Feature flags in a ConfigMap: where they live, and rollback level 1 (patch the ConfigMap) with its bound. */
export function kubernetesFlagsRunbookFacts(input: KubernetesFlagsRunbookInput): RunbookFacts {
  const names = input.flags.filter((f) => f.killSwitch ?? true).map((f) => f.name);
  const resources = [{ type: 'ConfigMap', name: input.configMapName }];
  const notes = [
    `feature flags are files under ${input.mountPath} (one per flag, "true" or "false"); the definition stays the source: change it too, or the next deploy sets the flag back`,
  ];
  if (names.length === 0) {
    return { resources, notes };
  }
  const ns = `kubectl -n ${input.namespace}`;
  const off = (name: string): RunbookCommand => ({
    description: `Turn "${name}" off${describeFlag(input, name)}`,
    command: `${ns} patch configmap ${input.configMapName} --type merge -p '{"data":{"${name}":"false"}}'`,
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
            command: `${ns} get configmap ${input.configMapName} -o jsonpath='{.data}'`,
            expected: 'the flag is "false"',
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
