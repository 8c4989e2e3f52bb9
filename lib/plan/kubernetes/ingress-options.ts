import type { EnvironmentDefinition } from '../../model/environment';
import { IngressController } from '../../model/kubernetes';
import { TlsMode } from '../../model/tls';

/**
 * HTTPS on the workload's Ingress. ingress-nginx (and any controller that reads `spec.tls`)
 * serves the certificate of a `kubernetes.io/tls` Secret, which cert-manager can issue; the AWS
 * Load Balancer Controller reads no Secret and needs an ACM certificate.
 * @see https://kubernetes.io/docs/concepts/services-networking/ingress/#tls
 * @see https://cert-manager.io/docs/usage/ingress/
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/tasks/ssl_redirect/
 */
export interface WorkloadIngressTls {
  /**
   * The TLS Secret in the namespace, named in `spec.tls[].secretName` (not for the ALB controller).
   * @default - `<name>-tls` when `clusterIssuer` is given
   */
  readonly secretName?: string;
  /** cert-manager ClusterIssuer that issues the certificate into `secretName` (`cert-manager.io/cluster-issuer`). @default - none: the Secret exists */
  readonly clusterIssuer?: string;
  /**
   * ACM certificate the AWS Load Balancer Controller serves on port 443, redirecting port 80 to it
   * (`certificate-arn`, `listen-ports`, `ssl-redirect`); only for `IngressController.ALB`.
   * @default - none
   */
  readonly certificateArn?: string;
}

/** How the workload is exposed outside the cluster. */
export interface WorkloadIngressOptions {
  /** Host name the Ingress answers. @default - every host (no `host` in the rule) */
  readonly host?: string;
  /** Ingress class. @default 'nginx' */
  readonly className?: string;
  /**
   * The controller serving the class, which splits canary traffic: ingress-nginx (Argo
   * `trafficRouting.nginx`) or the AWS Load Balancer Controller (`trafficRouting.alb`, IP targets).
   * @default IngressController.NGINX
   */
  readonly controller?: IngressController;
  /** Path prefixes routed to the workload. @default ['/'] */
  readonly paths?: readonly string[];
  /** HTTPS. Needs `host` unless `certificateArn` is used. @default - plain HTTP */
  readonly tls?: WorkloadIngressTls;
  /** Why plain HTTP is acceptable here, listed under the runbook's accepted risks. @default - none */
  readonly plainHttpReason?: string;
}

/**
 * The Ingress an environment declares: `kubernetes.ingress` with its TLS Secret or ClusterIssuer,
 * for the ALB controller the environment's ACM certificate (`tls.certificateArn`), and the reason
 * of `tls: { enabled: false }` as an accepted risk.
 */
export function ingressOptionsOf(env: EnvironmentDefinition): WorkloadIngressOptions {
  const ingress = env.kubernetes.ingress;
  const alb = ingress.controller === IngressController.ALB;
  const certificateArn = env.tls?.mode === TlsMode.CERTIFICATE ? env.tls.certificateArn : undefined;
  const tls = alb ? (certificateArn ? { certificateArn } : undefined) : ingress.tls;
  return {
    className: ingress.className,
    controller: ingress.controller,
    host: ingress.host,
    paths: ingress.paths,
    ...(tls ? { tls } : {}),
    ...(env.tls?.mode === TlsMode.DISABLED && !tls ? { plainHttpReason: env.tls.reason } : {}),
  };
}
