import { App, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ProgressiveFargateService, type ProgressiveFargateServiceProps } from '../../constructs/aws/progressive-fargate-service';
import type { EcsDeploymentSettings } from '../../lib/plan/rollout/ecs-schedule';

const SETTINGS: Record<EcsDeploymentSettings['strategy'], EcsDeploymentSettings> = {
  ROLLING: { strategy: 'ROLLING', minimumHealthyPercent: 50, maximumPercent: 150 },
  BLUE_GREEN: { strategy: 'BLUE_GREEN', bakeMinutes: 30, minimumHealthyPercent: 100, maximumPercent: 200 },
  CANARY: { strategy: 'CANARY', stepPercent: 10, stepBakeMinutes: 5, bakeMinutes: 10, minimumHealthyPercent: 100, maximumPercent: 200 },
  LINEAR: { strategy: 'LINEAR', stepPercent: 25, stepBakeMinutes: 4, bakeMinutes: 15, minimumHealthyPercent: 100, maximumPercent: 200 },
};
const ENV = { account: '111111111111', region: 'eu-west-1' };

interface Built {
  readonly stack: Stack;
  readonly service: ProgressiveFargateService;
  readonly template: Template;
}

function build(
  settings: EcsDeploymentSettings,
  overrides: Partial<ProgressiveFargateServiceProps> = {},
  stackProps: StackProps = { env: ENV },
): Built {
  const stack = new Stack(new App(), 'CheckoutProd', stackProps);
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc, clusterName: 'checkout-prod' });
  const generated = new secretsmanager.Secret(stack, 'SessionKey', { secretName: 'checkout/prod/session-signing-key' });
  const existing = secretsmanager.Secret.fromSecretNameV2(stack, 'DbPassword', 'checkout/prod/db-password');
  const byProps = cloudwatch.Alarm.fromAlarmName(stack, 'Rollback', 'checkout-prod-rollback-error-rate');
  const service = new ProgressiveFargateService(stack, 'Service', {
    cluster,
    serviceName: 'checkout-prod',
    clusterName: 'checkout-prod',
    image: 'public.ecr.aws/acme/checkout:1.42.0',
    containerPort: 8080,
    healthCheckPath: '/healthz',
    desiredCount: 4,
    deployment: settings,
    environment: { LOG_LEVEL: 'info' },
    secrets: [
      { envVar: 'DB_PASSWORD', secret: existing },
      { envVar: 'SESSION_SIGNING_KEY', secret: generated },
    ],
    deploymentAlarms: [byProps],
    ...overrides,
  });
  // Added after construction: must still reach the template (aws/aws-cdk#36308 workaround).
  service.addDeploymentAlarm(cloudwatch.Alarm.fromAlarmName(stack, 'Critical', 'checkout-prod-critical-error-rate'));
  return { stack, service, template: Template.fromStack(stack) };
}

const cache = new Map<string, Built>();
function built(strategy: EcsDeploymentSettings['strategy']): Built {
  if (!cache.has(strategy)) {
    cache.set(strategy, build(SETTINGS[strategy]));
  }
  return cache.get(strategy)!;
}

const ALARMS = { AlarmNames: ['checkout-prod-rollback-error-rate', 'checkout-prod-critical-error-rate'], Enable: true, Rollback: true };

