import { Duration } from '../../../lib/model/duration';
import { MigrationPhase, type Migration } from '../../../lib/model/migrations';
import {
  JOB_HISTORY_ANNOTATION,
  expandJobNames,
  migrationJob,
  migrationJobHistory,
  migrationJobName,
  type MigrationJobSettings,
} from '../../../lib/plan/kubernetes/migration-jobs';

/**
 * The migration Jobs as plain data, every fixture built inside its test. Expected values are the
 * Kubernetes documentation's:
 * - Job: https://kubernetes.io/docs/concepts/workloads/controllers/job/ (a failed pod is retried
 *   `backoffLimit` times; `podFailurePolicy` rule `Ignore` on condition `DisruptionTarget` does not
 *   count an evicted pod, and needs `restartPolicy: Never`; `activeDeadlineSeconds` ends a Job that
 *   runs too long; a Job's name must be at most 63 characters; its pod template is immutable)
 * - Pod Security Standards, "restricted":
 *   https://kubernetes.io/docs/concepts/security/pod-security-standards/ (`runAsNonRoot: true`,
 *   `seccompProfile.type: RuntimeDefault`, `allowPrivilegeEscalation: false`, `capabilities.drop: [ALL]`)
 */

const migration = (name: string, extra: Partial<Migration> = {}): Migration => ({
  name,
  phase: MigrationPhase.EXPAND,
  command: ['./migrate', 'up'],
  image: 'public.ecr.aws/acme/checkout:1.2.0',
  backwardCompatible: true,
  timeout: Duration.minutes(10),
  ...extra,
});

const settings = (extra: Partial<MigrationJobSettings> = {}): MigrationJobSettings => ({
  name: 'checkout',
  namespace: 'checkout-prod',
  migrations: [migration('add-column')],
  serviceAccountName: 'checkout',
  ...extra,
});

describe('migrationJob', () => {
  test('runs once as a restricted, non-root pod, within the migration timeout, its environment sorted and secrets referenced', () => {
    const s = settings({
      environment: { LOG_LEVEL: 'info', DB_HOST: 'db.internal' },
      secretEnvironment: [{ envVar: 'DB_PASSWORD', secretName: 'checkout-prod-db', key: 'value' }],
    });
    const job = migrationJob(s, migration('add-column'));
    expect(job.metadata).toEqual({
      name: expect.stringMatching(/^checkout-migrate-add-column-[0-9a-f]{8}$/),
      namespace: 'checkout-prod',
      labels: {
        'app.kubernetes.io/component': 'migration',
        'app.kubernetes.io/part-of': 'checkout',
        'glidepath.dev/migration': 'add-column',
      },
    });
    expect(job.spec).toEqual({
      backoffLimit: 0,
      podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] },
      // 10 minutes.
      activeDeadlineSeconds: 600,
      template: {
        metadata: { labels: { 'app.kubernetes.io/component': 'migration', 'glidepath.dev/migration': 'add-column' } },
        spec: {
          restartPolicy: 'Never',
          serviceAccountName: 'checkout',
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            // The distroless images' "nonroot" user and group.
            runAsUser: 65532,
            runAsGroup: 65532,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'migrate',
              image: 'public.ecr.aws/acme/checkout:1.2.0',
              command: ['./migrate', 'up'],
              env: [
                { name: 'DB_HOST', value: 'db.internal' },
                { name: 'LOG_LEVEL', value: 'info' },
                { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'checkout-prod-db', key: 'value' } } },
              ],
              resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '250m', memory: '512Mi' } },
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
    });
  });

  test('without environment or secrets the container has an empty env', () => {
    expect(migrationJob(settings(), migration('add-column')).spec.template.spec.containers[0].env).toEqual([]);
  });
});

