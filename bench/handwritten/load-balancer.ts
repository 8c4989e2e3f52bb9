import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53Targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { CheckoutEnvironment } from './environments';
import { HEALTH_CHECK_PATH, PORT, TEST_PORT } from './service-settings';

/** Inputs of `addLoadBalancer`. */
export interface LoadBalancerOptions {
  /** `<service>-<environment>`: the access logs' prefix. */
  readonly base: string;
  readonly vpc: ec2.IVpc;
  /** The deployment strategy (traffic shifting needs two target groups and a test listener), TLS and retention. */
  readonly environment: CheckoutEnvironment;
  readonly removalPolicy: RemovalPolicy;
}

/** What `addLoadBalancer` creates that the service, its deployment and its alarms use. */
export interface ServiceLoadBalancer {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** The target group production traffic goes to. */
  readonly primary: elbv2.ApplicationTargetGroup;
  /** The second target group of blue/green and canary deployments; undefined for rolling. */
  readonly alternate?: elbv2.ApplicationTargetGroup;
  /** The production listener's rule ECS shifts traffic on. */
  readonly productionRule: elbv2.ApplicationListenerRule;
  /** The test listener's rule (blue/green and canary); undefined for rolling. */
  readonly testRule?: elbv2.ApplicationListenerRule;
}

/**
 * The load balancer, by hand: access logs, one target group (rolling) or two with a test listener
 * open only inside the VPC (blue/green, canary), and in production HTTPS with a DNS-validated
 * certificate, a port 80 redirect and an alias record.
 */
export function addLoadBalancer(scope: Construct, options: LoadBalancerOptions): ServiceLoadBalancer {
  const { vpc, environment: env } = options;
  const loadBalancer = new elbv2.ApplicationLoadBalancer(scope, 'LoadBalancer', {
    vpc,
    internetFacing: true,
    dropInvalidHeaderFields: true,
    deletionProtection: env.retain,
  });
  loadBalancer.logAccessLogs(
    new s3.Bucket(scope, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      removalPolicy: options.removalPolicy,
      autoDeleteObjects: !env.retain,
      lifecycleRules: [{ expiration: Duration.days(90) }],
    }),
    options.base,
  );
  const targetGroup = (id: string) =>
    new elbv2.ApplicationTargetGroup(scope, id, {
      vpc,
      port: PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      deregistrationDelay: Duration.seconds(30),
      healthCheck: {
        path: HEALTH_CHECK_PATH,
        healthyHttpCodes: '200',
        interval: Duration.seconds(10),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
    });
  const shifting = env.deployment.strategy !== ecs.DeploymentStrategy.ROLLING;
  const primary = targetGroup('PrimaryTargetGroup');
  const alternate = shifting ? targetGroup('AlternateTargetGroup') : undefined;
  const forward = () =>
    alternate
      ? elbv2.ListenerAction.weightedForward([
          { targetGroup: primary, weight: 100 },
          { targetGroup: alternate, weight: 0 },
        ])
      : elbv2.ListenerAction.forward([primary]);
  const notFound = elbv2.ListenerAction.fixedResponse(404, { contentType: 'text/plain', messageBody: 'Not found' });
  // Production serves HTTPS with a DNS-validated certificate, and port 80 redirects to it.
  const hostedZone = env.tls
    ? route53.HostedZone.fromHostedZoneAttributes(scope, 'HostedZone', {
        hostedZoneId: env.tls.hostedZoneId,
        zoneName: env.tls.hostedZoneName,
      })
    : undefined;
  let listener: elbv2.ApplicationListener;
  let certificate: acm.Certificate | undefined;
  if (env.tls && hostedZone) {
    certificate = new acm.Certificate(scope, 'Certificate', {
      domainName: env.tls.domainName,
      validation: acm.CertificateValidation.fromDns(hostedZone),
    });
    listener = loadBalancer.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificates: [elbv2.ListenerCertificate.fromCertificateManager(certificate)],
      sslPolicy: elbv2.SslPolicy.TLS13_12_PQ,
      defaultAction: notFound,
    });
    loadBalancer.addRedirect({ sourcePort: 80, targetPort: 443 });
    new route53.ARecord(scope, 'DomainRecord', {
      zone: hostedZone,
      recordName: env.tls.domainName,
      target: route53.RecordTarget.fromAlias(new route53Targets.LoadBalancerTarget(loadBalancer)),
    });
  } else {
    listener = loadBalancer.addListener('Http', { port: 80, protocol: elbv2.ApplicationProtocol.HTTP, defaultAction: notFound });
  }
  const productionRule = new elbv2.ApplicationListenerRule(scope, 'ProductionRule', {
    listener,
    priority: 1,
    conditions: [elbv2.ListenerCondition.pathPatterns(['/*'])],
    action: forward(),
  });
  let testRule: elbv2.ApplicationListenerRule | undefined;
  if (shifting) {
    const testListener = loadBalancer.addListener('Test', {
      port: TEST_PORT,
      // The test listener serves the production certificate too, so the smoke tests check TLS as users see it.
      ...(certificate
        ? {
            protocol: elbv2.ApplicationProtocol.HTTPS,
            certificates: [elbv2.ListenerCertificate.fromCertificateManager(certificate)],
            sslPolicy: elbv2.SslPolicy.TLS13_12_PQ,
          }
        : { protocol: elbv2.ApplicationProtocol.HTTP }),
      open: false,
      defaultAction: notFound,
    });
    loadBalancer.connections.allowFrom(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(TEST_PORT), 'Test listener, from inside the VPC');
    testRule = new elbv2.ApplicationListenerRule(scope, 'TestRule', {
      listener: testListener,
      priority: 1,
      conditions: [elbv2.ListenerCondition.pathPatterns(['/*'])],
      action: forward(),
    });
  }
  return { loadBalancer, primary, alternate, productionRule, testRule };
}