describe('ProgressiveFargateService', () => {
  describe('deployment configuration', () => {
    test('ROLLING: rolling update with the circuit breaker, surge limits and the deployment alarms', () => {
      built('ROLLING').template.hasResourceProperties('AWS::ECS::Service', {
        ServiceName: 'checkout-prod',
        // ECS itself runs the deployment (the default controller), never CodeDeploy.
        DeploymentController: Match.not({ Type: 'CODE_DEPLOY' }),
        DeploymentConfiguration: {
          Strategy: 'ROLLING',
          MinimumHealthyPercent: 50,
          MaximumPercent: 150,
          DeploymentCircuitBreaker: { Enable: true, Rollback: true },
          Alarms: ALARMS,
          BakeTimeInMinutes: Match.absent(),
          CanaryConfiguration: Match.absent(),
          LinearConfiguration: Match.absent(),
        },
      });
    });

    test('BLUE_GREEN: bake time, circuit breaker and the deployment alarms', () => {
      built('BLUE_GREEN').template.hasResourceProperties('AWS::ECS::Service', {
        DeploymentConfiguration: {
          Strategy: 'BLUE_GREEN',
          BakeTimeInMinutes: 30,
          MinimumHealthyPercent: 100,
          MaximumPercent: 200,
          DeploymentCircuitBreaker: { Enable: true, Rollback: true },
          Alarms: ALARMS,
          CanaryConfiguration: Match.absent(),
          LinearConfiguration: Match.absent(),
        },
      });
    });

    test('CANARY: one canary step with its bake, then the final bake; alarms instead of the circuit breaker', () => {
      built('CANARY').template.hasResourceProperties('AWS::ECS::Service', {
        DeploymentConfiguration: {
          Strategy: 'CANARY',
          BakeTimeInMinutes: 10,
          CanaryConfiguration: { CanaryPercent: 10, CanaryBakeTimeInMinutes: 5 },
          LinearConfiguration: Match.absent(),
          DeploymentCircuitBreaker: Match.absent(),
          Alarms: ALARMS,
          MinimumHealthyPercent: 100,
          MaximumPercent: 200,
        },
      });
    });

    test('LINEAR: equal steps with their bake, then the final bake; alarms instead of the circuit breaker', () => {
      built('LINEAR').template.hasResourceProperties('AWS::ECS::Service', {
        DeploymentConfiguration: {
          Strategy: 'LINEAR',
          BakeTimeInMinutes: 15,
          LinearConfiguration: { StepPercent: 25, StepBakeTimeInMinutes: 4 },
          CanaryConfiguration: Match.absent(),
          DeploymentCircuitBreaker: Match.absent(),
          Alarms: ALARMS,
        },
      });
    });

    test('canary and linear acknowledge the circuit-breaker warning; nothing else warns', () => {
      for (const strategy of ['ROLLING', 'BLUE_GREEN', 'CANARY', 'LINEAR'] as const) {
        const warnings = Annotations.fromStack(built(strategy).stack).findWarning('*', Match.anyValue());
        expect({ strategy, warnings: warnings.map((w) => w.entry.data) }).toEqual({ strategy, warnings: [] });
      }
    });

    test('an alarm added after construction joins the ones from props (aws/aws-cdk#36308 workaround)', () => {
      const [service] = Object.values(built('CANARY').template.findResources('AWS::ECS::Service'));
      expect(service.Properties.DeploymentConfiguration.Alarms.AlarmNames).toEqual([
        'checkout-prod-rollback-error-rate', // from props
        'checkout-prod-critical-error-rate', // from addDeploymentAlarm, after the constructor
      ]);
    });

    test('no Alarms block when no deployment alarm was given', () => {
      const stack = new Stack(new App(), 'S', { env: ENV });
      const cluster = new ecs.Cluster(stack, 'Cluster', { vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 }) });
      new ProgressiveFargateService(stack, 'Service', {
        cluster,
        serviceName: 'checkout-dev',
        clusterName: 'checkout-dev',
        image: 'public.ecr.aws/acme/checkout:1.42.0',
        containerPort: 8080,
        healthCheckPath: '/healthz',
        deployment: SETTINGS.ROLLING,
      });
      const [service] = Object.values(Template.fromStack(stack).findResources('AWS::ECS::Service'));
      expect(service.Properties.DeploymentConfiguration.Alarms).toBeUndefined();
      expect(service.Properties.DesiredCount).toBe(2);
    });
  });

  describe('traffic shifting', () => {
    test.each(['BLUE_GREEN', 'CANARY', 'LINEAR'] as const)(
      '%s: alternate target group with production and test listener rules',
      (strategy) => {
        const { template } = built(strategy);
        template.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 2);
        template.hasResourceProperties('AWS::ECS::Service', {
          LoadBalancers: [
            {
              ContainerName: 'app',
              ContainerPort: 8080,
              TargetGroupArn: { Ref: Match.stringLikeRegexp('^ServicePrimaryTargetGroup') },
              AdvancedConfiguration: {
                AlternateTargetGroupArn: { Ref: Match.stringLikeRegexp('^ServiceAlternateTargetGroup') },
                ProductionListenerRule: { Ref: Match.stringLikeRegexp('^ServiceProductionRule') },
                TestListenerRule: { Ref: Match.stringLikeRegexp('^ServiceTestRule') },
                RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ServiceAlternateTargetRole'), 'Arn'] },
              },
            },
          ],
        });
      },
    );

    test.each([
      ['production', 'ServiceLoadBalancerHttp', 80],
      ['test', 'ServiceLoadBalancerTest', 9000],
    ])('the %s rule forwards 100/0 to the primary and alternate target groups', (_, listener, port) => {
      const { template } = built('BLUE_GREEN');
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: port, Protocol: 'HTTP' });
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
        ListenerArn: { Ref: Match.stringLikeRegexp(`^${listener}`) },
        Priority: 1,
        Actions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: { Ref: Match.stringLikeRegexp('^ServicePrimaryTargetGroup') }, Weight: 100 },
                { TargetGroupArn: { Ref: Match.stringLikeRegexp('^ServiceAlternateTargetGroup') }, Weight: 0 },
              ],
            },
          },
        ],
      });
    });

    test('the test listener is reachable from inside the VPC only', () => {
      built('BLUE_GREEN').template.hasResourceProperties('AWS::EC2::SecurityGroup', {
        SecurityGroupIngress: Match.arrayWith([
          Match.objectLike({ FromPort: 9000, ToPort: 9000, CidrIp: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Vpc'), 'CidrBlock'] } }),
        ]),
      });
      const ingress = JSON.stringify(built('BLUE_GREEN').template.findResources('AWS::EC2::SecurityGroup'));
      expect(ingress).not.toMatch(/"CidrIp":"0\.0\.0\.0\/0","Description":"[^"]*","FromPort":9000/);
    });

    test('the rolling service has one target group, one rule and no test listener', () => {
      const { template } = built('ROLLING');
      template.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 1);
      template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
      template.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 1);
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
        Actions: [{ Type: 'forward', TargetGroupArn: { Ref: Match.stringLikeRegexp('^ServicePrimaryTargetGroup') } }],
      });
      template.hasResourceProperties('AWS::ECS::Service', {
        LoadBalancers: [
          { ContainerName: 'app', ContainerPort: 8080, TargetGroupArn: Match.anyValue(), AdvancedConfiguration: Match.absent() },
        ],
      });
    });

    test('target groups health-check the given path', () => {
      built('CANARY').template.allResourcesProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
        HealthCheckPath: '/healthz',
        Matcher: { HttpCode: '200' },
        Port: 8080,
        TargetType: 'ip',
      });
    });
  });

  describe('task definition', () => {
    const { template } = built('BLUE_GREEN');

    test('secrets are injected with ValueFrom, plain configuration as Environment', () => {
      template.hasResourceProperties('AWS::ECS::TaskDefinition', {
        Family: 'checkout-prod',
        ContainerDefinitions: [
          Match.objectLike({
            Name: 'app',
            Image: 'public.ecr.aws/acme/checkout:1.42.0',
            Environment: [{ Name: 'LOG_LEVEL', Value: 'info' }],
            Secrets: [
              {
                Name: 'DB_PASSWORD',
                ValueFrom: {
                  'Fn::Join': [
                    '',
                    ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:eu-west-1:111111111111:secret:checkout/prod/db-password'],
                  ],
                },
              },
              { Name: 'SESSION_SIGNING_KEY', ValueFrom: { Ref: Match.stringLikeRegexp('^SessionKey') } },
            ],
            ReadonlyRootFilesystem: true,
            StopTimeout: 30,
          }),
        ],
      });
      const [task] = Object.values(template.findResources('AWS::ECS::TaskDefinition'));
      const names = (task.Properties.ContainerDefinitions[0].Environment as { Name: string }[]).map((e) => e.Name);
      expect(names).not.toContain('DB_PASSWORD');
      expect(names).not.toContain('SESSION_SIGNING_KEY');
    });

    // The execution role injects the values at task start; the task role reads AWSCURRENT and
    // AWSPREVIOUS at run time, so tasks started on either side of a rotation accept each other's values.
    test('only the execution and task roles may read the secrets, and only those secrets', () => {
      const grants = Object.entries(template.findResources('AWS::IAM::Policy')).flatMap(([id, p]) =>
        (p.Properties.PolicyDocument.Statement as { Effect: string; Action: string | string[]; Resource: unknown }[])
          .filter((s) => [s.Action].flat().some((a) => a.startsWith('secretsmanager:')))
          .flatMap((s) => [s.Resource].flat().map((resource) => ({ id, effect: s.Effect, actions: [s.Action].flat().sort(), resource }))),
      );
      const read = ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'];
      const existing = {
        'Fn::Join': [
          '',
          ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:eu-west-1:111111111111:secret:checkout/prod/db-password-??????'],
        ],
      };
      const generated = { Ref: expect.stringMatching(/^SessionKey/) };
      const roleOf = (id: string) => /^ServiceTaskDefinition(ExecutionRole|TaskRole)DefaultPolicy/.exec(id)?.[1];
      expect(grants.map((g) => ({ ...g, id: roleOf(g.id) }))).toEqual(
        expect.arrayContaining(
          ['ExecutionRole', 'TaskRole'].flatMap((id) => [
            { id, effect: 'Allow', actions: read, resource: existing },
            { id, effect: 'Allow', actions: read, resource: generated },
          ]),
        ),
      );
      expect(grants).toHaveLength(4);
    });

    test('logs to /ecs/<service> with retention, retained by default (except when the first create fails)', () => {
      template.hasResource('AWS::Logs::LogGroup', {
        Properties: { LogGroupName: '/ecs/checkout-prod', RetentionInDays: 30 },
        DeletionPolicy: 'RetainExceptOnCreate',
        UpdateReplacePolicy: 'Retain',
      });
      template.hasResourceProperties('AWS::ECS::TaskDefinition', {
        ContainerDefinitions: [
          Match.objectLike({
            LogConfiguration: {
              LogDriver: 'awslogs',
              Options: Match.objectLike({ 'awslogs-group': { Ref: Match.stringLikeRegexp('^ServiceLogs') } }),
            },
          }),
        ],
      });
    });

    test('runs in private subnets without public IPs', () => {
      template.hasResourceProperties('AWS::ECS::Service', {
        LaunchType: 'FARGATE',
        DesiredCount: 4,
        NetworkConfiguration: {
          AwsvpcConfiguration: {
            AssignPublicIp: 'DISABLED',
            Subnets: [{ Ref: Match.stringLikeRegexp('PrivateSubnet1') }, { Ref: Match.stringLikeRegexp('PrivateSubnet2') }],
          },
        },
      });
    });
  });

  describe('load balancer', () => {
    test('writes access logs to an encrypted, TLS-only bucket when the stack has a region', () => {
      const { template } = built('BLUE_GREEN');
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
        Scheme: 'internet-facing',
        LoadBalancerAttributes: Match.arrayWith([
          { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
          { Key: 'access_logs.s3.enabled', Value: 'true' },
          { Key: 'access_logs.s3.prefix', Value: 'checkout-prod' },
        ]),
      });
      template.hasResourceProperties('AWS::S3::Bucket', {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        LifecycleConfiguration: { Rules: [{ ExpirationInDays: 90, Status: 'Enabled' }] },
      });
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      });
    });

    test('the access-log bucket is retained by default; a bucket that goes with the stack is emptied first', () => {
      const retained = built('BLUE_GREEN').template;
      retained.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'RetainExceptOnCreate' });
      retained.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
      const destroyed = build(SETTINGS.ROLLING, { removalPolicy: RemovalPolicy.DESTROY }).template;
      destroyed.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
      destroyed.hasResourceProperties('Custom::S3AutoDeleteObjects', { BucketName: { Ref: Match.stringLikeRegexp('^ServiceAccessLogs') } });
      destroyed.hasResource('AWS::Logs::LogGroup', { Properties: { LogGroupName: '/ecs/checkout-prod' }, DeletionPolicy: 'Delete' });
    });

    test('without a region: no access logs, and a warning says why', () => {
      const { stack, template } = build(SETTINGS.ROLLING, {}, {});
      template.resourceCountIs('AWS::S3::Bucket', 0);
      const [lb] = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'));
      expect(JSON.stringify(lb.Properties.LoadBalancerAttributes)).not.toContain('access_logs');
      Annotations.fromStack(stack).hasWarning(
        '/CheckoutProd/Service',
        "checkout-prod: load balancer access logs need a region; set the environment's region (or the stack's env) to enable them [ack: glidepath:access-logs]",
      );
    });

    test('with a certificate: HTTPS on 443 with a recommended TLS policy, and HTTP redirects to it', () => {
      const certificate = elbv2.ListenerCertificate.fromArn('arn:aws:acm:eu-west-1:111111111111:certificate/0b1c2d3e');
      const { template } = build(SETTINGS.BLUE_GREEN, { certificate });
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        Port: 443,
        Protocol: 'HTTPS',
        Certificates: [{ CertificateArn: 'arn:aws:acm:eu-west-1:111111111111:certificate/0b1c2d3e' }],
        SslPolicy: Match.stringLikeRegexp('^ELBSecurityPolicy-TLS13'),
      });
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
        Port: 80,
        Protocol: 'HTTP',
        DefaultActions: [
          { Type: 'redirect', RedirectConfig: Match.objectLike({ Port: '443', Protocol: 'HTTPS', StatusCode: 'HTTP_301' }) },
        ],
      });
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
        ListenerArn: { Ref: Match.stringLikeRegexp('^ServiceLoadBalancerHttps') },
      });
    });
  });

  test('scales on CPU between the given bounds', () => {
    const { template } = build(SETTINGS.ROLLING, { scaling: { minCount: 4, maxCount: 12, targetCpuPercent: 60 } });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 4,
      MaxCapacity: 12,
      ScalableDimension: 'ecs:service:DesiredCount',
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: {
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        TargetValue: 60,
      },
    });
  });

  test('signals: the heartbeat counts ECS CPU samples of the named service', () => {
    const heartbeat = built('ROLLING').service.signals.heartbeat.toMetricConfig().metricStat;
    expect(heartbeat).toMatchObject({
      namespace: 'AWS/ECS',
      metricName: 'CPUUtilization',
      statistic: 'SampleCount',
      dimensions: [
        { name: 'ClusterName', value: 'checkout-prod' },
        { name: 'ServiceName', value: 'checkout-prod' },
      ],
    });
  });

  describe('runbook facts', () => {
    test('name resources that exist in the template under those names', () => {
      const { service, template } = built('CANARY');
      const nameProperty: Record<string, [string, string]> = {
        'AWS::ECS::Service': ['AWS::ECS::Service', 'ServiceName'],
        'AWS::ECS::Cluster': ['AWS::ECS::Cluster', 'ClusterName'],
        'AWS::ECS::TaskDefinition': ['AWS::ECS::TaskDefinition', 'Family'],
        'AWS::Logs::LogGroup': ['AWS::Logs::LogGroup', 'LogGroupName'],
      };
      const resources = service.runbookFacts().resources ?? [];
      expect(resources.map((r) => r.type).sort()).toEqual(Object.keys(nameProperty).sort());
      for (const { type, name } of resources) {
        template.hasResourceProperties(nameProperty[type][0], { [nameProperty[type][1]]: name });
      }
    });

    test('without a schedule there is no rollout section; level 2 stops or redeploys', () => {
      const facts = built('CANARY').service.runbookFacts();
      expect(facts.rollout).toBeUndefined();
      const commands = facts.rollback?.[0].commands.map((c) => c.command).join('\n');
      expect(commands).toContain('aws ecs stop-service-deployment --service-deployment-arn "$DEPLOYMENT_ARN" --stop-type ROLLBACK');
      // A finished deployment is undone by redeploying the revision it replaced (its source revision).
      expect(commands).toContain('aws ecs update-service --cluster checkout-prod --service checkout-prod --task-definition "$EXPECTED"');
    });
  });
});