describe('migrationJobName', () => {
  test('is stable for the same Job and changes with anything in its immutable spec', () => {
    const base = migrationJobName(settings(), migration('add-column'));
    expect(migrationJobName(settings(), migration('add-column'))).toBe(base);
    const changed = [
      migrationJobName(settings(), migration('add-column', { image: 'public.ecr.aws/acme/checkout:1.3.0' })),
      migrationJobName(settings(), migration('add-column', { command: ['./migrate', 'up', '--step'] })),
      migrationJobName(settings(), migration('add-column', { timeout: Duration.minutes(11) })),
      migrationJobName(settings({ environment: { DB_HOST: 'db2.internal' } }), migration('add-column')),
      migrationJobName(
        settings({ secretEnvironment: [{ envVar: 'DB_PASSWORD', secretName: 's', key: 'value' }] }),
        migration('add-column'),
      ),
      migrationJobName(settings({ serviceAccountName: 'other' }), migration('add-column')),
    ];
    for (const name of changed) {
      expect(name).toMatch(/^checkout-migrate-add-column-[0-9a-f]{8}$/);
      expect(name).not.toBe(base);
    }
    expect(new Set(changed).size).toBe(changed.length);
  });

  test('a long name keeps the first 54 characters of the prefix and the hash: exactly 63', () => {
    const long = 'backfill-the-order-history-table-from-the-archive-bucket';
    const name = migrationJobName(settings(), migration(long));
    // "checkout-migrate-" is 17 characters, so the first 37 characters of the migration's name fit in 54: "backfill-the-order-history-table-from".
    expect(name).toMatch(/^checkout-migrate-backfill-the-order-history-table-from-[0-9a-f]{8}$/);
    expect(name).toHaveLength(63);
  });
});

test('expandJobNames: only the expand migrations, in definition order', () => {
  const s = settings({
    migrations: [
      migration('b-first'),
      migration('drop-old-column', { phase: MigrationPhase.CONTRACT, backwardCompatible: false }),
      migration('a-second'),
    ],
  });
  const names = expandJobNames(s);
  expect(names).toHaveLength(2);
  expect(names[0]).toMatch(/^checkout-migrate-b-first-[0-9a-f]{8}$/);
  expect(names[1]).toMatch(/^checkout-migrate-a-second-[0-9a-f]{8}$/);
});

describe('migrationJobHistory', () => {
  const role = (name: string, annotation?: string) => ({
    kind: 'Role',
    metadata: { name, annotations: annotation === undefined ? {} : { [JOB_HISTORY_ANNOTATION]: annotation } },
  });

  test('reads the Job names per release from the reader Role of the service, newest first', () => {
    const objects = [
      null,
      { kind: 'ServiceAccount', metadata: { name: 'checkout-migration-reader', annotations: { [JOB_HISTORY_ANNOTATION]: '[["x"]]' } } },
      role('payments-migration-reader', '[["payments-migrate-a-00000000"]]'),
      role('checkout-migration-reader', '[["checkout-migrate-b-11111111"],["checkout-migrate-a-22222222","checkout-migrate-c-33333333"]]'),
    ];
    expect(migrationJobHistory(objects, 'checkout')).toEqual([
      ['checkout-migrate-b-11111111'],
      ['checkout-migrate-a-22222222', 'checkout-migrate-c-33333333'],
    ]);
    expect(JOB_HISTORY_ANNOTATION).toBe('glidepath.dev/migration-jobs-by-release');
  });

  test('keeps only lists of names; anything else recorded is dropped', () => {
    const objects = [role('checkout-migration-reader', '[["a"], "b", ["c", 1], [], {"0": "d"}]')];
    expect(migrationJobHistory(objects, 'checkout')).toEqual([['a'], []]);
  });

  test('no Role, no annotation or a record that is not a list: no history', () => {
    expect(migrationJobHistory([], 'checkout')).toEqual([]);
    expect(migrationJobHistory([{ kind: 'Role' }], 'checkout')).toEqual([]);
    expect(migrationJobHistory([role('checkout-migration-reader')], 'checkout')).toEqual([]);
    expect(migrationJobHistory([{ kind: 'Role', metadata: { name: 'checkout-migration-reader' } }], 'checkout')).toEqual([]);
    expect(migrationJobHistory([role('checkout-migration-reader', '{"release": ["a"]}')], 'checkout')).toEqual([]);
  });
});
