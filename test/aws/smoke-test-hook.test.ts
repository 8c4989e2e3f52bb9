import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ecsHookSource, lambdaHookSource } from '../../constructs/aws/private/smoke-hook-code';
import { SmokeTestHook, SmokeTestTarget } from '../../constructs/aws/smoke-test-hook';
import { Duration } from '../../lib/model/duration';
import { SmokeMethod, type SmokeTests } from '../../lib/model/smoke-tests';
import { platformSmokeTests } from '../../lib/smoke/inline';
import { startTestServer, type TestServer } from '../smoke/server';
import { loadHandler } from './inline-code';

const TESTS: SmokeTests = {
  checks: [
    { name: 'health', method: SmokeMethod.GET, path: '/ok', expectedStatus: 200, bodyContains: 'healthy', maxLatencyMs: 1000, headers: {} },
    {
      name: 'me',
      method: SmokeMethod.GET,
      path: '/me',
      expectedStatus: 200,
      maxLatencyMs: 1000,
      headers: { Authorization: '${SMOKE_TOKEN}' },
    },
  ],
  attempts: 2,
  backoff: Duration.parse('0.01s')!,
  timeout: Duration.seconds(1),
};

describe('SmokeTestHook on the ECS test listener', () => {
  const stack = new Stack(new App(), 'Ecs', { env: { region: 'eu-west-1', account: '111111111111' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const loadBalancer = new elbv2.ApplicationLoadBalancer(stack, 'Lb', { vpc });
  const hook = new SmokeTestHook(stack, 'SmokeTests', {
    functionName: 'checkout-prod-smoke-tests',
    tests: TESTS,
    target: SmokeTestTarget.testListener({ loadBalancer, port: 9000, vpc }),
  });
  hook.ecsLifecycleHook();
  const template = Template.fromStack(stack);

  test('a Node.js 24 function in the VPC with the checks, the load balancer and the test port', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'checkout-prod-smoke-tests',
      Runtime: 'nodejs24.x',
      Timeout: 63,
      VpcConfig: Match.objectLike({ SubnetIds: Match.anyValue() }),
      Environment: {
        Variables: {
          SMOKE_TESTS: JSON.stringify({ checks: [TESTS.checks[0]], settings: { attempts: 2, backoffMs: 10, timeoutMs: 1000 } }),
          LOAD_BALANCER: { 'Fn::GetAtt': [Match.stringLikeRegexp('Lb'), 'LoadBalancerFullName'] },
          TEST_PORT: '9000',
        },
      },
    });
  });

  test('ECS may invoke this function only', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('SmokeTests'), 'Arn'] } },
        ],
        Version: '2012-10-17',
      },
    });
  });

  test('checks needing credentials run only from the CLI, and the runbook says so', () => {
    expect(hook.checks.skipped).toEqual(['me']);
    expect(hook.runbookFacts().notes).toEqual([expect.stringContaining('smoke checks me need credentials')]);
    expect(hook.runbookFacts().smoke![0].command).toBe(
      'aws logs tail /aws/lambda/checkout-prod-smoke-tests --since 30m --region eu-west-1',
    );
  });

  test('fails when every check needs a credential', () => {
    const s = new Stack(new App(), 'S');
    const v = new ec2.Vpc(s, 'Vpc');
    expect(
      () =>
        new SmokeTestHook(s, 'H', {
          functionName: 'x-smoke-tests',
          tests: { ...TESTS, checks: [TESTS.checks[1]] },
          target: SmokeTestTarget.testListener({
            loadBalancer: new elbv2.ApplicationLoadBalancer(s, 'Lb', { vpc: v }),
            port: 9000,
            vpc: v,
          }),
        }),
    ).toThrow('smokeTests.checks: every check of x-smoke-tests needs a credential header (me), so none can run inside the platform');
  });

  test('fails when the checks can outlast a hook', () => {
    const s = new Stack(new App(), 'S');
    const v = new ec2.Vpc(s, 'Vpc');
    expect(
      () =>
        new SmokeTestHook(s, 'H', {
          functionName: 'x-smoke-tests',
          tests: { ...TESTS, attempts: 10, timeout: Duration.minutes(2) },
          target: SmokeTestTarget.testListener({
            loadBalancer: new elbv2.ApplicationLoadBalancer(s, 'Lb', { vpc: v }),
            port: 9000,
            vpc: v,
          }),
        }),
    ).toThrow(/longer than a hook may run \(840s\); lower "attempts" or "timeout"/);
  });
});

describe('SmokeTestHook as a CodeDeploy pre-traffic hook', () => {
  test('invokes the new version and may do nothing else with it', () => {
    const stack = new Stack(new App(), 'Fn');
    const fn = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler=async()=>({})'),
    });
    new SmokeTestHook(stack, 'SmokeTests', {
      functionName: 'payments-api-prod-smoke-tests',
      tests: TESTS,
      target: SmokeTestTarget.functionVersion(fn.currentVersion),
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'payments-api-prod-smoke-tests',
      Environment: { Variables: Match.objectLike({ TARGET_VERSION: { Ref: Match.stringLikeRegexp('FnCurrentVersion') } }) },
    });
    expect(JSON.stringify(template.findResources('AWS::Lambda::Function'))).not.toContain('VpcConfig');
  });
});

