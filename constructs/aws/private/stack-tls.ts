import type { Stack } from 'aws-cdk-lib/core';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53Targets from 'aws-cdk-lib/aws-route53-targets';
import type { EnvironmentDefinition } from '../../../lib/model/environment';
import { DefinitionError } from '../../../lib/model/problems';
import { TlsMode, type Tls } from '../../../lib/model/tls';
import type { ProgressiveFargateService } from '../progressive-fargate-service';
import { ACKNOWLEDGEMENTS } from '../../../lib/runbook/platforms/aws-accepted-risks';
import { acknowledge } from './acknowledge';

/** The environment's TLS settings and the certificate of its load balancer (none for plain HTTP). */
export interface StackTls {
  /** TLS as the definition states it (absent: plain HTTP outside production). */
  readonly tls?: Tls;
  /** The listener certificate (absent: plain HTTP). */
  readonly certificate?: elbv2.IListenerCertificate;
}

/**
 * The certificate of the environment's load balancer. Production refuses plain HTTP unless the
 * definition disables TLS with a reason, which is then acknowledged on the listener (accepted risks).
 * A DNS-validated certificate is the stack's child `Certificate`.
 */
export function stackTls(stack: Stack, env: EnvironmentDefinition): StackTls {
  const tls = env.tls;
  if (!tls && env.production) {
    const path = `environments[${env.order}].tls`;
    throw new DefinitionError([
      {
        path,
        message:
          `${path} is not set; production environment "${env.name}" serves users through an internet-facing load balancer and needs HTTPS: ` +
          'set "tls.certificateArn", or "tls.domainName" with "tls.hostedZoneId" and "tls.hostedZoneName" to issue a DNS-validated certificate, ' +
          'or "tls: { enabled: false, reason: ... }" to accept plain HTTP',
      },
    ]);
  }
  switch (tls?.mode) {
    case TlsMode.CERTIFICATE:
      return { tls, certificate: elbv2.ListenerCertificate.fromArn(tls.certificateArn!) };
    case TlsMode.DNS_VALIDATED: {
      const certificate = new acm.Certificate(stack, 'Certificate', {
        domainName: tls.domainName!,
        validation: acm.CertificateValidation.fromDns(hostedZone(stack, tls)),
      });
      return { tls, certificate: elbv2.ListenerCertificate.fromCertificateManager(certificate) };
    }
    default:
      return { tls };
  }
}

/** The hosted zone of the domain, imported once as the stack's child `HostedZone`. */
function hostedZone(stack: Stack, tls: Tls): route53.IHostedZone {
  return (
    (stack.node.tryFindChild('HostedZone') as route53.IHostedZone | undefined) ??
    route53.HostedZone.fromHostedZoneAttributes(stack, 'HostedZone', { hostedZoneId: tls.hostedZone!.id, zoneName: tls.hostedZone!.name })
  );
}

/**
 * Points the environment's domain at the load balancer (the stack's child `DomainRecord`),
 * acknowledges plain HTTP, and returns the service URL.
 */
export function pointDomain(stack: Stack, settings: StackTls, service: ProgressiveFargateService): string {
  const tls = settings.tls;
  if (tls?.mode === TlsMode.DISABLED) {
    acknowledge(service.listener, ACKNOWLEDGEMENTS.plainHttp(tls.reason!));
  }
  if (tls?.domainName && tls.hostedZone) {
    new route53.ARecord(stack, 'DomainRecord', {
      zone: hostedZone(stack, tls),
      recordName: tls.domainName,
      target: route53.RecordTarget.fromAlias(new route53Targets.LoadBalancerTarget(service.loadBalancer)),
    });
  }
  const https = tls !== undefined && tls.mode !== TlsMode.DISABLED;
  return `${https ? 'https' : 'http'}://${tls?.domainName ?? service.loadBalancer.loadBalancerDnsName}`;
}
