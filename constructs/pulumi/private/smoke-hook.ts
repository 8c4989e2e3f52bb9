import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { ecsHookSource, lambdaHookSource } from '../../../lib/handlers/smoke-hook-code';
import type { SmokeTests } from '../../../lib/model/smoke-tests';
import { platformSmokeTests, worstCaseMs } from '../../../lib/smoke/inline';
import { assumedBy } from './resource-context';

/** A hook may run for at most this long (CodeDeploy waits up to an hour; Lambda stops at 15 minutes). */
const MAX_HOOK_MS = 14 * 60 * 1000;

/** What the hook checks: a new Lambda version (CodeDeploy pre-traffic) or the ECS test listener. */
export type SmokeHookTarget =
  | { readonly functionVersion: aws.lambda.Function; readonly codeDeployGroupArn: pulumi.Input<string> }
  | {
      readonly loadBalancerFullName: pulumi.Input<string>;
      readonly testPort: number;
      /** The test listener serves HTTPS; the hook checks the certificate against `serverName`. */
      readonly tls?: { readonly serverName?: string };
      readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
      readonly vpcId: pulumi.Input<string>;
    };

/**
 * The smoke-test hook function, as `SmokeTestHook` creates it: the same source, checks, timeout and
 * memory. For a function it invokes the new version and reports to CodeDeploy (BeforeAllowTraffic);
 * for a container it runs in the VPC against the test listener (ECS POST_TEST_TRAFFIC_SHIFT).
 */
export function createSmokeHook(
  tests: SmokeTests,
  name: string,
  target: SmokeHookTarget,
  scope: { retentionInDays: number; tags: Record<string, string>; opts: pulumi.CustomResourceOptions; keep: pulumi.CustomResourceOptions },
): aws.lambda.Function {
  const { tags, opts } = scope;
  const checks = platformSmokeTests(tests);
  if (checks.checks.length === 0) {
    throw new Error(
      `smokeTests.checks: every check of ${name} needs a credential header (${checks.skipped.join(', ')}), so none can run inside the platform; add a check without credentials (e.g. the health check)`,
    );
  }
  const worst = worstCaseMs(checks);
  if (worst > MAX_HOOK_MS) {
    throw new Error(
      `smokeTests: ${checks.checks.length} checks × ${checks.settings.attempts} attempts × ${checks.settings.timeoutMs} ms timeout can take ${Math.ceil(worst / 1000)}s, longer than a hook may run (${MAX_HOOK_MS / 1000}s); lower "attempts" or "timeout"`,
    );
  }
  const inVpc = !('functionVersion' in target);
  const logGroup = new aws.cloudwatch.LogGroup(
    `/aws/lambda/${name}`,
    { name: `/aws/lambda/${name}`, retentionInDays: scope.retentionInDays, tags },
    scope.keep,
  );
  const role = new aws.iam.Role(
    name,
    {
      description: `Runs the smoke tests of ${name}`,
      assumeRolePolicy: assumedBy('lambda.amazonaws.com'),
      tags,
    },
    opts,
  );
  const statements: unknown[] = [{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: logGroup.arn }];
  const dependsOn: pulumi.Resource[] = [];
  if (inVpc) {
    // DescribeNetworkInterfaces (the load balancer's private address) supports no resource-level permissions.
    statements.push({ Effect: 'Allow', Action: 'ec2:DescribeNetworkInterfaces', Resource: '*' });
    dependsOn.push(
      new aws.iam.RolePolicyAttachment(
        `${name}-vpc`,
        { role: role.name, policyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole' },
        opts,
      ),
    );
  } else {
    statements.push(
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: target.functionVersion.qualifiedArn },
      { Effect: 'Allow', Action: 'codedeploy:PutLifecycleEventHookExecutionStatus', Resource: target.codeDeployGroupArn },
    );
  }
  dependsOn.push(
    new aws.iam.RolePolicy(name, { role: role.id, policy: pulumi.jsonStringify({ Version: '2012-10-17', Statement: statements }) }, opts),
  );
  const securityGroup = inVpc
    ? new aws.ec2.SecurityGroup(
        name,
        {
          vpcId: target.vpcId,
          description: `Smoke tests ${name}: reach the test listener`,
          egress: [{ protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['0.0.0.0/0'], description: 'Test listener and AWS APIs' }],
          tags,
        },
        opts,
      )
    : undefined;
  return new aws.lambda.Function(
    name,
    {
      name,
      description: `Smoke tests (${checks.checks.map((c) => c.name).join(', ')}) before production traffic`,
      runtime: aws.lambda.Runtime.NodeJS24dX,
      handler: 'index.handler',
      role: role.arn,
      timeout: Math.ceil(worst / 1000) + 60,
      memorySize: 256,
      code: new pulumi.asset.AssetArchive({ 'index.js': new pulumi.asset.StringAsset(inVpc ? ecsHookSource() : lambdaHookSource()) }),
      environment: {
        variables: {
          SMOKE_TESTS: JSON.stringify({ checks: checks.checks, settings: checks.settings }),
          ...(inVpc
            ? {
                LOAD_BALANCER: target.loadBalancerFullName,
                TEST_PORT: String(target.testPort),
                ...(target.tls ? { TEST_SCHEME: 'https', TLS_SERVER_NAME: target.tls.serverName ?? '' } : {}),
              }
            : { TARGET_VERSION: target.functionVersion.qualifiedArn }),
        },
      },
      vpcConfig: inVpc && securityGroup ? { subnetIds: target.subnetIds, securityGroupIds: [securityGroup.id] } : undefined,
      loggingConfig: { logFormat: 'Text', logGroup: logGroup.name },
      tags,
    },
    { ...opts, dependsOn },
  );
}