describe('deployment settings written by hand', () => {
  const service = (deployment: ProgressiveFargateServiceProps['deployment']) => {
    const stack = new Stack(new App(), 'Shop', { env: ENV });
    const cluster = new ecs.Cluster(stack, 'Cluster', {
      vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 }),
      clusterName: 'shop',
    });
    new ProgressiveFargateService(stack, 'Web', {
      cluster,
      serviceName: 'shop-web',
      image: 'public.ecr.aws/acme/shop-web:1.0.0',
      containerPort: 8080,
      healthCheckPath: '/healthz',
      deployment,
    });
    return Template.fromStack(stack).findResources('AWS::ECS::Service');
  };

  test("takes the definition's spellings ('canary', 'blue-green') and fills the healthy percentages", () => {
    expect(service({ strategy: 'canary', stepPercent: 10, stepBakeMinutes: 5, bakeMinutes: 10 })).toEqual(service(SETTINGS.CANARY));
    expect(service({ strategy: 'blue-green', bakeMinutes: 30 })).toEqual(service(SETTINGS.BLUE_GREEN));
  });

  test('fails on an unknown strategy, naming the prop, the value and the choices', () => {
    expect(() => service({ strategy: 'big-bang' as 'canary' })).toThrow(
      `ProgressiveFargateService 'deployment.strategy' is "big-bang"; use 'canary', 'linear', 'blue-green' or 'rolling'`,
    );
  });
});