describe('the inline hook code, against a local HTTP server', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(() => server.close());

  // Generous timeout: the first request of a process can take ~0.5 s.
  const settings = { attempts: 2, backoffMs: 10, timeoutMs: 3000 };
  const port = () => new URL(server.url).port;
  /** An EC2 client stub that finds the load balancer at 127.0.0.1 (the local server). */
  const ec2Stub = (addresses: string[]) => ({
    EC2Client: class {
      send = async (command: { input: unknown }) => ({
        NetworkInterfaces: addresses.map((PrivateIpAddress) => ({ PrivateIpAddress })),
        input: command.input,
      });
    },
    DescribeNetworkInterfacesCommand: class {
      constructor(public readonly input: unknown) {}
    },
  });

  test('the ECS hook answers SUCCEEDED when every check passes on the test listener', async () => {
    // A loose latency bound: this test is about the hook's answer, not the machine's speed.
    const checks = platformSmokeTests({ ...TESTS, checks: [{ ...TESTS.checks[0], maxLatencyMs: 10000 }] }).checks;
    const handler = loadHandler(
      ecsHookSource(),
      { '@aws-sdk/client-ec2': ec2Stub(['127.0.0.1']) },
      { SMOKE_TESTS: JSON.stringify({ checks, settings }), LOAD_BALANCER: 'app/lb/1', TEST_PORT: port() },
    );
    await expect(handler({ lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT' })).resolves.toEqual({ hookStatus: 'SUCCEEDED' });
    expect(server.hits.get('/ok')).toBe(1);
  });

  test('the ECS hook answers FAILED when a check fails, after its retries', async () => {
    const checks = [{ ...TESTS.checks[0], name: 'broken', path: '/fail' }];
    const handler = loadHandler(
      ecsHookSource(),
      { '@aws-sdk/client-ec2': ec2Stub(['127.0.0.1']) },
      { SMOKE_TESTS: JSON.stringify({ checks, settings }), LOAD_BALANCER: 'app/lb/1', TEST_PORT: port() },
    );
    await expect(handler({ lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT' })).resolves.toEqual({ hookStatus: 'FAILED' });
    expect(server.hits.get('/fail')).toBe(2);
  });

  test('the ECS hook answers FAILED when it cannot find the load balancer', async () => {
    const handler = loadHandler(
      ecsHookSource(),
      { '@aws-sdk/client-ec2': ec2Stub([]) },
      { SMOKE_TESTS: JSON.stringify({ checks: [TESTS.checks[0]], settings }), LOAD_BALANCER: 'app/lb/1', TEST_PORT: port() },
    );
    await expect(handler({})).resolves.toEqual({ hookStatus: 'FAILED' });
  });

  /** SDK stubs: the "new version" answers from the local server; CodeDeploy records the status. */
  function lambdaStubs(statuses: string[]) {
    return {
      '@aws-sdk/client-lambda': {
        LambdaClient: class {
          send = async (command: { input: { FunctionName: string; Payload: string } }) => {
            const event = JSON.parse(String(command.input.Payload));
            const res = await fetch(`${server.url}${event.rawPath}`, { method: event.requestContext.http.method, body: event.body });
            return { Payload: Buffer.from(JSON.stringify({ statusCode: res.status, body: await res.text() })) };
          };
        },
        InvokeCommand: class {
          constructor(public readonly input: unknown) {}
        },
      },
      '@aws-sdk/client-codedeploy': {
        CodeDeployClient: class {
          send = async (command: { input: { status: string; deploymentId: string } }) => {
            statuses.push(`${command.input.deploymentId}: ${command.input.status}`);
          };
        },
        PutLifecycleEventHookExecutionStatusCommand: class {
          constructor(public readonly input: unknown) {}
        },
      },
    };
  }

  test('the pre-traffic hook invokes the new version per check and reports Succeeded', async () => {
    const statuses: string[] = [];
    const handler = loadHandler(lambdaHookSource(), lambdaStubs(statuses), {
      SMOKE_TESTS: JSON.stringify({ checks: [TESTS.checks[0]], settings }),
      TARGET_VERSION: 'fn:7',
    });
    await expect(handler({ DeploymentId: 'd-1', LifecycleEventHookExecutionId: 'e-1' })).resolves.toBe('Succeeded');
    expect(statuses).toEqual(['d-1: Succeeded']);
  });

  test('the pre-traffic hook reports Failed when a check fails', async () => {
    const statuses: string[] = [];
    const checks = [{ ...TESTS.checks[0], name: 'slow', path: '/slow', bodyContains: undefined, maxLatencyMs: 50 }];
    const handler = loadHandler(lambdaHookSource(), lambdaStubs(statuses), {
      SMOKE_TESTS: JSON.stringify({ checks, settings }),
      TARGET_VERSION: 'fn:7',
    });
    await expect(handler({ DeploymentId: 'd-2', LifecycleEventHookExecutionId: 'e-2' })).resolves.toBe('Failed');
    expect(statuses).toEqual(['d-2: Failed']);
  });

  test('the pre-traffic hook reports Failed, not silence, when the checks cannot even be read', async () => {
    const statuses: string[] = [];
    const handler = loadHandler(lambdaHookSource(), lambdaStubs(statuses), { SMOKE_TESTS: 'not json', TARGET_VERSION: 'fn:7' });
    await expect(handler({ DeploymentId: 'd-3', LifecycleEventHookExecutionId: 'e-3' })).resolves.toBe('Failed');
    expect(statuses).toEqual(['d-3: Failed']);
  });

  test('inline sources stay within the 4 KB CloudFormation allows for inline code', () => {
    expect(ecsHookSource().length).toBeLessThan(4096);
    expect(lambdaHookSource().length).toBeLessThan(4096);
  });
});
