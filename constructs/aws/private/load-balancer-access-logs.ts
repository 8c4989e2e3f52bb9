import { Annotations, Duration as CdkDuration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib/core';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { LoadBalancerSpec } from '../../../lib/plan/container-task-spec';
import { ACKNOWLEDGEMENTS } from '../../../lib/runbook/platforms/aws-accepted-risks';
import { acknowledge } from './acknowledge';

/**
 * Access logs of a load balancer, to an encrypted, private bucket (`scope`'s child `AccessLogs`)
 * that expires them. The log delivery principal depends on the region, so a region-agnostic stack
 * gets a warning instead.
 */
export function loadBalancerAccessLogs(
  scope: Construct,
  loadBalancer: elbv2.ApplicationLoadBalancer,
  spec: LoadBalancerSpec,
  serviceName: string,
  removalPolicy: RemovalPolicy,
): void {
  if (Token.isUnresolved(Stack.of(scope).region)) {
    Annotations.of(scope).addWarningV2(
      'glidepath:access-logs',
      `${serviceName}: load balancer access logs need a region; set the environment's region (or the stack's env) to enable them`,
    );
    return;
  }
  const accessLogs = new s3.Bucket(scope, 'AccessLogs', {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    removalPolicy,
    // The load balancer keeps writing logs, so a bucket that should go with the stack must be
    // emptied first, or the stack deletion fails on a non-empty bucket.
    autoDeleteObjects: removalPolicy === RemovalPolicy.DESTROY,
    lifecycleRules: [{ expiration: CdkDuration.seconds(spec.accessLogs.expiration.toSeconds()) }],
  });
  loadBalancer.logAccessLogs(accessLogs, spec.accessLogs.prefix);
  acknowledge(accessLogs, ACKNOWLEDGEMENTS.accessLogBucket);
}
