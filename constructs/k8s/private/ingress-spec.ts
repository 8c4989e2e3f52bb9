import type { k8s } from 'cdk8s-plus-28';
import { IngressController } from '../../../lib/model/kubernetes';
import type { WorkloadIngressOptions } from '../workload-ingress';

/** What the Ingress of a workload needs besides its options. */
export interface IngressSpecInput {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** The Service the rule sends traffic to. */
  readonly serviceName: string;
  /**
   * Argo's ALB canary routing: the rule targets the stable Service's action, which Argo writes into
   * the annotation `alb.ingress.kubernetes.io/actions.<stable Service>` (so not applied here).
   */
  readonly albActions: boolean;
}

/** Annotations cert-manager's ingress-shim reads (https://cert-manager.io/docs/usage/ingress/#supported-annotations). */
export const CERT_MANAGER_CLUSTER_ISSUER = 'cert-manager.io/cluster-issuer';

/**
 * The Ingress object: rules per host and path, `spec.tls` for controllers that read Secrets, and
 * for the AWS Load Balancer Controller IP targets and, with an ACM certificate, HTTPS on 443 with
 * port 80 redirected to it (its ssl-redirect guide: listen-ports must include both, the certificate
 * annotation enables the HTTPS listener).
 */
export function ingressProps(options: WorkloadIngressOptions, input: IngressSpecInput): k8s.KubeIngressProps {
  const alb = options.controller === IngressController.ALB;
  const tls = options.tls;
  const secretName = tls && !alb && (tls.secretName ?? (tls.clusterIssuer ? `${input.name}-tls` : undefined));
  const annotations: Record<string, string> = {
    ...(alb ? { 'alb.ingress.kubernetes.io/target-type': 'ip' } : {}),
    ...(alb && tls?.certificateArn
      ? {
          'alb.ingress.kubernetes.io/certificate-arn': tls.certificateArn,
          'alb.ingress.kubernetes.io/listen-ports': '[{"HTTP":80},{"HTTPS":443}]',
          'alb.ingress.kubernetes.io/ssl-redirect': '443',
        }
      : {}),
    ...(!alb && tls?.clusterIssuer ? { [CERT_MANAGER_CLUSTER_ISSUER]: tls.clusterIssuer } : {}),
  };
  return {
    metadata: {
      name: input.name,
      namespace: input.namespace,
      labels: input.labels,
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
    spec: {
      ingressClassName: options.className ?? 'nginx',
      ...(secretName ? { tls: [{ ...(options.host ? { hosts: [options.host] } : {}), secretName }] } : {}),
      rules: [
        {
          ...(options.host ? { host: options.host } : {}),
          http: {
            paths: (options.paths ?? ['/']).map((path) => ({
              path,
              pathType: 'Prefix',
              backend: { service: { name: input.serviceName, port: { name: input.albActions ? 'use-annotation' : 'http' } } },
            })),
          },
        },
      ],
    },
  };
}
