import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { ContainerTaskSpec } from '../../../lib/plan/container-task-spec';

/**
 * The load balancer's access-log bucket, as ProgressiveFargateService creates it: S3-managed
 * encryption, no public access, TLS only, objects expire; the region's load balancer log delivery
 * may write below the prefix.
 */
export function createAccessLogBucket(
  name: string,
  spec: ContainerTaskSpec,
  account: pulumi.Input<string>,
  keep: pulumi.CustomResourceOptions,
  emptyOnDelete: boolean,
  tags: Record<string, string>,
): { bucket: pulumi.Output<string>; policy: aws.s3.BucketPolicy } {
  const opts: pulumi.CustomResourceOptions = { parent: keep.parent };
  // The load balancer keeps writing logs: a bucket that goes with the stack must be emptied first.
  const bucket = new aws.s3.Bucket(name, { forceDestroy: emptyOnDelete, tags }, keep);
  new aws.s3.BucketServerSideEncryptionConfiguration(
    name,
    {
      bucket: bucket.id,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    },
    opts,
  );
  new aws.s3.BucketPublicAccessBlock(
    name,
    {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    opts,
  );
  new aws.s3.BucketLifecycleConfiguration(
    name,
    {
      bucket: bucket.id,
      rules: [
        { id: 'expire', status: 'Enabled', filter: {}, expiration: { days: spec.loadBalancer.accessLogs.expiration.toSeconds() / 86400 } },
      ],
    },
    opts,
  );
  const elbAccount = aws.elb.getServiceAccountOutput({}, { parent: keep.parent }).arn;
  const objects = pulumi.interpolate`${bucket.arn}/${spec.loadBalancer.accessLogs.prefix}/AWSLogs/${account}/*`;
  const policy = new aws.s3.BucketPolicy(
    name,
    {
      bucket: bucket.id,
      policy: pulumi.jsonStringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:*',
            Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
          { Effect: 'Allow', Principal: { AWS: elbAccount }, Action: 's3:PutObject', Resource: objects },
          {
            Effect: 'Allow',
            Principal: { Service: 'delivery.logs.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: objects,
            Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
          },
          { Effect: 'Allow', Principal: { Service: 'delivery.logs.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: bucket.arn },
        ],
      }),
    },
    opts,
  );
  return { bucket: bucket.bucket, policy };
}
