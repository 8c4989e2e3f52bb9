import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { CHECKOUT_SMOKE_TESTS } from './environments';
import { SMOKE_TEST_HANDLER } from './handlers';
import { TEST_PORT, type SectionBasics } from './service-settings';

/** Inputs of `addSmokeTests`. */
export interface SmokeTestsOptions extends SectionBasics {
  readonly vpc: ec2.IVpc;
  /** Its test listener is what the checks call. */
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** The service whose deployments the checks gate. */
  readonly service: ecs.FargateService;
  /** The domain of the certificate the test listener serves (production); plain HTTP without. */
  readonly tlsDomainName?: string;
}

/**
 * Smoke tests before production traffic (blue/green and canary), by hand: a Lambda function in the
 * VPC runs the checks against the test listener as an ECS lifecycle hook; a failure rolls back.
 */
export function addSmokeTests(scope: Construct, options: SmokeTestsOptions): void {
  const smokeName = `${options.base}-smoke-tests`;
  const smokeLogs = new logs.LogGroup(scope, 'SmokeTestLogs', {
    logGroupName: `/aws/lambda/${smokeName}`,
    retention: options.logRetention,
    removalPolicy: options.removalPolicy,
  });
  const smokeRole = new iam.Role(scope, 'SmokeTestRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `Runs the smoke tests of ${smokeName}`,
  });
  smokeLogs.grantWrite(smokeRole);
  // To find the load balancer's private address; the action has no resource-level permissions.
  smokeRole.addToPolicy(new iam.PolicyStatement({ actions: ['ec2:DescribeNetworkInterfaces'], resources: ['*'] }));
  const smokeTests = new lambda.Function(scope, 'SmokeTests', {
    functionName: smokeName,
    description: `Smoke tests (${CHECKOUT_SMOKE_TESTS.checks.map((c) => c.name).join(', ')}) before production traffic`,
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline(SMOKE_TEST_HANDLER),
    // 3 checks × (3 attempts × 5 s + 2 s + 4 s backoff), plus a minute.
    timeout: Duration.seconds(123),
    memorySize: 256,
    role: smokeRole,
    logGroup: smokeLogs,
    environment: {
      SMOKE_TESTS: JSON.stringify(CHECKOUT_SMOKE_TESTS),
      LOAD_BALANCER: options.loadBalancer.loadBalancerFullName,
      TEST_PORT: String(TEST_PORT),
      // The test listener serves HTTPS where production does: the checks verify the certificate for the domain.
      ...(options.tlsDomainName ? { TEST_SCHEME: 'https', TLS_SERVER_NAME: options.tlsDomainName } : {}),
    },
    vpc: options.vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
  });
  options.service.addLifecycleHook(
    new ecs.DeploymentLifecycleLambdaTarget(smokeTests, 'SmokeTests', {
      lifecycleStages: [ecs.DeploymentLifecycleStage.POST_TEST_TRAFFIC_SHIFT],
    }),
  );
}
