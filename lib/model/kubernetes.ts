import { z } from 'zod';
import { Duration } from './duration';
import { ingressTlsSchema, type IngressTls } from './ingress-tls';
import { durationField, positiveInt } from './private/fields';

/**
 * Labels kube-prometheus-stack's Prometheus selects PodMonitors and PrometheusRules by, when it is
 * installed as Helm release `kube-prometheus-stack` (its `podMonitorSelector` and `ruleSelector`
 * default to `release: <release name>`).
 */
export const KUBE_PROMETHEUS_STACK_LABELS: Readonly<Record<string, string>> = { release: 'kube-prometheus-stack' };

/** The prometheus-operator's governing Service in namespace `monitoring`, as the Argo Rollouts controller reaches it. */
export const DEFAULT_PROMETHEUS_ADDRESS = 'http://prometheus-operated.monitoring.svc:9090';

const labelMap = z.record(
  z
    .string()
    .regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/, { error: 'is not a Kubernetes label key such as "release"' }),
  z.string().regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/, {
    error: 'is not a Kubernetes label value (63 letters, digits, "-", "_", "." at most)',
  }),
);
const cidr = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, { error: 'is not an IPv4 CIDR such as "10.20.0.0/16"' });
const namespaceName = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'is not a namespace name such as "storefront-prod"' });

/**
 * The ingress controllers glidepath splits canary traffic through, each with its Argo Rollouts
 * traffic router and NetworkPolicy source.
 * @see https://argo-rollouts.readthedocs.io/en/stable/features/traffic-management/
 */
export enum IngressController {
  /** ingress-nginx: Argo's `trafficRouting.nginx` (a canary Ingress); traffic comes from the controller's pods. */
  NGINX = 'nginx',
  /**
   * AWS Load Balancer Controller: Argo's `trafficRouting.alb` (weighted target groups); in IP
   * target mode traffic comes from the load balancer's addresses in the VPC (`sourceCidr`).
   */
  ALB = 'alb',
}

/** The controller an Ingress class name means when `controller` is not given: the classes each installs by default. */
export const DEFAULT_INGRESS_CLASSES: Readonly<Record<string, IngressController>> = {
  nginx: IngressController.NGINX,
  alb: IngressController.ALB,
};

const metricName = z
  .string()
  .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, { error: 'is not a Prometheus metric name such as "http_requests_total"' });

/** Where the workload is reachable from outside the cluster. */
export const kubernetesIngressSchema = z.strictObject({
  /** Ingress class; canary traffic splitting needs the NGINX Ingress Controller. @default nginx */
  className: z.string().optional().describe('Ingress class; canary traffic splitting needs the NGINX Ingress Controller. Default "nginx".'),
  /** Host name. @default - every host (collides with other Ingresses of the class on `/`) */
  host: z
    .string()
    .regex(/^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, {
      error: 'is not a host name such as "shop.example.com"',
    })
    .optional()
    .describe(
      'Host name the Ingress answers. Default: every host (collides with other Ingresses of the same class on "/"; set it in a shared cluster).',
    ),
  /** Namespace of the ingress controller, allowed to reach the serving port. @default ingress-nginx */
  controllerNamespace: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'is not a namespace name such as "ingress-nginx"' })
    .optional()
    .describe('Namespace of the ingress controller; the NetworkPolicy lets only it reach the serving port. Default "ingress-nginx".'),
  /** Which controller serves the class. @default - from the class name: "nginx" → nginx, "alb" → alb */
  controller: z
    .enum(IngressController)
    .optional()
    .describe(
      'Which controller serves the class: "nginx" (ingress-nginx) or "alb" (AWS Load Balancer Controller). Default: from the class name.',
    ),
  /** Source addresses of the load balancer's traffic to the pods (ALB IP target mode: the VPC CIDR). */
  sourceCidr: cidr
    .optional()
    .describe(
      'Where the load balancer\'s traffic to the pods comes from; required for "alb" (IP target mode: the VPC CIDR, e.g. "10.0.0.0/16").',
    ),
  /** Path prefixes routed to the workload. @default ["/"] */
  paths: z
    .array(z.string().regex(/^\//, { error: 'must start with "/"' }))
    .min(1, { error: 'must list at least one path' })
    .optional()
    .describe('Path prefixes routed to the workload. Default ["/"].'),
  /** HTTPS on the Ingress: a TLS Secret or a cert-manager ClusterIssuer. @default - plain HTTP (refused in production) */
  tls: ingressTlsSchema.optional(),
});

