import { z } from 'zod';

const objectName = z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, {
  error: 'is not a Kubernetes object name such as "shop-acme-example-tls" (lower-case letters, digits, "-" and ".")',
});

/**
 * HTTPS on the Kubernetes Ingress with ingress-nginx (or any controller that reads `spec.tls`):
 * the TLS Secret that holds the certificate, and optionally the cert-manager ClusterIssuer that
 * issues it into that Secret (ingress-shim: the `cert-manager.io/cluster-issuer` annotation, a
 * Certificate named after `spec.tls[].secretName` for the hosts in `spec.tls[].hosts`). The AWS
 * Load Balancer Controller reads no Secret: it terminates TLS with the ACM certificate of the
 * environment's `tls.certificateArn`.
 * @see https://cert-manager.io/docs/usage/ingress/
 * @see https://kubernetes.io/docs/concepts/services-networking/ingress/#tls
 */
export const ingressTlsSchema = z
  .strictObject({
    /** The `kubernetes.io/tls` Secret in the namespace holding the certificate. @default - `<service>-tls` with a clusterIssuer */
    secretName: objectName
      .optional()
      .describe(
        'The kubernetes.io/tls Secret (in the namespace) that holds the certificate: an existing one, or where cert-manager writes the one it issues. Default with "clusterIssuer": "<service>-tls".',
      ),
    /** A cert-manager ClusterIssuer that issues the certificate for the Ingress host. */
    clusterIssuer: objectName
      .optional()
      .describe(
        'A cert-manager ClusterIssuer (e.g. "letsencrypt-prod") that issues the certificate for the Ingress host into "secretName" (annotation cert-manager.io/cluster-issuer).',
      ),
  })
  .refine((t) => t.secretName !== undefined || t.clusterIssuer !== undefined, {
    error:
      'needs "secretName" (an existing TLS Secret, e.g. "shop-acme-example-tls") or "clusterIssuer" (cert-manager, e.g. "letsencrypt-prod")',
  })
  .describe(
    'HTTPS on the Ingress (ingress-nginx): an existing TLS Secret, or a cert-manager ClusterIssuer that issues one. Needs "host". The ALB controller uses the environment\'s "tls.certificateArn" instead.',
  );

/** Ingress TLS as written. */
export type IngressTlsInput = z.output<typeof ingressTlsSchema>;

/** Ingress TLS, resolved: the Secret named, the issuer if cert-manager issues it. */
export interface IngressTls {
  /** The TLS Secret. @default - `<workload name>-tls` */
  readonly secretName?: string;
  /** The cert-manager ClusterIssuer. @default - none: the Secret exists */
  readonly clusterIssuer?: string;
}
