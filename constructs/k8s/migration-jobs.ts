import { createHash } from 'node:crypto';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { MigrationPhase, type Migration } from '../../lib/model/migrations';
import type { IRunbookContributor, RunbookFacts } from '../../lib/runbook/facts';
import { kubernetesMigrationsRunbookFacts } from '../../lib/runbook/platforms/kubernetes-migrations';
import type { SecretEnvironmentVariable } from './external-secrets';
import { HELPER_SECURITY_CONTEXT, NODE_IMAGE, waitForJobScript } from './private/node-scripts';

/** Props of `MigrationJobs`. */
export interface MigrationJobsProps {
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
  readonly secretEnvironment?: readonly SecretEnvironmentVariable[];
}

/** An init container and the volumes it needs, added to the workload's pod template. */
export interface PodGate {
  readonly initContainers: readonly k8s.Container[];
  readonly volumes: readonly k8s.Volume[];
}

/** The user the migration runs as, like the workload (the distroless `nonroot`). */
const NON_ROOT_ID = 65532;
const TOKEN_DIR = '/var/run/glidepath';

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

  constructor(
    scope: Construct,
    id: string,
    private readonly props: MigrationJobsProps,
  ) {
    super(scope, id);
    const expand = props.migrations.filter((m) => m.phase === MigrationPhase.EXPAND);
    this.expandJobNames = expand.map((m) => this.jobName(m));
    expand.forEach((m) => new k8s.KubeJob(this, `Job-${m.name}`, this.job(m) as k8s.KubeJobProps));
    if (expand.length > 0) {
      const roleName = `${props.name}-migration-reader`;
      new k8s.KubeRole(this, 'Role', {
        metadata: { name: roleName, namespace: props.namespace },
        rules: [{ apiGroups: ['batch'], resources: ['jobs'], resourceNames: [...this.expandJobNames], verbs: ['get'] }],
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
    const hash = createHash('sha256')
      .update(JSON.stringify(plain(this.jobSpec(m))))
      .digest('hex')
      .slice(0, 8);
    return `${this.props.name}-migrate-${m.name}`.slice(0, 54) + `-${hash}`;
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

  private job(m: Migration) {
    return {
      metadata: {
        name: this.jobName(m),
        namespace: this.props.namespace,
        labels: {
          'app.kubernetes.io/component': 'migration',
          'app.kubernetes.io/part-of': this.props.name,
          'glidepath.dev/migration': m.name,
        },
      },
      spec: this.jobSpec(m),
    };
  }

  private jobSpec(m: Migration) {
    const env = [
      ...Object.keys(this.props.environment ?? {})
        .sort()
        .map((name) => ({ name, value: this.props.environment![name] })),
      ...(this.props.secretEnvironment ?? []).map((s) => ({
        name: s.envVar,
        valueFrom: { secretKeyRef: { name: s.secretName, key: s.key } },
      })),
    ];
    return {
      // A half-applied migration is not retried blindly: a failure stops the rollout for a human.
      backoffLimit: 0,
      activeDeadlineSeconds: m.timeout.toSeconds(),
      template: {
        metadata: { labels: { 'app.kubernetes.io/component': 'migration', 'glidepath.dev/migration': m.name } },
        spec: {
          restartPolicy: 'Never',
          serviceAccountName: this.props.serviceAccountName,
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
                requests: { cpu: k8s.Quantity.fromString('250m'), memory: k8s.Quantity.fromString('512Mi') },
                limits: { cpu: k8s.Quantity.fromString('250m'), memory: k8s.Quantity.fromString('512Mi') },
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
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } }],
        },
      },
    };
  }

  /** The migrations' runbook entries (text in lib/runbook/platforms/kubernetes-migrations.ts). */
  public runbookFacts(): RunbookFacts {
    return kubernetesMigrationsRunbookFacts({
      namespace: this.props.namespace,
      migrations: this.props.migrations,
      jobName: (m) => this.jobName(m),
      jobManifest: (m) => plain({ apiVersion: 'batch/v1', kind: 'Job', ...this.job(m) }),
      expandJobNames: this.expandJobNames,
    });
  }
}

/** Replaces cdk8s `Quantity` values with their text, for YAML written outside a chart. */
function plain(value: unknown): unknown {
  if (value instanceof k8s.Quantity) return value.value;
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}
