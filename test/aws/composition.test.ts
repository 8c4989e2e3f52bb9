import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { DeploymentStack, ProgressiveFargateService, renderStackRunbook } from '../../constructs/aws';
import { defineService, RolloutStrategy } from '../../lib/model';

/**
 * glidepath constructs inside someone else's app: existing clusters and VPCs by interface, cluster
 * names taken from the cluster itself.
 */

const newApp = () => new App({ context: require('aws-cdk-lib/recommended-feature-flags.json') });
const ENV = { account: '111111111111', region: 'eu-west-1' };

const orders = defineService({
  service: 'orders',
  owners: { team: 'commerce', primary: '@ana', backup: '@ben', channel: '#orders' },
  receivers: { critical: { enabled: false, reason: 'A test definition: nobody is paged' } },
  workload: { container: { image: 'public.ecr.aws/acme/orders:2.0.0', port: 8080, healthCheckPath: '/healthz' } },
  environments: [
    {
      name: 'prod',
      region: 'eu-west-1',
      tls: { certificateArn: 'arn:aws:acm:eu-west-1:111111111111:certificate/abc' },
      rollout: { strategy: RolloutStrategy.BLUE_GREEN },
    },
  ],
});

function platform(app: App) {
  const stack = new Stack(app, 'Platform', { env: ENV });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc, clusterName: 'platform' });
  return { stack, vpc, cluster };
}

const serviceProps = {
  serviceName: 'web',
  image: 'public.ecr.aws/acme/web:1.0.0',
  containerPort: 8080,
  healthCheckPath: '/healthz',
  deployment: { strategy: 'ROLLING', minimumHealthyPercent: 50, maximumPercent: 150 },
} as const;

describe('DeploymentStack in an existing platform', () => {
  test('runs in an existing cluster from another stack: no VPC or cluster of its own, runbook names that cluster', () => {
    const app = newApp();
    const { cluster } = platform(app);
    const stack = new DeploymentStack(app, 'orders-prod', { definition: orders, environment: 'prod', cluster });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.resourceCountIs('AWS::ECS::Cluster', 0);
    expect(stack.containerService!.clusterName).toBe('platform');
    const runbook = renderStackRunbook(stack);
    expect(runbook).toContain('--cluster platform --service orders-prod');
    expect(runbook).not.toContain('--cluster orders-prod');
  });

  test('runs in an existing VPC with a cluster of its own', () => {
    const app = newApp();
    const { vpc } = platform(app);
    const template = Template.fromStack(new DeploymentStack(app, 'orders-prod', { definition: orders, environment: 'prod', vpc }));
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.hasResourceProperties('AWS::ECS::Cluster', { ClusterName: 'orders-prod' });
  });

  test('fails when given both a cluster and a VPC', () => {
    const app = newApp();
    const { vpc, cluster } = platform(app);
    expect(() => new DeploymentStack(app, 'orders-prod', { definition: orders, environment: 'prod', vpc, cluster })).toThrow(
      "DeploymentStack orders-prod: pass 'cluster' or 'vpc', not both: the service runs in the cluster's VPC",
    );
  });
});

describe('ProgressiveFargateService clusterName', () => {
  test('defaults to the name the cluster was created with', () => {
    const { stack, cluster } = platform(newApp());
    expect(new ProgressiveFargateService(stack, 'Web', { cluster, ...serviceProps }).clusterName).toBe('platform');
  });

  test('defaults to the name of an imported cluster', () => {
    const { stack, vpc } = platform(newApp());
    const imported = ecs.Cluster.fromClusterAttributes(stack, 'Imported', { clusterName: 'shared', vpc });
    const service = new ProgressiveFargateService(stack, 'Web', { cluster: imported, ...serviceProps });
    expect(service.clusterName).toBe('shared');
    expect(service.runbookFacts().resources).toContainEqual({ type: 'AWS::ECS::Cluster', name: 'shared' });
  });

  test('fails when the cluster has no literal name and none is given', () => {
    const stack = new Stack(newApp(), 'S', { env: ENV });
    const cluster = new ecs.Cluster(stack, 'Cluster', { vpc: new ec2.Vpc(stack, 'Vpc') });
    expect(() => new ProgressiveFargateService(stack, 'Web', { cluster, ...serviceProps })).toThrow(
      "ProgressiveFargateService 'clusterName' is required when the cluster's name is only known after deployment (S/Cluster): create the cluster with a clusterName, import it with ecs.Cluster.fromClusterAttributes, or pass clusterName",
    );
    expect(new ProgressiveFargateService(stack, 'Named', { cluster, ...serviceProps, clusterName: 'named-elsewhere' }).clusterName).toBe(
      'named-elsewhere',
    );
  });
});
