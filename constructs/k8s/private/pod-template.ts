import { k8s } from 'cdk8s-plus-28';
import type { Duration } from '../../../lib/model/duration';
import type { ContainerWorkload } from '../../../lib/model/workload';
import type { SecretEnvironmentVariable } from '../external-secrets';
import { cpuQuantity, memoryQuantity } from './units';

/** The container fields a pod template needs. */
export type ContainerSpec = Pick<ContainerWorkload, 'image' | 'port' | 'healthCheckPath' | 'cpu' | 'memoryMiB' | 'environment'>;

/** Inputs of `podTemplate()`. */
export interface PodTemplateOptions {
  readonly containerName: string;
  readonly labels: Record<string, string>;
  readonly container: ContainerSpec;
  readonly secretEnvironment: readonly SecretEnvironmentVariable[];
  readonly serviceAccountName: string;
  readonly preStopDelay: Duration;
  readonly drainTimeout: Duration;
  /** More read-only volumes, e.g. feature flags. */
  readonly extraVolumes?: readonly { readonly volume: k8s.Volume; readonly mount: k8s.VolumeMount }[];
  /** Init containers that must finish before the workload starts, with their own volumes (e.g. a migration gate). */
  readonly gate?: { readonly initContainers: readonly k8s.Container[]; readonly volumes: readonly k8s.Volume[] };
  /** A separate container port for metrics, named `metrics`. */
  readonly metricsPort?: number;
}

/** The user and group the container runs as when the image does not say (the distroless `nonroot`). */
const NON_ROOT_ID = 65532;

/**
 * A pod template with zero-downtime and hardening defaults: startup, readiness and liveness probes
 * on the health-check path; a preStop delay so endpoints are removed before the process gets
 * SIGTERM, and a grace period that covers the delay plus draining; Guaranteed QoS (limits equal
 * requests); non-root, read-only root filesystem with a writable `/tmp`, no privilege escalation,
 * all capabilities dropped, RuntimeDefault seccomp; no service-account token.
 */
export function podTemplate(o: PodTemplateOptions): k8s.PodTemplateSpec {
  const { container } = o;
  const resources = {
    cpu: k8s.Quantity.fromString(cpuQuantity(container.cpu)),
    memory: k8s.Quantity.fromString(memoryQuantity(container.memoryMiB)),
  };
  const httpGet = { path: container.healthCheckPath, port: k8s.IntOrString.fromString('http') };
  const plain = Object.keys(container.environment)
    .sort()
    .map((name) => ({ name, value: container.environment[name] }));
  const secret = o.secretEnvironment.map((s) => ({
    name: s.envVar,
    valueFrom: { secretKeyRef: { name: s.secretName, key: s.key } },
  }));
  return {
    metadata: { labels: o.labels },
    spec: {
      serviceAccountName: o.serviceAccountName,
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: Math.ceil(o.preStopDelay.plus(o.drainTimeout).toSeconds()),
      securityContext: {
        runAsNonRoot: true,
        runAsUser: NON_ROOT_ID,
        runAsGroup: NON_ROOT_ID,
        fsGroup: NON_ROOT_ID,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: 'topology.kubernetes.io/zone',
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: { matchLabels: o.labels },
        },
        {
          maxSkew: 1,
          topologyKey: 'kubernetes.io/hostname',
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: { matchLabels: o.labels },
        },
      ],
      ...(o.gate ? { initContainers: [...o.gate.initContainers] } : {}),
      containers: [
        {
          name: o.containerName,
          image: container.image,
          ports: [
            { name: 'http', containerPort: container.port, protocol: 'TCP' },
            ...(o.metricsPort !== undefined ? [{ name: 'metrics', containerPort: o.metricsPort, protocol: 'TCP' }] : []),
          ],
          env: [...plain, ...secret],
          resources: { requests: resources, limits: resources },
          startupProbe: { httpGet, periodSeconds: 5, failureThreshold: 60, timeoutSeconds: 2 },
          readinessProbe: { httpGet, periodSeconds: 5, failureThreshold: 2, successThreshold: 1, timeoutSeconds: 2 },
          livenessProbe: { httpGet, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 2 },
          // lifecycle.preStop is set by preStopSleep() after rendering: cdk8s-plus-28's 1.28 types have no sleep action.
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            privileged: false,
            runAsNonRoot: true,
            capabilities: { drop: ['ALL'] },
          },
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, ...(o.extraVolumes ?? []).map((v) => v.mount)],
        },
      ],
      volumes: [
        { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
        ...(o.extraVolumes ?? []).map((v) => v.volume),
        ...(o.gate?.volumes ?? []),
      ],
    },
  };
}

/**
 * The preStop hook that delays SIGTERM so endpoints are removed first: the kubelet's own `sleep`
 * action (KEP-3960; on by default from Kubernetes 1.30), which works in distroless images that
 * have no `sleep` binary. Added to the rendered JSON because cdk8s-plus-28's types (Kubernetes
 * 1.28) do not know it.
 * @see https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#hook-handler-implementations
 */
export function preStopSleep(delay: Duration): { preStop: { sleep: { seconds: number } } } {
  return { preStop: { sleep: { seconds: Math.ceil(delay.toSeconds()) } } };
}
