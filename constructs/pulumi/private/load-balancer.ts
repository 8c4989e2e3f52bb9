import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { RetentionPolicy } from '../../../lib/model/environment';
import { TlsMode, type Tls } from '../../../lib/model/tls';
import type { ContainerTaskSpec } from '../../../lib/plan/container-task-spec';
import { createAccessLogBucket } from './access-log-bucket';
import type { AwsNetworkInput } from './aws-network';
import type { AwsContext } from './resource-context';

/** What the load balancer of a container service is built from. */
export interface LoadBalancingInput {
  readonly network: AwsNetworkInput;
  /** The task numbers and load balancer settings shared with ProgressiveFargateService. */
  readonly spec: ContainerTaskSpec;
  /** The port the container listens on. */
  readonly containerPort: number;
  /** Whether deployments shift traffic between two target groups (every strategy but rolling). */
  readonly shifting: boolean;
  /** TLS of the environment; undefined serves HTTP only. */
  readonly tls: Tls | undefined;
}

/** The load balancer, its target groups and the listener rules ECS moves traffic with. */
export interface LoadBalancing {
  readonly loadBalancer: aws.lb.LoadBalancer;
  /** The security group of the tasks, which only the load balancer may reach. */
  readonly serviceSecurityGroup: aws.ec2.SecurityGroup;
  readonly primary: aws.lb.TargetGroup;
  /** The second target group of a shifting deployment. */
  readonly alternate?: aws.lb.TargetGroup;
  readonly productionRule: aws.lb.ListenerRule;
  /** The test listener's rule, through which smoke tests reach the new version early. */
  readonly testRule?: aws.lb.ListenerRule;
}

/**
 * Creates the load balancer of a container service as ProgressiveFargateService does: security
 * groups, access logs, HTTP or HTTPS listener (with the redirect, the certificate and the domain's
 * alias record), production and test listener rules over one or two target groups.
 */
