import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { SectionBasics } from './service-settings';

/** Inputs of `addNetwork`. */
export interface NetworkOptions extends SectionBasics {
  /** Production gets one NAT gateway per availability zone; other environments share one. */
  readonly production: boolean;
}

/** The network and cluster that `addNetwork` creates. */
export interface Network {
  readonly vpc: ec2.Vpc;
  readonly cluster: ecs.Cluster;
}

/** The network and cluster, by hand: a two-AZ VPC whose rejected traffic is logged, and an ECS cluster with Container Insights. */
export function addNetwork(scope: Construct, options: NetworkOptions): Network {
  const vpc = new ec2.Vpc(scope, 'Vpc', {
    maxAzs: 2,
    natGateways: options.production ? 2 : 1,
    flowLogs: {
      all: {
        trafficType: ec2.FlowLogTrafficType.REJECT,
        destination: ec2.FlowLogDestination.toCloudWatchLogs(
          new logs.LogGroup(scope, 'FlowLogs', { retention: options.logRetention, removalPolicy: options.removalPolicy }),
        ),
      },
    },
  });
  const cluster = new ecs.Cluster(scope, 'Cluster', { vpc, clusterName: options.base, containerInsightsV2: ecs.ContainerInsights.ENABLED });
  return { vpc, cluster };
}
