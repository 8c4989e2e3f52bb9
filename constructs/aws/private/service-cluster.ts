import type { RemovalPolicy, Stack } from 'aws-cdk-lib/core';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { EnvironmentDefinition } from '../../../lib/model/environment';
import type { ResourceNames } from '../../../lib/plan/names';

/** Inputs of `serviceCluster`. */
export interface ServiceClusterOptions {
  /** The stack's construct ID, for the error message. */
  readonly stackId: string;
  /** The environment (production gets a NAT gateway per AZ). */
  readonly environment: EnvironmentDefinition;
  /** Physical names (the cluster is named after the service). */
  readonly names: ResourceNames;
  /** A VPC given by the user. @default - a new one */
  readonly vpc?: ec2.IVpc;
  /** A cluster given by the user. @default - a new one */
  readonly cluster?: ecs.ICluster;
  /** Retention of the flow log group. */
  readonly logRetention: logs.RetentionDays;
  /** Removal policy of the flow log group. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The ECS cluster the container runs in: the user's, or a new one (the stack's child `Cluster`)
 * in the user's VPC or a new one (`Vpc`, with rejected traffic logged to `FlowLogs`).
 */
export function serviceCluster(stack: Stack, options: ServiceClusterOptions): ecs.ICluster {
  const { environment: env, logRetention, removalPolicy } = options;
  if (options.cluster && options.vpc) {
    throw new Error(`DeploymentStack ${options.stackId}: pass 'cluster' or 'vpc', not both: the service runs in the cluster's VPC`);
  }
  const vpc = (): ec2.IVpc =>
    options.vpc ??
    new ec2.Vpc(stack, 'Vpc', {
      maxAzs: 2,
      natGateways: env.production ? 2 : 1,
      flowLogs: {
        all: {
          trafficType: ec2.FlowLogTrafficType.REJECT,
          // An explicit log group, so flow logs follow the environment's retention like every other log group.
          destination: ec2.FlowLogDestination.toCloudWatchLogs(
            new logs.LogGroup(stack, 'FlowLogs', { retention: logRetention, removalPolicy }),
          ),
        },
      },
    });
  return (
    options.cluster ??
    new ecs.Cluster(stack, 'Cluster', {
      vpc: vpc(),
      clusterName: options.names.base,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    })
  );
}