/** The metrics the workload exposes; a mismatch silently disables every alert and the analysis. */
export const kubernetesMetricsSchema = z.strictObject({
  /** Container port that serves the metrics, not exposed through the Ingress. @default 9090 */
  port: positiveInt
    .max(65535, { error: 'must be a port between 1 and 65535' })
    .optional()
    .describe('Container port that serves the metrics (named "metrics", not in the Ingress). Default 9090.'),
  /** HTTP path of the metrics. @default /metrics */
  path: z.string().regex(/^\//, { error: 'must start with "/"' }).optional().describe('HTTP path of the metrics. Default "/metrics".'),
  /** Counter of HTTP requests. @default http_requests_total */
  requestsMetric: metricName.optional().describe('Counter of HTTP requests, labelled with the status code. Default "http_requests_total".'),
  /** Label of the request counter holding the HTTP status code. @default code */
  statusLabel: z
    .string()
    .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { error: 'is not a Prometheus label name such as "code"' })
    .optional()
    .describe('Label of the request counter holding the HTTP status code. Default "code".'),
  /** Histogram of request durations in seconds, without `_bucket`. @default http_request_duration_seconds */
  durationHistogram: metricName
    .optional()
    .describe('Histogram of request durations in seconds, without "_bucket". Default "http_request_duration_seconds".'),
});

/** Kubernetes target settings: monitoring stack, analysis and exposure. */
export const kubernetesSchema = z
  .strictObject({
    /** Prometheus scrape interval of the workload; alert and analysis windows are at least 4 of them. @default 30s */
    scrapeInterval: durationField
      .optional()
      .describe('Prometheus scrape interval of the workload; rate windows span at least 4 of them. Default "30s".'),
    /** Prometheus as the Argo Rollouts controller reaches it. @default http://prometheus-operated.monitoring.svc:9090 */
    prometheusAddress: z
      .url({ error: 'must be an http(s) URL such as "http://prometheus-operated.monitoring.svc:9090"', protocol: /^https?$/ })
      .optional()
      .describe(
        'Prometheus base URL as the Argo Rollouts controller reaches it. Default "http://prometheus-operated.monitoring.svc:9090".',
      ),
    /** Labels the Prometheus selects PodMonitors and PrometheusRules by. @default { release: kube-prometheus-stack } */
    monitoringLabels: labelMap
      .optional()
      .describe(
        'Labels your Prometheus selects PodMonitors and PrometheusRules by (kube-prometheus-stack: "release: <Helm release name>"). Default { release: kube-prometheus-stack }.',
      ),
    /** Labels the Alertmanager selects AlertmanagerConfigs by. @default - the monitoringLabels */
    alertmanagerConfigLabels: labelMap
      .optional()
      .describe("Labels your Alertmanager's alertmanagerConfigSelector selects AlertmanagerConfigs by. Default: the monitoringLabels."),
    /** Requests the new version must have served in an analysis window before it is judged. @default 50 */
    minimumRequests: positiveInt
      .optional()
      .describe(
        'Requests the new version must serve in an analysis window before it is judged; fewer makes the measurement inconclusive. Default: chosen by the detection model for the declared traffic on Argo Rollouts (50 where no model applies); a declared value is kept and judged as is.',
      ),
    /** The Ingress. @default class nginx, every host, path / */
    ingress: kubernetesIngressSchema.optional().describe('The Ingress. Default: class "nginx", every host, path "/".'),
    /** The metrics the workload exposes. @default - the common Prometheus HTTP metric names on port 9090 */
    metrics: kubernetesMetricsSchema
      .optional()
      .describe('The metrics the workload exposes; their names must match or every alert stays silent.'),
    /** IAM role External Secrets assumes (IRSA) to read this service's secrets. @default - the operator's own identity */
    secretStoreRoleArn: z
      .string()
      .regex(/^arn:aws[-a-z]*:iam::\d{12}:role\/.+$/, {
        error: 'must be an IAM role ARN such as "arn:aws:iam::123456789012:role/checkout-secrets"',
      })
      .optional()
      .describe(
        "IAM role (IRSA) the SecretStore's ServiceAccount assumes to read this service's secrets. Default: the External Secrets operator's own identity.",
      ),
    /** Address block of the Kubernetes API server's endpoints, for pods that read the API (the migration gate). */
    apiServerCidr: cidr
      .optional()
      .describe(
        "IPv4 block of the API server's endpoints (kubectl get endpoints kubernetes -n default), which pods that read the API (the migration gate) may reach on 443 and 6443. Required with migrations.",
      ),
    /** The kubeconfig context of the cluster, named in every kubectl command of the runbook. @default - the current context */
    context: z
      .string()
      .regex(/^[A-Za-z0-9][-A-Za-z0-9_.:@/]*$/, {
        error: 'is not a kubeconfig context name such as "arn:aws:eks:eu-west-1:111111111111:cluster/prod"',
      })
      .optional()
      .describe(
        'The kubeconfig context of the cluster (kubectl config get-contexts); every kubectl command in the runbook names it, so no command runs against the wrong cluster. Default: the current context.',
      ),
    /** Namespaces whose pods call this service inside the cluster. @default - none */
    callers: z
      .array(namespaceName)
      .optional()
      .describe(
        'Namespaces whose pods may call the serving port inside the cluster (the NetworkPolicy admits only these and the ingress controller). Default: none.',
      ),
    /** Where the pods may connect besides DNS (the NetworkPolicy denies everything else). @default - nowhere */
    egress: z
      .array(
        z
          .strictObject({
            /** An IP block, e.g. `10.20.0.0/16` or `0.0.0.0/0`. */
            cidr: z
              .string()
              .regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, { error: 'is not an IPv4 CIDR such as "10.20.0.0/16"' })
              .optional()
              .describe('IPv4 block, e.g. "10.20.0.0/16".'),
            /** A namespace in the cluster. */
            namespace: z
              .string()
              .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'is not a namespace name' })
              .optional()
              .describe('A namespace in the cluster, e.g. "catalog-prod".'),
            /** TCP port. */
            port: positiveInt.max(65535, { error: 'must be a port between 1 and 65535' }).describe('TCP port.'),
          })
          .refine((e) => (e.cidr === undefined) !== (e.namespace === undefined), {
            error: 'needs exactly one of "cidr" (e.g. "10.20.0.0/16") or "namespace" (e.g. "catalog-prod")',
          }),
      )
      .optional()
      .describe(
        'Where the pods may connect besides DNS; everything else is denied by the NetworkPolicy. Each entry needs cidr or namespace. Default: nowhere.',
      ),
  })
  .describe('Kubernetes target settings: Prometheus, analysis, Ingress and metrics (merged field by field, environment over service).');

