import { Stack, Token, type CfnElement } from 'aws-cdk-lib/core';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import type * as pipelines from 'aws-cdk-lib/pipelines';
import { acknowledge } from './acknowledge';

/**
 * Acknowledges, one finding id at a time and each with its reason, the wildcard permissions CDK
 * Pipelines generates and we cannot narrow further. Call after `buildPipeline()`. A new kind of
 * wildcard in a later aws-cdk-lib still fails cdk-nag, because nothing is acknowledged wholesale.
 */
export function acknowledgePipelineFindings(pipeline: pipelines.CodePipeline): void {
  const stack = Stack.of(pipeline);
  const logicalId = (element: CfnElement) => stack.resolve(element.logicalId) as string;
  // How cdk-nag prints them: a literal when the stack resolves it (known region), else the pseudo parameter.
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const partition = Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  const bucket = pipeline.pipeline.artifactBucket.node.defaultChild as CfnElement;
  const ack = (id: string, reason: string) => acknowledge(pipeline, { id: `AwsSolutions-IAM5[${id}]`, reason });

  acknowledge(pipeline.pipeline.artifactBucket, {
    id: 'AwsSolutions-S1',
    reason:
      "The artifact bucket is written and read only by this pipeline's roles; each access is an action of a pipeline execution, recorded in the execution history and CloudTrail",
  });
  const artifacts =
    "CDK Pipelines grants the pipeline's roles read/write on the pipeline's own artifact bucket and its KMS key; object keys are generated per execution, so the grant covers the bucket's objects";
  for (const action of [
    's3:GetObject*',
    's3:GetBucket*',
    's3:List*',
    's3:DeleteObject*',
    's3:Abort*',
    'kms:ReEncrypt*',
    'kms:GenerateDataKey*',
  ]) {
    ack(`Action::${action}`, artifacts);
  }
  ack(`Resource::<${logicalId(bucket)}.Arn>/*`, artifacts);
  for (const project of pipeline.node.findAll().filter((c): c is codebuild.CfnProject => c instanceof codebuild.CfnProject)) {
    const name = logicalId(project);
    const reason = `CodeBuild project ${name} writes its own log streams and test reports; the names are created per build under the project's prefix`;
    ack(`Resource::arn:${partition}:logs:${region}:${account}:log-group:/aws/codebuild/<${name}>:*`, reason);
    ack(`Resource::arn:${partition}:codebuild:${region}:${account}:report-group/<${name}>-*`, reason);
  }
  ack(
    `Resource::arn:*:iam::${account}:role/*`,
    'Self-mutation assumes the CDK bootstrap roles of the target environments; the statement only matches roles tagged aws-cdk:bootstrap-role (deploy, file-publishing, image-publishing)',
  );
  ack(
    'Resource::*',
    'Self-mutation reads stack status (cloudformation:DescribeStacks) and lists bootstrap buckets, and asset publishing starts its CodeBuild builds; these actions name their resources only at run time',
  );
  // Deploying to other regions goes through a replication bucket per region, in a support stack.
  for (const support of Object.values(pipeline.pipeline.crossRegionSupport)) {
    const name = stack.resolve(support.replicationBucket.bucketName) as string;
    ack(`Resource::arn:${partition}:s3:::${name}/*`, `${artifacts}; ${name} is the replication bucket of region ${support.stack.region}`);
    acknowledge(support.replicationBucket, {
      id: 'AwsSolutions-S1',
      reason: `The replication bucket of region ${support.stack.region} holds this pipeline's artifacts for deployments there; only the pipeline's roles use it`,
    });
  }
  const assets =
    'Asset publishing runs one CodeBuild project per asset, created by CDK Pipelines; its role writes the logs and reports of those projects';
  ack(`Resource::arn:${partition}:logs:${region}:${account}:log-group:/aws/codebuild/*`, assets);
  ack(`Resource::arn:${partition}:codebuild:${region}:${account}:report-group/*`, assets);
}
