/**
 * HTTPS in production as the Kubernetes target needs it: the Ingress of a production environment
 * answers a host over TLS — ingress-nginx with a TLS Secret (existing, or issued by a cert-manager
 * ClusterIssuer), the AWS Load Balancer Controller with an ACM certificate — or the environment
 * accepts plain HTTP with a reason (`tls: { enabled: false, reason }`, listed under accepted risks).
 * The AWS target's own rule (a certificate on the load balancer) is in targets.ts.
 * @see https://kubernetes.io/docs/concepts/services-networking/ingress/#tls
 * @see https://cert-manager.io/docs/usage/ingress/
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/tasks/ssl_redirect/
 */
import type { EnvironmentDefinition } from '../environment';
import { IngressController } from '../kubernetes';
import { problem, type Problem } from '../problems';
import { TlsMode } from '../tls';
import type { Parsed } from './checkable';

const OPT_OUT = '"tls: { enabled: false, reason: ... }" to accept plain HTTP';
const SECRET_FIX =
  'set "kubernetes.ingress.tls.clusterIssuer" (a cert-manager ClusterIssuer, e.g. "letsencrypt-prod") or "kubernetes.ingress.tls.secretName" (an existing TLS Secret in the namespace)';

/** Where `kubernetes.ingress.<field>` of environment `i` is written: the environment's, else the service's, else the environment's to add. */
function ingressPath(parsed: Parsed, i: number, field: string): PropertyKey[] {
  if (parsed.environments[i]?.kubernetes?.ingress?.[field as 'tls'] !== undefined)
    return ['environments', i, 'kubernetes', 'ingress', field];
  if (parsed.kubernetes?.ingress?.[field as 'tls'] !== undefined) return ['kubernetes', 'ingress', field];
  return ['environments', i, 'kubernetes', 'ingress', field];
}

/** What the Kubernetes target needs for HTTPS in environment `i` of a container service. */
export function kubernetesTlsProblems(env: EnvironmentDefinition, i: number, parsed: Parsed): Problem[] {
  const ingress = env.kubernetes.ingress;
  const alb = ingress.controller === IngressController.ALB;
  if (alb && ingress.tls) {
    // The controller terminates TLS on the load balancer, with ACM certificates only.
    return [
      problem(
        ingressPath(parsed, i, 'tls'),
        ingress.tls,
        `the AWS Load Balancer Controller (class "${ingress.className}") reads no TLS Secret and runs no cert-manager issuer: it serves an ACM certificate; remove "kubernetes.ingress.tls" and set "tls.certificateArn" (an ACM certificate for the host) where HTTPS is needed`,
      ),
    ];
  }
  if (!env.production || env.tls?.mode === TlsMode.DISABLED) return [];
  const where = `production environment "${env.name}" renders for Kubernetes an Ingress`;
  if (ingress.host === undefined) {
    return [
      problem(
        ingressPath(parsed, i, 'host'),
        undefined,
        `${where} that answers every host over plain HTTP; set "kubernetes.ingress.host" (e.g. "shop.acme.example") and ${alb ? '"tls.certificateArn" (an ACM certificate for the host)' : '"kubernetes.ingress.tls" with "clusterIssuer" (a cert-manager ClusterIssuer, e.g. "letsencrypt-prod") or "secretName" (an existing TLS Secret in the namespace)'}, or ${OPT_OUT}`,
      ),
    ];
  }
  if (alb && env.tls?.mode !== TlsMode.CERTIFICATE) {
    return [
      problem(
        ['environments', i, 'tls', 'certificateArn'],
        undefined,
        `${where} for "${ingress.host}" through the AWS Load Balancer Controller, which serves HTTPS only with an ACM certificate (a certificate issued for "tls.domainName" belongs to the AWS target's stack); set "tls.certificateArn" to a certificate for "${ingress.host}", or ${OPT_OUT}`,
      ),
    ];
  }
  if (!alb && ingress.tls === undefined) {
    return [
      problem(
        ingressPath(parsed, i, 'tls'),
        undefined,
        `${where} for "${ingress.host}" over plain HTTP (ingress-nginx cannot serve an ACM certificate); ${SECRET_FIX}, or ${OPT_OUT}`,
      ),
    ];
  }
  return [];
}
