import { createHash } from 'node:crypto';
import { MigrationPhase, type Migration } from '../../model/migrations';

/** What the migration Jobs are built from (the props of `MigrationJobs` in constructs/k8s). */
export interface MigrationJobSettings {
  /** Prefix of the Job names, e.g. `checkout`. */
  readonly name: string;
  /** Namespace of the objects. */
  readonly namespace: string;
  /** The migrations (a definition's `migrations`). */
  readonly migrations: readonly Migration[];
  /** ServiceAccount of the workload's pods, allowed to read the expand Jobs. */
  readonly serviceAccountName: string;
  /** Plain configuration, like the workload's. @default - none */
  readonly environment?: Record<string, string>;
  /** Secrets, like the workload's (database credentials). @default - none */
  readonly secretEnvironment?: readonly { readonly envVar: string; readonly secretName: string; readonly key: string }[];
  /**
   * The expand Job names of earlier releases, newest release first (`MigrationJobs.historyOf()`
   * reads them from the previously written manifest). Pods of an earlier pod template (an undo,
   * or stable pods recreated by a node drain or the autoscaler mid-release) wait for *their*
   * release's Job, so the reader Role keeps those names.
   * @default - none: only this release's Jobs are readable
   */
  readonly previousReleases?: readonly (readonly string[])[];
  /** Releases whose Job names the Role keeps, this one included: the Rollout's ReplicaSet history. @default 6 */
  readonly releasesKept?: number;
}

/** Annotation of the reader Role recording the expand Job names per release, newest first (JSON). */
export const JOB_HISTORY_ANNOTATION = 'glidepath.dev/migration-jobs-by-release';

/**
 * The expand Job names per release, newest first, as recorded on the reader Role
 * (`<name>-migration-reader`) of a previously written manifest; empty when there is none.
 */
export function migrationJobHistory(manifestObjects: readonly unknown[], name: string): string[][] {
  type Role = { kind?: string; metadata?: { name?: string; annotations?: Record<string, string> } };
  const role = (manifestObjects as (Role | null)[]).find((o) => o?.kind === 'Role' && o.metadata?.name === `${name}-migration-reader`);
  const recorded: unknown = JSON.parse(role?.metadata?.annotations?.[JOB_HISTORY_ANNOTATION] ?? '[]');
  return Array.isArray(recorded) ? recorded.filter((r): r is string[] => Array.isArray(r) && r.every((n) => typeof n === 'string')) : [];
}

/** The user the migration runs as, like the workload (the distroless `nonroot`). */
const NON_ROOT_ID = 65532;

/**
 * `<name>-migrate-<migration>-<hash of the whole rendered Job spec>`, at most 63 characters. A
 * Job's `spec.template` is immutable: any change (image, command, env, secrets, resources,
 * timeout) must give a new name, or `kubectl apply` is rejected.
 */
export function migrationJobName(settings: MigrationJobSettings, m: Migration): string {
  const hash = createHash('sha256')
    .update(JSON.stringify(migrationJobSpec(settings, m)))
    .digest('hex')
    .slice(0, 8);
  return `${settings.name}-migrate-${m.name}`.slice(0, 54) + `-${hash}`;
}

/** Names of the expand Jobs the manifest creates, in definition order. */
export function expandJobNames(settings: MigrationJobSettings): string[] {
  return settings.migrations.filter((m) => m.phase === MigrationPhase.EXPAND).map((m) => migrationJobName(settings, m));
}

/** A migration's Job (metadata and spec) as plain data; quantities are strings. */
export function migrationJob(settings: MigrationJobSettings, m: Migration) {
  return {
    metadata: {
      name: migrationJobName(settings, m),
      namespace: settings.namespace,
      labels: {
        'app.kubernetes.io/component': 'migration',
        'app.kubernetes.io/part-of': settings.name,
        'glidepath.dev/migration': m.name,
      },
    },
    spec: migrationJobSpec(settings, m),
  };
}

function migrationJobSpec(settings: MigrationJobSettings, m: Migration) {
  const env = [
    ...Object.keys(settings.environment ?? {})
      .sort()
      .map((name) => ({ name, value: settings.environment![name] })),
    ...(settings.secretEnvironment ?? []).map((s) => ({
      name: s.envVar,
      valueFrom: { secretKeyRef: { name: s.secretName, key: s.key } },
    })),
  ];
  return {
    // A half-applied migration is not retried blindly: a failure stops the rollout for a human.
    backoffLimit: 0,
    // ...but a pod evicted by a node drain or preemption (condition DisruptionTarget) did not
    // fail: it is replaced without counting against backoffLimit. Needs restartPolicy Never.
    // https://kubernetes.io/docs/concepts/workloads/controllers/job/#pod-failure-policy
    podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] },
    activeDeadlineSeconds: m.timeout.toSeconds(),
    template: {
      metadata: { labels: { 'app.kubernetes.io/component': 'migration', 'glidepath.dev/migration': m.name } },
      spec: {
        restartPolicy: 'Never',
        serviceAccountName: settings.serviceAccountName,
        automountServiceAccountToken: false,
        securityContext: {
          runAsNonRoot: true,
          runAsUser: NON_ROOT_ID,
          runAsGroup: NON_ROOT_ID,
          seccompProfile: { type: 'RuntimeDefault' },
        },
        containers: [
          {
            name: 'migrate',
            image: m.image,
            command: [...m.command],
            env,
            resources: {
              requests: { cpu: '250m', memory: '512Mi' },
              limits: { cpu: '250m', memory: '512Mi' },
            },
            securityContext: {
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              privileged: false,
              runAsNonRoot: true,
              capabilities: { drop: ['ALL'] },
            },
            volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
          },
        ],
        volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
      },
    },
  };
}
