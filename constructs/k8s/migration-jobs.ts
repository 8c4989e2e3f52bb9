import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { MigrationPhase, type Migration } from '../../lib/model/migrations';
import type { IRunbookContributor, RunbookFacts } from '../../lib/runbook/facts';
import {
  JOB_HISTORY_ANNOTATION,
  expandJobNames,
  migrationJob,
  migrationJobHistory,
  migrationJobName,
  type MigrationJobSettings,
} from '../../lib/plan/kubernetes/migration-jobs';
import { migrationJobsRunbookFacts } from '../../lib/runbook/platforms/kubernetes-migrations';
import type { SecretEnvironmentVariable } from './external-secrets';
import { HELPER_SECURITY_CONTEXT, NODE_IMAGE, waitForJobScript } from './private/node-scripts';

/** Props of `MigrationJobs`. */
export interface MigrationJobsProps extends MigrationJobSettings {
  /** Secrets, like the workload's (database credentials). @default - none */
  readonly secretEnvironment?: readonly SecretEnvironmentVariable[];
}

/** An init container and the volumes it needs, added to the workload's pod template. */
export interface PodGate {
  readonly initContainers: readonly k8s.Container[];
  readonly volumes: readonly k8s.Volume[];
}

const TOKEN_DIR = '/var/run/glidepath';
export { JOB_HISTORY_ANNOTATION } from '../../lib/plan/kubernetes/migration-jobs';

/**
 * Database migrations as Kubernetes Jobs. Each **expand** migration is a Job in the manifest,
 * named after a hash of its image and command (a Job's pod template cannot change, so a new
 * release gets a new Job), and `podGate()` gives the workload an init container that waits for
 * that Job to complete: new pods of the release do not start, and the Rollout does not move on,
 * before the schema is expanded; a failed Job leaves them in `Init` until the progress deadline
 * aborts the rollout, while the old pods keep serving. This works with `kubectl apply`, Argo CD
 * and Flux alike, without hooks. **Contract** migrations are not in the manifest (applying it
 * would run them at once); the runbook applies them after the rollback window.
 */
export class MigrationJobs extends Construct implements IRunbookContributor {
  /** Names of the expand Jobs, in definition order. */
  public readonly expandJobNames: readonly string[];
  /** Every Job name the reader Role grants: this release's and the kept earlier releases'. */
  public readonly readableJobNames: readonly string[];

  /**
   * The expand Job names per release, newest first, as recorded on the reader Role
   * (`<name>-migration-reader`) of a previously written manifest; empty when there is none.
   */
  public static historyOf(manifestObjects: readonly unknown[], name: string): string[][] {
    return migrationJobHistory(manifestObjects, name);
  }

  constructor(
    scope: Construct,
    id: string,
    private readonly props: MigrationJobsProps,
  ) {
    super(scope, id);
    const expand = props.migrations.filter((m) => m.phase === MigrationPhase.EXPAND);
    this.expandJobNames = expandJobNames(props);
    expand.forEach((m) => new k8s.KubeJob(this, `Job-${m.name}`, withQuantities(migrationJob(props, m)) as k8s.KubeJobProps));
    // This release first, then the earlier ones the Rollout can still go back to.
    const releases = [this.expandJobNames, ...(props.previousReleases ?? []).filter((r) => r.join() !== this.expandJobNames.join())]
      .filter((r) => r.length > 0)
      .slice(0, props.releasesKept ?? 6);
    this.readableJobNames = [...new Set(releases.flat())];
    if (expand.length > 0) {
      const roleName = `${props.name}-migration-reader`;
      new k8s.KubeRole(this, 'Role', {
        metadata: { name: roleName, namespace: props.namespace, annotations: { [JOB_HISTORY_ANNOTATION]: JSON.stringify(releases) } },
        rules: [{ apiGroups: ['batch'], resources: ['jobs'], resourceNames: [...this.readableJobNames], verbs: ['get'] }],
      });
      new k8s.KubeRoleBinding(this, 'RoleBinding', {
        metadata: { name: roleName, namespace: props.namespace },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: roleName },
        subjects: [{ kind: 'ServiceAccount', name: props.serviceAccountName, namespace: props.namespace }],
      });
    }
  }

  /**
   * `<name>-migrate-<migration>-<hash of the whole rendered Job spec>`, at most 63 characters. A
   * Job's `spec.template` is immutable: any change (image, command, env, secrets, resources,
   * timeout) must give a new name, or `kubectl apply` is rejected.
   */
  public jobName(m: Migration): string {
    return migrationJobName(this.props, m);
  }

  /** Init containers that wait for each expand Job, with the token they read the Jobs with. */
  public podGate(): PodGate | undefined {
    if (this.expandJobNames.length === 0) return undefined;
    return {
      initContainers: this.expandJobNames.map((job, i) => ({
        name: `wait-for-migration-${i + 1}`,
        image: NODE_IMAGE,
        command: ['node', '-e', waitForJobScript()],
        env: [
          { name: 'NAMESPACE', value: this.props.namespace },
          { name: 'JOB', value: job },
          { name: 'ROLE', value: `${this.props.name}-migration-reader` },
          { name: 'TOKEN_FILE', value: `${TOKEN_DIR}/token` },
          { name: 'NODE_EXTRA_CA_CERTS', value: `${TOKEN_DIR}/ca.crt` },
        ],
        resources: {
          requests: { cpu: k8s.Quantity.fromString('50m'), memory: k8s.Quantity.fromString('64Mi') },
          limits: { cpu: k8s.Quantity.fromString('50m'), memory: k8s.Quantity.fromString('64Mi') },
        },
        securityContext: HELPER_SECURITY_CONTEXT,
        volumeMounts: [{ name: 'migration-reader-token', mountPath: TOKEN_DIR, readOnly: true }],
      })),
      volumes: [
        {
          // Only the init containers mount a token; the workload's containers get none.
          name: 'migration-reader-token',
          projected: {
            sources: [
              { serviceAccountToken: { path: 'token', expirationSeconds: 600 } },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            ],
          },
        },
      ],
    };
  }

  /** The migrations' runbook entries (text in lib/runbook/platforms/kubernetes-migrations.ts). */
  public runbookFacts(): RunbookFacts {
    return migrationJobsRunbookFacts(this.props);
  }
}

/** The Job's resource quantities as cdk8s `Quantity` values, which `KubeJob` serializes. */
function withQuantities(value: unknown, key?: string): unknown {
  if (typeof value === 'string' && key === 'sizeLimit') return k8s.Quantity.fromString(value);
  if (Array.isArray(value)) return value.map((v) => withQuantities(v));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        k === 'requests' || k === 'limits'
          ? Object.fromEntries(Object.entries(v as Record<string, string>).map(([r, q]) => [r, k8s.Quantity.fromString(q)]))
          : withQuantities(v, k),
      ]),
    );
  }
  return value;
}
