import { z } from 'zod';

/** How an environment's load balancer serves HTTPS. */
export enum TlsMode {
  /** An existing ACM certificate, by ARN (with an optional domain pointed at the load balancer). */
  CERTIFICATE = 'certificate',
  /** A certificate issued for `domainName`, validated through DNS records in the hosted zone; the domain points at the load balancer. */
  DNS_VALIDATED = 'dns-validated',
  /** Plain HTTP, deliberately: the reason appears under the runbook's accepted risks. */
  DISABLED = 'disabled',
}

const hostname = z.string().regex(/^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
  error: 'is not a domain name; use lower-case labels separated by dots, e.g. "checkout.acme.example"',
});

/**
 * HTTPS on the load balancer of one environment: an existing certificate, or a domain in a
 * Route 53 hosted zone to issue a DNS-validated certificate for, or `enabled: false` with the
 * reason plain HTTP is acceptable. Production container services need one of the three.
 */
export const tlsSchema = z
  .strictObject({
    /** Whether the load balancer serves HTTPS. @default true */
    enabled: z.boolean().optional().describe('Whether the load balancer serves HTTPS. Default true; false needs a "reason".'),
    /** Why plain HTTP is acceptable here; listed under accepted risks. Required when `enabled` is false. */
    reason: z
      .string()
      .min(10, { error: 'is too short; say why plain HTTP is acceptable here (at least 10 characters)' })
      .optional()
      .describe(
        'Why plain HTTP is acceptable in this environment (required with "enabled: false"); listed under the runbook\'s accepted risks.',
      ),
    /** An existing ACM certificate in the environment's region. */
    certificateArn: z
      .string()
      .regex(/^arn:aws[-a-z]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/, {
        error: 'must be an ACM certificate ARN, e.g. "arn:aws:acm:eu-west-1:111111111111:certificate/…"',
      })
      .optional()
      .describe("ARN of an existing ACM certificate in the environment's region."),
    /** Domain users reach the service at; a certificate is issued for it and it points at the load balancer. */
    domainName: hostname
      .optional()
      .describe(
        'Domain users reach the service at, e.g. "checkout.acme.example": a DNS-validated certificate is issued for it and an alias record points it at the load balancer (give hostedZoneId and hostedZoneName).',
      ),
    /** Route 53 hosted zone holding `domainName`. */
    hostedZoneId: z
      .string()
      .regex(/^Z[A-Z0-9]{1,31}$/, { error: 'is not a Route 53 hosted zone id; it looks like "Z0123456789ABCDEFGHIJ"' })
      .optional()
      .describe('Id of the Route 53 hosted zone that holds domainName.'),
    /** Name of that hosted zone, e.g. `acme.example`. */
    hostedZoneName: hostname.optional().describe('Name of the hosted zone, e.g. "acme.example".'),
  })
  .superRefine((tls, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    const zone = tls.hostedZoneId !== undefined || tls.hostedZoneName !== undefined;
    if (tls.enabled === false) {
      if (tls.reason === undefined)
        issue(
          'enabled',
          'plain HTTP needs a "reason" next to "enabled: false" (it is listed under accepted risks), or configure a certificate instead',
        );
      if (tls.certificateArn !== undefined || tls.domainName !== undefined || zone)
        issue('enabled', 'a certificate or domain is configured but TLS is disabled; remove "enabled: false" or the certificate settings');
      return;
    }
    if (tls.reason !== undefined) issue('reason', 'a reason is only needed with "enabled: false"; remove it');
    if (zone && (tls.hostedZoneId === undefined || tls.hostedZoneName === undefined)) {
      issue(tls.hostedZoneId === undefined ? 'hostedZoneId' : 'hostedZoneName', 'give "hostedZoneId" and "hostedZoneName" together');
    }
    if (zone && tls.domainName === undefined)
      issue('domainName', 'a hosted zone needs the "domainName" to issue the certificate for and point at the load balancer');
    if (tls.certificateArn === undefined && !(tls.domainName !== undefined && zone)) {
      issue(
        'certificateArn',
        'HTTPS needs "certificateArn", or "domainName" with "hostedZoneId" and "hostedZoneName" to issue a DNS-validated certificate; or "enabled: false" with a "reason"',
      );
    }
    if (tls.domainName && tls.hostedZoneName && !`.${tls.domainName}`.endsWith(`.${tls.hostedZoneName}`)) {
      issue(
        'domainName',
        `"${tls.domainName}" is not inside hosted zone "${tls.hostedZoneName}"; use a name ending in ".${tls.hostedZoneName}"`,
      );
    }
  })
  .describe(
    'HTTPS on the load balancer: an existing ACM certificate, a domain in a Route 53 hosted zone to issue one for, or "enabled: false" with a reason. Production container services need one of them.',
  );

/** TLS settings as written. */
export type TlsInput = z.output<typeof tlsSchema>;

/** TLS of an environment, resolved. */
export interface Tls {
  readonly mode: TlsMode;
  /** The existing certificate (`CERTIFICATE`). */
  readonly certificateArn?: string;
  /** Where users reach the service; pointed at the load balancer when `hostedZone` is given. */
  readonly domainName?: string;
  /** The Route 53 zone holding `domainName`. */
  readonly hostedZone?: { readonly id: string; readonly name: string };
  /** Why plain HTTP is acceptable (`DISABLED`). */
  readonly reason?: string;
}

/** Resolves `tls` (or the older `certificateArn` of an environment). @returns undefined when nothing is said */
export function resolveTls(tls: TlsInput | undefined, certificateArn?: string): Tls | undefined {
  if (tls?.enabled === false) return { mode: TlsMode.DISABLED, reason: tls.reason };
  const arn = tls?.certificateArn ?? certificateArn;
  const hostedZone = tls?.hostedZoneId && tls.hostedZoneName ? { id: tls.hostedZoneId, name: tls.hostedZoneName } : undefined;
  if (arn !== undefined) return { mode: TlsMode.CERTIFICATE, certificateArn: arn, domainName: tls?.domainName, hostedZone };
  if (tls?.domainName && hostedZone) return { mode: TlsMode.DNS_VALIDATED, domainName: tls.domainName, hostedZone };
  return undefined;
}