export function createLoadBalancer(ctx: AwsContext, input: LoadBalancingInput): LoadBalancing {
  const { parent, names, env, opts, keep, tags, account, id } = ctx;
  const { network, spec, containerPort, shifting, tls } = input;
  const lbSpec = spec.loadBalancer;
  const https = tls !== undefined;
  const vpc = aws.ec2.getVpcOutput({ id: network.vpcId }, { parent });
  const lbSecurityGroup = new aws.ec2.SecurityGroup(
    id('lb'),
    {
      vpcId: network.vpcId,
      description: `Load balancer of ${names.base}`,
      ingress: [
        {
          protocol: 'tcp',
          fromPort: lbSpec.httpPort,
          toPort: lbSpec.httpPort,
          cidrBlocks: ['0.0.0.0/0'],
          description: https ? 'HTTP from anywhere (redirected to HTTPS)' : 'HTTP from anywhere',
        },
        ...(https
          ? [
              {
                protocol: 'tcp',
                fromPort: lbSpec.https.port,
                toPort: lbSpec.https.port,
                cidrBlocks: ['0.0.0.0/0'],
                description: 'HTTPS from anywhere',
              },
            ]
          : []),
        // Only callers inside the VPC (smoke tests, lifecycle hooks) reach the new version early.
        ...(shifting
          ? [
              {
                protocol: 'tcp',
                fromPort: lbSpec.testListenerPort,
                toPort: lbSpec.testListenerPort,
                cidrBlocks: [vpc.cidrBlock],
                description: 'Test listener, from inside the VPC',
              },
            ]
          : []),
      ],
      egress: [
        {
          protocol: 'tcp',
          fromPort: containerPort,
          toPort: containerPort,
          cidrBlocks: [vpc.cidrBlock],
          description: 'Load balancer to tasks',
        },
      ],
      tags,
    },
    opts,
  );
  const serviceSecurityGroup = new aws.ec2.SecurityGroup(
    id('service'),
    {
      vpcId: network.vpcId,
      description: `Tasks of ${names.base}`,
      ingress: [
        {
          protocol: 'tcp',
          fromPort: containerPort,
          toPort: containerPort,
          securityGroups: [lbSecurityGroup.id],
          description: 'Load balancer to tasks',
        },
      ],
      egress: [{ protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['0.0.0.0/0'], description: 'Image pulls, secrets, dependencies' }],
      tags,
    },
    opts,
  );
  const accessLogs = createAccessLogBucket(id('access-logs'), spec, account, keep, env.retention !== RetentionPolicy.RETAIN, tags);
  const loadBalancer = new aws.lb.LoadBalancer(
    id('lb'),
    {
      name: names.base.slice(0, 32),
      loadBalancerType: 'application',
      internal: false,
      subnets: network.publicSubnetIds,
      securityGroups: [lbSecurityGroup.id],
      dropInvalidHeaderFields: lbSpec.dropInvalidHeaderFields,
      enableDeletionProtection: lbSpec.deletionProtection,
      accessLogs: { bucket: accessLogs.bucket, prefix: lbSpec.accessLogs.prefix, enabled: true },
      tags,
    },
    { ...opts, dependsOn: [accessLogs.policy] },
  );
  const targetGroup = (suffix: string) =>
    new aws.lb.TargetGroup(
      id(suffix),
      {
        vpcId: network.vpcId,
        port: containerPort,
        protocol: 'HTTP',
        targetType: 'ip',
        deregistrationDelay: lbSpec.deregistrationDelay.toSeconds(),
        healthCheck: {
          path: lbSpec.healthCheck.path,
          matcher: lbSpec.healthCheck.healthyHttpCodes,
          interval: lbSpec.healthCheck.interval.toSeconds(),
          timeout: lbSpec.healthCheck.timeout.toSeconds(),
          healthyThreshold: lbSpec.healthCheck.healthyThresholdCount,
          unhealthyThreshold: lbSpec.healthCheck.unhealthyThresholdCount,
        },
        tags,
      },
      opts,
    );
  const primary = targetGroup('primary');
  const alternate = shifting ? targetGroup('alternate') : undefined;
  const forward: aws.types.input.lb.ListenerRuleAction[] = [
    alternate
      ? {
          type: 'forward',
          forward: {
            targetGroups: [
              { arn: primary.arn, weight: 100 },
              { arn: alternate.arn, weight: 0 },
            ],
          },
        }
      : { type: 'forward', targetGroupArn: primary.arn },
  ];
  const notFound: aws.types.input.lb.ListenerDefaultAction[] = [
    { type: 'fixed-response', fixedResponse: { statusCode: '404', contentType: 'text/plain', messageBody: 'Not found' } },
  ];
  const certificateArn = tls && certificateOf(tls, id, tags, opts);
  const listener = new aws.lb.Listener(
    id(https ? 'https' : 'http'),
    {
      loadBalancerArn: loadBalancer.arn,
      port: https ? lbSpec.https.port : lbSpec.httpPort,
      protocol: https ? 'HTTPS' : 'HTTP',
      certificateArn,
      sslPolicy: https ? lbSpec.https.tlsPolicy : undefined,
      defaultActions: notFound,
      tags,
    },
    opts,
  );
  if (https) {
    new aws.lb.Listener(
      id('http-redirect'),
      {
        loadBalancerArn: loadBalancer.arn,
        port: lbSpec.https.redirectFromPort,
        protocol: 'HTTP',
        defaultActions: [{ type: 'redirect', redirect: { port: String(lbSpec.https.port), protocol: 'HTTPS', statusCode: 'HTTP_301' } }],
        tags,
      },
      opts,
    );
  }
  if (tls?.domainName && tls.hostedZone) {
    // Users reach the service at its domain: an alias record on the load balancer, as DeploymentStack points it.
    new aws.route53.Record(
      id('domain'),
      {
        zoneId: tls.hostedZone.id,
        name: tls.domainName,
        type: 'A',
        aliases: [
          { name: pulumi.interpolate`dualstack.${loadBalancer.dnsName}`, zoneId: loadBalancer.zoneId, evaluateTargetHealth: false },
        ],
      },
      opts,
    );
  }
  const productionRule = new aws.lb.ListenerRule(
    id('production'),
    {
      listenerArn: listener.arn,
      priority: lbSpec.rulePriority,
      conditions: [{ pathPattern: { values: [lbSpec.rulePathPattern] } }],
      actions: forward,
      tags,
    },
    { ...opts, ignoreChanges: shifting ? ['actions'] : [] },
  ); // ECS moves the weights during deployments.
  let testRule: aws.lb.ListenerRule | undefined;
  if (shifting) {
    const testListener = new aws.lb.Listener(
      id('test'),
      {
        loadBalancerArn: loadBalancer.arn,
        port: lbSpec.testListenerPort,
        // HTTPS with the production certificate, as ProgressiveFargateService serves it.
        protocol: https ? 'HTTPS' : 'HTTP',
        certificateArn: https ? certificateArn : undefined,
        sslPolicy: https ? lbSpec.https.tlsPolicy : undefined,
        defaultActions: notFound,
        tags,
      },
      opts,
    );
    testRule = new aws.lb.ListenerRule(
      id('test'),
      {
        listenerArn: testListener.arn,
        priority: lbSpec.rulePriority,
        conditions: [{ pathPattern: { values: [lbSpec.rulePathPattern] } }],
        actions: forward,
        tags,
      },
      { ...opts, ignoreChanges: ['actions'] },
    );
  }
  return { loadBalancer, serviceSecurityGroup, primary, alternate, productionRule, testRule };
}

/**
 * The certificate of the HTTPS listener: the existing one, or one ACM issues for the domain once
 * the DNS validation record is in the hosted zone (CloudFormation writes that record itself).
 */
function certificateOf(
  tls: Tls,
  id: (suffix: string) => string,
  tags: Record<string, string>,
  opts: pulumi.CustomResourceOptions,
): pulumi.Input<string> {
  if (tls.mode === TlsMode.CERTIFICATE) return tls.certificateArn!;
  const certificate = new aws.acm.Certificate(id('certificate'), { domainName: tls.domainName!, validationMethod: 'DNS', tags }, opts);
  const option = certificate.domainValidationOptions[0];
  const record = new aws.route53.Record(
    id('certificate-validation'),
    {
      zoneId: tls.hostedZone!.id,
      name: option.resourceRecordName.apply((n) => n!),
      type: option.resourceRecordType.apply((t) => t!),
      records: [option.resourceRecordValue.apply((v) => v!)],
      ttl: 60,
      // A certificate re-issued for the same domain needs the same record.
      allowOverwrite: true,
    },
    opts,
  );
  // The listener waits for the certificate to be issued.
  return new aws.acm.CertificateValidation(
    id('certificate'),
    { certificateArn: certificate.arn, validationRecordFqdns: [record.fqdn] },
    opts,
  ).certificateArn;
}