/** The Kubernetes settings as written. */
export type KubernetesInput = z.output<typeof kubernetesSchema>;

/** Kubernetes settings with every default filled. */
export interface KubernetesSettings {
  readonly scrapeInterval: Duration;
  readonly prometheusAddress: string;
  readonly monitoringLabels: Readonly<Record<string, string>>;
  /** Labels the Alertmanager selects AlertmanagerConfigs by. */
  readonly alertmanagerConfigLabels: Readonly<Record<string, string>>;
  readonly minimumRequests: number;
  /** `minimumRequests` as the definition declared it; the detection model keeps it fixed then. */
  readonly declaredMinimumRequests?: number;
  readonly ingress: {
    readonly className: string;
    readonly host?: string;
    readonly paths: readonly string[];
    readonly controllerNamespace: string;
    /** Undefined when the class name is not one glidepath knows and no controller was given. */
    readonly controller?: IngressController;
    readonly sourceCidr?: string;
    /** HTTPS on the Ingress through a Secret (ingress-nginx); the ALB controller uses the environment's ACM certificate. */
    readonly tls?: IngressTls;
  };
  readonly apiServerCidr?: string;
  readonly callers: readonly string[];
  readonly context?: string;
  readonly metrics: {
    readonly port: number;
    readonly path: string;
    readonly requestsMetric: string;
    readonly statusLabel: string;
    readonly durationHistogram: string;
  };
  readonly egress: readonly { readonly cidr?: string; readonly namespace?: string; readonly port: number }[];
  readonly secretStoreRoleArn?: string;
}

/** Merges Kubernetes settings, later layers winning field by field, over the defaults. */
export function resolveKubernetes(...layers: (KubernetesInput | undefined)[]): KubernetesSettings {
  const given = layers.filter((l): l is KubernetesInput => l !== undefined);
  const pick = <K extends keyof KubernetesInput>(key: K): KubernetesInput[K] | undefined =>
    given.reduce<KubernetesInput[K] | undefined>((acc, l) => (l[key] !== undefined ? l[key] : acc), undefined);
  const ingress = Object.assign({}, ...given.map((l) => l.ingress ?? {})) as NonNullable<KubernetesInput['ingress']>;
  const metrics = Object.assign({}, ...given.map((l) => l.metrics ?? {})) as NonNullable<KubernetesInput['metrics']>;
  return {
    scrapeInterval: pick('scrapeInterval') ?? Duration.seconds(30),
    prometheusAddress: pick('prometheusAddress') ?? DEFAULT_PROMETHEUS_ADDRESS,
    monitoringLabels: pick('monitoringLabels') ?? KUBE_PROMETHEUS_STACK_LABELS,
    alertmanagerConfigLabels: pick('alertmanagerConfigLabels') ?? pick('monitoringLabels') ?? KUBE_PROMETHEUS_STACK_LABELS,
    minimumRequests: pick('minimumRequests') ?? 50,
    declaredMinimumRequests: pick('minimumRequests'),
    ingress: {
      className: ingress.className ?? 'nginx',
      host: ingress.host,
      paths: ingress.paths ?? ['/'],
      controllerNamespace: ingress.controllerNamespace ?? 'ingress-nginx',
      controller:
        ingress.controller ??
        (Object.hasOwn(DEFAULT_INGRESS_CLASSES, ingress.className ?? 'nginx')
          ? DEFAULT_INGRESS_CLASSES[ingress.className ?? 'nginx']
          : undefined),
      sourceCidr: ingress.sourceCidr,
      tls: ingress.tls,
    },
    apiServerCidr: pick('apiServerCidr'),
    callers: pick('callers') ?? [],
    context: pick('context'),
    metrics: {
      port: metrics.port ?? 9090,
      path: metrics.path ?? '/metrics',
      requestsMetric: metrics.requestsMetric ?? 'http_requests_total',
      statusLabel: metrics.statusLabel ?? 'code',
      durationHistogram: metrics.durationHistogram ?? 'http_request_duration_seconds',
    },
    egress: pick('egress') ?? [],
    secretStoreRoleArn: pick('secretStoreRoleArn'),
  };
}
