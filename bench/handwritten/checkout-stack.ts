/**
 * The benchmark's baseline: what a platform team would write by hand with aws-cdk-lib to ship one
 * checkout-shaped service to one environment, creating the same resources as `DeploymentStack`
 * (same ECS native deployment, alarms, topics, secrets, dashboard, database migrations, smoke-test
 * lifecycle hook, AppConfig feature flags, pager forwarder, chat channel and health probe) without glidepath's model, plan or runbook facts.
 *
 * When `DeploymentStack` grows a resource (feature flags, migrations, ...), the benchmark fails
 * with the per-type difference; add the same resource here, in the section it belongs to.
 */
import { createHash } from 'node:crypto';
import { ArnFormat, CfnOutput, CustomResource, Duration, Lazy, RemovalPolicy, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as appconfig from 'aws-cdk-lib/aws-appconfig';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53Targets from 'aws-cdk-lib/aws-route53-targets';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { addAlertReceivers } from './alert-receivers';
import { CHECKOUT_FEATURE_FLAGS, CHECKOUT_MIGRATIONS, CHECKOUT_SMOKE_TESTS, type CheckoutEnvironment } from './environments';
import { MIGRATION_RUNNER_HANDLER, ROTATION_HANDLER, SMOKE_TEST_HANDLER } from './handlers';
import { addHealthProbe } from './health-probe';

/** Props for `HandWrittenCheckoutStack`. */
export interface HandWrittenCheckoutStackProps extends StackProps {
  /** Service name, e.g. `checkout-007`. */
  readonly service: string;
  /** The environment's settings, written out by hand. */
  readonly environment: CheckoutEnvironment;
}

const PORT = 8080;
const HEALTH_CHECK_PATH = '/healthz';
const TEST_PORT = 9000;
const IMAGE = 'public.ecr.aws/acme/checkout:1.42.0';
const APP_ENVIRONMENT = { LOG_LEVEL: 'info', PAYMENTS_API_URL: 'https://payments.internal.acme.example' };
const FLAGS_PROFILE = 'feature-flags';
/** Never root: the image's user is not trusted to be non-root. */
const CONTAINER_USER = '1000:1000';
/** Stands in for the commit the app is synthesized from (glidepath reads it from git or the CI environment). */
const RELEASE_COMMIT = process.env.GITHUB_SHA ?? 'unknown';

/** One checkout-shaped service in one environment, in plain aws-cdk-lib. */
export class HandWrittenCheckoutStack extends Stack {
  constructor(scope: Construct, id: string, props: HandWrittenCheckoutStackProps) {
    const env = props.environment;
    const base = `${props.service}-${env.name}`;
    super(scope, id, {
      stackName: base,
      description: `${props.service} (${env.name}): hand-written deployment stack`,
      env: { region: env.region },
      ...props,
    });
    Tags.of(this).add('glidepath:service', props.service);
    Tags.of(this).add('glidepath:environment', env.name);
    Tags.of(this).add('glidepath:team', 'commerce-platform');
    new CfnOutput(this, 'ReleaseCommit', { value: RELEASE_COMMIT, description: 'Commit this stack was synthesized from' });
    const removalPolicy = env.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const logRetention = env.production ? logs.RetentionDays.ONE_YEAR : logs.RetentionDays.ONE_MONTH;

    // Alert topics, encrypted with a key CloudWatch may use.
    const topicKey = new kms.Key(this, 'TopicKey', {
      description: `Encrypts the alert topics of ${base}`,
      enableKeyRotation: true,
      removalPolicy,
    });
    topicKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    const topic = (id: string, severity: string) =>
      new sns.Topic(this, id, {
        topicName: `${base}-${severity}`,
        displayName: `${base} ${severity} alerts`,
        masterKey: topicKey,
        enforceSSL: true,
      });
    const critical = topic('Critical', 'critical');
    const warning = topic('Warning', 'warning');
    addAlertReceivers(this, {
      base,
      pagerSecretName: env.paged ? `${props.service}/${env.name}/pagerduty-integration-key` : undefined,
      critical,
      warning,
      logRetention,
      removalPolicy,
    });

    // Secrets: one managed elsewhere, one generated and rotated by a function.
    const secretsKey = new kms.Key(this, 'SecretsKey', {
      description: `Encrypts the secrets of ${base}`,
      enableKeyRotation: true,
      removalPolicy,
    });
    const dbPassword = secretsmanager.Secret.fromSecretNameV2(this, 'DbPassword', `${props.service}/${env.name}/db-password`);
    const signingKey = new secretsmanager.Secret(this, 'SessionSigningKey', {
      secretName: `${props.service}/${env.name}/session-signing-key`,
      encryptionKey: secretsKey,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy,
    });
    const rotationLogs = new logs.LogGroup(this, 'RotationLogs', { retention: logs.RetentionDays.ONE_YEAR, removalPolicy });
    const rotationRole = new iam.Role(this, 'RotationRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    rotationLogs.grantWrite(rotationRole);
    signingKey.addRotationSchedule('Rotation', {
      rotationLambda: new lambda.SingletonFunction(this, 'RotationFunction', {
        uuid: '0c3f4c1e-5e3b-4a57-9a59-2b1f0c1d9e21',
        role: rotationRole,
        runtime: lambda.Runtime.NODEJS_24_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline(ROTATION_HANDLER),
        timeout: Duration.seconds(30),
        logGroup: rotationLogs,
      }),
      automaticallyAfter: Duration.days(30),
    });
    // Confused-deputy guard: only Secrets Manager acting for this account's secrets may invoke the rotation function.
    for (const c of this.node.findAll()) {
      if (c instanceof lambda.CfnPermission && c.principal === 'secretsmanager.amazonaws.com') {
        c.sourceAccount = this.account;
        c.sourceArn = this.formatArn({
          service: 'secretsmanager',
          resource: 'secret',
          resourceName: '*',
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        });
      }
    }

    // Network and cluster.
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: env.production ? 2 : 1,
      flowLogs: {
        all: {
          trafficType: ec2.FlowLogTrafficType.REJECT,
          destination: ec2.FlowLogDestination.toCloudWatchLogs(
            new logs.LogGroup(this, 'FlowLogs', { retention: logRetention, removalPolicy }),
          ),
        },
      },
    });
    const cluster = new ecs.Cluster(this, 'Cluster', { vpc, clusterName: base, containerInsightsV2: ecs.ContainerInsights.ENABLED });

    // The service, its load balancer and the ECS native deployment.
    const appSecrets = {
      DB_PASSWORD: ecs.Secret.fromSecretsManager(dbPassword),
      SESSION_SIGNING_KEY: ecs.Secret.fromSecretsManager(signingKey),
    };
    const taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', { family: base, cpu: 512, memoryLimitMiB: 1024 });
    // Keep replaced revisions ACTIVE, so the previous one can be deployed again.
    (taskDefinition.node.defaultChild as ecs.CfnTaskDefinition).applyRemovalPolicy(RemovalPolicy.RETAIN);
    // The app reads its secrets again at run time (both stages, across a rotation), so the task role may read them too.
    dbPassword.grantRead(taskDefinition.taskRole);
    signingKey.grantRead(taskDefinition.taskRole);
    taskDefinition.addContainer('app', {
      containerName: 'app',
      image: ecs.ContainerImage.fromRegistry(IMAGE),
      portMappings: [{ containerPort: PORT, name: 'http' }],
      // The app reads its flags from the AppConfig agent sidecar below.
      environment: {
        ...APP_ENVIRONMENT,
        FEATURE_FLAGS_URL: `http://localhost:2772/applications/${base}/environments/${env.name}/configurations/${FLAGS_PROFILE}`,
      },
      secrets: appSecrets,
      logging: ecs.LogDrivers.awsLogs({
        logGroup: new logs.LogGroup(this, 'ServiceLogs', { logGroupName: `/ecs/${base}`, retention: logRetention, removalPolicy }),
        streamPrefix: 'app',
      }),
      readonlyRootFilesystem: true,
      user: CONTAINER_USER,
      stopTimeout: Duration.seconds(30),
    });
    taskDefinition.addContainer('appconfig-agent', {
      containerName: 'appconfig-agent',
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/aws-appconfig/aws-appconfig-agent:2.x'),
      essential: false,
      environment: { POLL_INTERVAL: '15' },
      readonlyRootFilesystem: true,
      user: CONTAINER_USER,
      logging: ecs.LogDrivers.awsLogs({
        logGroup: new logs.LogGroup(this, 'AppConfigAgentLogs', {
          logGroupName: `/ecs/${base}/appconfig-agent`,
          retention: logRetention,
          removalPolicy,
        }),
        streamPrefix: 'appconfig-agent',
      }),
    });
    const loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc,
      internetFacing: true,
      dropInvalidHeaderFields: true,
      deletionProtection: env.retain,
    });
    loadBalancer.logAccessLogs(
      new s3.Bucket(this, 'AccessLogs', {
        encryption: s3.BucketEncryption.S3_MANAGED,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        enforceSSL: true,
        removalPolicy,
        autoDeleteObjects: !env.retain,
        lifecycleRules: [{ expiration: Duration.days(90) }],
      }),
      base,
    );
    const targetGroup = (id: string) =>
      new elbv2.ApplicationTargetGroup(this, id, {
        vpc,
        port: PORT,
        protocol: elbv2.ApplicationProtocol.HTTP,
        targetType: elbv2.TargetType.IP,
        deregistrationDelay: Duration.seconds(30),
        healthCheck: {
          path: HEALTH_CHECK_PATH,
          healthyHttpCodes: '200',
          interval: Duration.seconds(10),
          timeout: Duration.seconds(5),
          healthyThresholdCount: 2,
          unhealthyThresholdCount: 3,
        },
      });
    const shifting = env.deployment.strategy !== ecs.DeploymentStrategy.ROLLING;
    const primary = targetGroup('PrimaryTargetGroup');
    const alternate = shifting ? targetGroup('AlternateTargetGroup') : undefined;
    const forward = () =>
      alternate
        ? elbv2.ListenerAction.weightedForward([
            { targetGroup: primary, weight: 100 },
            { targetGroup: alternate, weight: 0 },
          ])
        : elbv2.ListenerAction.forward([primary]);
    const notFound = elbv2.ListenerAction.fixedResponse(404, { contentType: 'text/plain', messageBody: 'Not found' });
    // Production serves HTTPS with a DNS-validated certificate, and port 80 redirects to it.
    const hostedZone = env.tls
      ? route53.HostedZone.fromHostedZoneAttributes(this, 'HostedZone', {
          hostedZoneId: env.tls.hostedZoneId,
          zoneName: env.tls.hostedZoneName,
        })
      : undefined;
    let listener: elbv2.ApplicationListener;
    if (env.tls && hostedZone) {
      const certificate = new acm.Certificate(this, 'Certificate', {
        domainName: env.tls.domainName,
        validation: acm.CertificateValidation.fromDns(hostedZone),
      });
      listener = loadBalancer.addListener('Https', {
        port: 443,
        protocol: elbv2.ApplicationProtocol.HTTPS,
        certificates: [elbv2.ListenerCertificate.fromCertificateManager(certificate)],
        sslPolicy: elbv2.SslPolicy.TLS13_12_PQ,
        defaultAction: notFound,
      });
      loadBalancer.addRedirect({ sourcePort: 80, targetPort: 443 });
      new route53.ARecord(this, 'DomainRecord', {
        zone: hostedZone,
        recordName: env.tls.domainName,
        target: route53.RecordTarget.fromAlias(new route53Targets.LoadBalancerTarget(loadBalancer)),
      });
    } else {
      listener = loadBalancer.addListener('Http', { port: 80, protocol: elbv2.ApplicationProtocol.HTTP, defaultAction: notFound });
    }
    const productionRule = new elbv2.ApplicationListenerRule(this, 'ProductionRule', {
      listener,
      priority: 1,
      conditions: [elbv2.ListenerCondition.pathPatterns(['/*'])],
      action: forward(),
    });
    let testRule: elbv2.ApplicationListenerRule | undefined;
    if (shifting) {
      const testListener = loadBalancer.addListener('Test', {
        port: TEST_PORT,
        protocol: elbv2.ApplicationProtocol.HTTP,
        open: false,
        defaultAction: notFound,
      });
      loadBalancer.connections.allowFrom(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(TEST_PORT), 'Test listener, from inside the VPC');
      testRule = new elbv2.ApplicationListenerRule(this, 'TestRule', {
        listener: testListener,
        priority: 1,
        conditions: [elbv2.ListenerCondition.pathPatterns(['/*'])],
        action: forward(),
      });
    }
    const d = env.deployment;
    const service = new ecs.FargateService(this, 'Service', {
      cluster,
      serviceName: base,
      taskDefinition,
      desiredCount: env.desiredCount,
      assignPublicIp: false,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      deploymentStrategy: d.strategy,
      bakeTime: d.bakeMinutes !== undefined ? Duration.minutes(d.bakeMinutes) : undefined,
      canaryConfiguration: d.canary
        ? { stepPercent: d.canary.stepPercent, stepBakeTime: Duration.minutes(d.canary.stepBakeMinutes) }
        : undefined,
      circuitBreaker: d.strategy === ecs.DeploymentStrategy.CANARY ? undefined : { enable: true, rollback: true },
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      healthCheckGracePeriod: Duration.seconds(60),
    });
    service.connections.allowFrom(loadBalancer, ec2.Port.tcp(PORT), 'Load balancer to tasks');
    if (alternate && testRule) {
      service
        .loadBalancerTarget({
          containerName: 'app',
          containerPort: PORT,
          alternateTarget: new ecs.AlternateTarget('AlternateTarget', {
            alternateTargetGroup: alternate,
            productionListener: ecs.ListenerRuleConfiguration.applicationListenerRule(productionRule),
            testListener: ecs.ListenerRuleConfiguration.applicationListenerRule(testRule),
          }),
        })
        .attachToApplicationTargetGroup(primary);
    } else {
      service.attachToApplicationTargetGroup(primary);
    }
    service.node.addDependency(productionRule);
    if (env.scaling) {
      service
        .autoScaleTaskCount({ minCapacity: env.scaling.minCount, maxCapacity: env.scaling.maxCount })
        .scaleOnCpuUtilization('CpuScaling', { targetUtilizationPercent: env.scaling.targetCpuPercent });
    }
    const serviceUrl = env.tls ? `https://${env.tls.domainName}` : `http://${loadBalancer.loadBalancerDnsName}`;
    new CfnOutput(this, 'ServiceUrl', { value: serviceUrl });
    if (alternate && testRule) {
      // Tells a pre-deployment check whether an update would rewrite the rules ECS shifts traffic on.
      new CfnOutput(this, 'TrafficRouting', {
        description: 'Fingerprint of the listener rules ECS shifts traffic on',
        value: Lazy.string({
          produce: () => {
            const rules = [productionRule, testRule!].map((r) => {
              const cfn = r.node.defaultChild as elbv2.CfnListenerRule;
              return [cfn.priority, cfn.conditions, cfn.actions];
            });
            return createHash('sha256')
              .update(JSON.stringify(this.resolve(rules)))
              .digest('hex')
              .slice(0, 16);
          },
        }),
      });
    }

    // Database migrations: one-off tasks with the service's image, network and secrets. Expand runs
    // during the deploy through a custom resource that starts the task and waits for exit code 0,
    // and the service update waits for it; contract is only defined, and run by hand later.
    const privateSubnets = vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
    for (const m of CHECKOUT_MIGRATIONS) {
      const family = `${base}-migrate-${m.name}`;
      const migrationTask = new ecs.FargateTaskDefinition(this, `Migrate-${m.name}`, { family, cpu: 256, memoryLimitMiB: 512 });
      migrationTask.addContainer('migrate', {
        containerName: 'migrate',
        image: ecs.ContainerImage.fromRegistry(IMAGE),
        command: [...m.command],
        environment: APP_ENVIRONMENT,
        secrets: appSecrets,
        logging: ecs.LogDrivers.awsLogs({
          logGroup: new logs.LogGroup(this, `Migrate-${m.name}-Logs`, {
            logGroupName: `/ecs/${family}`,
            retention: logRetention,
            removalPolicy,
          }),
          streamPrefix: 'migrate',
        }),
        readonlyRootFilesystem: true,
        user: CONTAINER_USER,
      });
      if (m.phase !== 'expand') {
        continue;
      }
      const runnerName = `${family}-run`;
      const runnerLogs = new logs.LogGroup(this, `Migrate-${m.name}-RunnerLogs`, {
        logGroupName: `/aws/lambda/${runnerName}`,
        retention: logRetention,
        removalPolicy,
      });
      const runnerRole = new iam.Role(this, `Migrate-${m.name}-RunnerRole`, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      });
      runnerLogs.grantWrite(runnerRole);
      runnerRole.addToPolicy(
        new iam.PolicyStatement({
          actions: ['ecs:RunTask'],
          resources: [migrationTask.taskDefinitionArn],
          conditions: { ArnEquals: { 'ecs:cluster': cluster.clusterArn } },
        }),
      );
      runnerRole.addToPolicy(
        new iam.PolicyStatement({
          actions: ['ecs:DescribeTasks'],
          resources: [this.formatArn({ service: 'ecs', resource: 'task', resourceName: `${base}/*` })],
        }),
      );
      runnerRole.addToPolicy(
        new iam.PolicyStatement({
          actions: ['iam:PassRole'],
          resources: [migrationTask.taskRole.roleArn, migrationTask.obtainExecutionRole().roleArn],
        }),
      );
      const runner = new lambda.Function(this, `Migrate-${m.name}-Runner`, {
        functionName: runnerName,
        runtime: lambda.Runtime.NODEJS_24_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline(MIGRATION_RUNNER_HANDLER),
        timeout: Duration.minutes(m.timeoutMinutes + 1),
        memorySize: 128,
        role: runnerRole,
        logGroup: runnerLogs,
      });
      // The resource type is glidepath's, so that the benchmark's per-type comparison lines up.
      const migration = new CustomResource(this, `Migrate-${m.name}-Run`, {
        serviceToken: runner.functionArn,
        resourceType: 'Custom::GlidepathMigration',
        properties: {
          Migration: m.name,
          Cluster: cluster.clusterArn,
          TaskDefinition: migrationTask.taskDefinitionArn,
          Subnets: privateSubnets.subnetIds,
          SecurityGroups: service.connections.securityGroups.map((g) => g.securityGroupId),
          LogGroup: `/ecs/${family}`,
        },
      });
      // Only the ECS service waits: its security group is an input of the migration.
      (service.node.defaultChild as ecs.CfnService).node.addDependency(migration);
    }

    // Smoke tests before production traffic (blue/green and canary): a Lambda function in the VPC
    // runs the checks against the test listener as an ECS lifecycle hook; a failure rolls back.
    if (shifting) {
      const smokeName = `${base}-smoke-tests`;
      const smokeLogs = new logs.LogGroup(this, 'SmokeTestLogs', {
        logGroupName: `/aws/lambda/${smokeName}`,
        retention: logRetention,
        removalPolicy,
      });
      const smokeRole = new iam.Role(this, 'SmokeTestRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      smokeLogs.grantWrite(smokeRole);
      // To find the load balancer's private address; the action has no resource-level permissions.
      smokeRole.addToPolicy(new iam.PolicyStatement({ actions: ['ec2:DescribeNetworkInterfaces'], resources: ['*'] }));
      const smokeTests = new lambda.Function(this, 'SmokeTests', {
        functionName: smokeName,
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
          LOAD_BALANCER: loadBalancer.loadBalancerFullName,
          TEST_PORT: String(TEST_PORT),
        },
        vpc,
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      });
      service.addLifecycleHook(
        new ecs.DeploymentLifecycleLambdaTarget(smokeTests, 'SmokeTests', {
          lifecycleStages: [ecs.DeploymentLifecycleStage.POST_TEST_TRAFFIC_SHIFT],
        }),
      );
    }

    // Metrics, alarms and the dead-man's switch.
    const lb = loadBalancer.metrics;
    const errorRate = new cloudwatch.MathExpression({
      expression: 'IF(requests > 0, 100 * (FILL(errors, 0) + FILL(elbErrors, 0)) / requests, 0)',
      usingMetrics: {
        errors: lb.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { statistic: 'Sum' }),
        elbErrors: lb.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { statistic: 'Sum' }),
        requests: lb.requestCount({ statistic: 'Sum' }),
      },
      label: 'Error rate (%)',
    });
    // Rollback and paging judge each target group (version) on its own requests, from 10 a period,
    // so a canary's errors are not diluted by the stable version's; the load balancer's own 5xx count too.
    const groups = alternate ? [primary, alternate] : [primary];
    const versionMetrics: Record<string, cloudwatch.IMetric> = {
      errors: lb.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { statistic: 'Sum' }),
      elbErrors: lb.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { statistic: 'Sum' }),
      requests: lb.requestCount({ statistic: 'Sum' }),
    };
    const ratios = groups.map((group, i) => {
      versionMetrics[`tg${i}Errors`] = group.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { statistic: 'Sum' });
      versionMetrics[`tg${i}Requests`] = group.metrics.requestCount({ statistic: 'Sum' });
      return `IF(FILL(tg${i}Requests, 0) >= 10, 100 * FILL(tg${i}Errors, 0) / tg${i}Requests, 0)`;
    });
    ratios.push('IF(FILL(requests, 0) >= 10, 100 * (FILL(errors, 0) + FILL(elbErrors, 0)) / requests, 0)');
    const versionErrorRate = new cloudwatch.MathExpression({
      expression: `MAX([${ratios.join(', ')}])`,
      usingMetrics: versionMetrics,
      label: 'Error rate of the worst target group (%)',
    });
    const latency = (statistic: string) =>
      new cloudwatch.MathExpression({
        expression: `1000 * latency${statistic}`,
        usingMetrics: { [`latency${statistic}`]: lb.targetResponseTime({ statistic }) },
        label: `${statistic} latency (ms)`,
      });
    const ecsMetric = (metricName: string, statistic = 'Average') =>
      new cloudwatch.Metric({
        namespace: 'AWS/ECS',
        metricName,
        dimensionsMap: { ClusterName: base, ServiceName: base },
        statistic,
        period: Duration.minutes(1),
      });
    const requests = lb.requestCount({ statistic: 'Sum' });
    const cpu = ecsMetric('CPUUtilization');
    const memory = ecsMetric('MemoryUtilization');
    const p95 = latency('p95');
    const p99 = latency('p99');
    const e = env.evaluation;
    const alarm = (
      kind: string,
      metric: cloudwatch.IMetric,
      threshold: number,
      topic: sns.ITopic,
      evaluationPeriods: number,
      datapointsToAlarm: number,
    ) => {
      const a = new cloudwatch.Alarm(this, kind, {
        alarmName: `${base}-${kind}`,
        alarmDescription: `${kind} of ${base} at or above ${threshold}`,
        metric,
        threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods,
        datapointsToAlarm,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(new actions.SnsAction(topic));
      if (!kind.startsWith('rollback')) {
        a.addOkAction(new actions.SnsAction(topic));
      }
      return a;
    };
    const rollback = alarm('rollback-error-rate', versionErrorRate, 2, critical, 2, 2);
    const criticals = [
      alarm('critical-error-rate', versionErrorRate, 5, critical, e.evaluationPeriods, e.datapointsToAlarm),
      alarm('critical-latency-p99', p99, 3000, critical, e.evaluationPeriods, e.datapointsToAlarm),
    ];
    const warnings = [
      alarm('warning-error-rate', errorRate, 2, warning, e.evaluationPeriods, e.datapointsToAlarm),
      alarm('warning-latency-p95', p95, 1200, warning, e.evaluationPeriods, e.datapointsToAlarm),
      alarm('warning-cpu', cpu, 80, warning, e.evaluationPeriods, e.datapointsToAlarm),
      alarm('warning-memory', memory, 80, warning, e.evaluationPeriods, e.datapointsToAlarm),
    ];
    // Rendered by hand: enableDeploymentAlarms() drops alarms (aws/aws-cdk#36308).
    (service.node.defaultChild as ecs.CfnService).addPropertyOverride('DeploymentConfiguration.Alarms', {
      AlarmNames: [rollback, ...criticals].map((a) => a.alarmName),
      Enable: true,
      Rollback: true,
    });
    const deadMansSwitch = new cloudwatch.Alarm(this, 'DeadMansSwitch', {
      alarmName: `${base}-dead-mans-switch`,
      alarmDescription: `No passing health probe of ${base} for 5 minutes`,
      metric: addHealthProbe(this, { base, serviceUrl, healthCheckPath: HEALTH_CHECK_PATH, logRetention, removalPolicy }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    deadMansSwitch.addAlarmAction(new actions.SnsAction(critical));
    deadMansSwitch.addOkAction(new actions.SnsAction(critical));

    // Feature flags in AppConfig: a flag change deploys gradually and rolls back by itself when the
    // rollback or a critical alarm fires; the kill-switch strategy turns a flag off at once.
    const flagsApp = new appconfig.Application(this, 'FlagsApplication', {
      applicationName: base,
      description: `Feature flags of ${base}`,
    });
    const monitorRole = new iam.Role(this, 'FlagsMonitorRole', { assumedBy: new iam.ServicePrincipal('appconfig.amazonaws.com') });
    const monitored = [rollback, ...criticals];
    monitorRole.addToPolicy(
      new iam.PolicyStatement({ actions: ['cloudwatch:DescribeAlarms'], resources: monitored.map((a) => a.alarmArn) }),
    );
    const flagsEnvironment = new appconfig.Environment(this, 'FlagsEnvironment', {
      application: flagsApp,
      environmentName: env.name,
      monitors: monitored.map((a) => appconfig.Monitor.fromCloudWatchAlarm(a, monitorRole)),
    });
    const releaseStrategy = new appconfig.DeploymentStrategy(this, 'FlagsRelease', {
      deploymentStrategyName: `${base}-release`,
      rolloutStrategy: appconfig.RolloutStrategy.linear({
        growthFactor: 20,
        deploymentDuration: Duration.minutes(10),
        finalBakeTime: Duration.minutes(10),
      }),
    });
    new appconfig.DeploymentStrategy(this, 'FlagsKillSwitch', {
      deploymentStrategyName: `${base}-kill-switch`,
      rolloutStrategy: appconfig.RolloutStrategy.linear({
        growthFactor: 100,
        deploymentDuration: Duration.minutes(0),
        finalBakeTime: Duration.minutes(0),
      }),
    });
    const flags = new appconfig.HostedConfiguration(this, 'Flags', {
      application: flagsApp,
      name: FLAGS_PROFILE,
      type: appconfig.ConfigurationType.FEATURE_FLAGS,
      content: appconfig.ConfigurationContent.fromInlineJson(JSON.stringify(CHECKOUT_FEATURE_FLAGS)),
      deploymentStrategy: releaseStrategy,
      deployTo: [flagsEnvironment],
    });
    // A policy of its own (not the task role's default policy), as glidepath writes it.
    new iam.Policy(this, 'FlagsRead', {
      roles: [taskDefinition.taskRole],
      statements: [
        new iam.PolicyStatement({
          actions: ['appconfig:StartConfigurationSession', 'appconfig:GetLatestConfiguration'],
          resources: [
            this.formatArn({
              service: 'appconfig',
              resource: 'application',
              resourceName: `${flagsApp.applicationId}/environment/${flagsEnvironment.environmentId}/configuration/${flags.configurationProfileId}`,
            }),
          ],
        }),
      ],
    });

    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: base });
    dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...criticals, ...warnings, rollback, deadMansSwitch], width: 24 }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Error rate (%)', left: [errorRate], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Latency (ms)', left: [p95, p99], width: 8 }),
      new cloudwatch.GraphWidget({ title: 'Requests', left: [requests], width: 8 }),
    );
    dashboard.addWidgets(new cloudwatch.GraphWidget({ title: 'Saturation (%)', left: [cpu, memory], width: 24 }));
  }
}
