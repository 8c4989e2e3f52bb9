import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { publishersOf, routeAlerts } from './alert-routing';
import { HeartbeatSource } from '../../../lib/model/dead-mans-switch';
import { RetentionPolicy, type EnvironmentDefinition } from '../../../lib/model/environment';
import { TlsMode, type Tls } from '../../../lib/model/tls';
import type { ServiceDefinition } from '../../../lib/model/service-definition';
import { containerTaskSpec, logRetentionDays as retentionDaysOf, type ContainerTaskSpec } from '../../../lib/plan/container-task-spec';
import type { EcsRolloutPlan } from '../../../lib/plan/ecs-schedule';
import { rollbackAlarmMinimumRequests } from '../../../lib/plan/detection/detection-plan';
import type { ResourceNames } from '../../../lib/plan/names';
import { anchorOf } from '../../../lib/runbook/anchors';
import { AlarmSeverity } from '../../../lib/runbook/facts';
import { ROTATION_HANDLER_SOURCE } from '../../../lib/handlers/rotation-handler';
import { containerAlarmSpecs, type AlarmSpec } from './alarm-specs';
import { agentContainer, createFeatureFlags, flagsEnvironment } from './feature-flags';
import { createMigration } from './migrations';
import { createHealthProbe } from './health-probe';
import { createSmokeHook } from './smoke-hook';

/** The network a container service runs in (the component does not create a VPC). */
export interface AwsNetworkInput {
  readonly vpcId: pulumi.Input<string>;
  readonly publicSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  readonly privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
}

/** What the AWS resources expose to the component. */
export interface AwsResources {
  readonly serviceUrl: pulumi.Output<string>;
  readonly alarmNames: string[];
  readonly alarmArns: pulumi.Output<string[]>;
  readonly topicArns: { readonly critical: pulumi.Output<string>; readonly warning: pulumi.Output<string> };
  /** Name of the CloudWatch dashboard. */
  readonly dashboardName: pulumi.Output<string>;
}

/**
 * Creates, as children of `parent`, the @pulumi/aws resources of a container service that
 * `DeploymentStack` creates through CloudFormation: alert topics, secrets, the ECS service with its
 * native deployment configuration and deployment alarms, the alarm set, the dead-man's switch,
 * autoscaling and a dashboard. Names, thresholds, weights and bake times come from the same plan.
 */
export function createAwsResources(
  parent: pulumi.ComponentResource,
  def: ServiceDefinition,
  env: EnvironmentDefinition,
  names: ResourceNames,
  plan: EcsRolloutPlan,
  network: AwsNetworkInput,
  runbookLink: (anchor: string) => string,
): AwsResources {
  const container = def.workload.container!;
  const opts: pulumi.CustomResourceOptions = { parent };
  // Like the CloudFormation removal policy: keys, secrets and logs outlive the stack when the environment retains data.
  const keep: pulumi.CustomResourceOptions = { parent, retainOnDelete: env.retention === RetentionPolicy.RETAIN };
  const tags = { 'glidepath:service': def.service, 'glidepath:environment': env.name, 'glidepath:team': def.owners.team };
  const id = (suffix: string) => `${names.base}-${suffix}`;
  // Names are per environment, not per region: refuse to deploy one environment to the wrong region.
  const region = aws.getRegionOutput({}, { parent }).region.apply((r) => checkRegion(r, env, names));
  const account = aws.getCallerIdentityOutput({}, { parent }).accountId;
  const logRetentionDays = retentionDaysOf(env.production);
  // Numbers and hardening shared with ProgressiveFargateService (lib/plan/container-task-spec).
  const spec = containerTaskSpec({
    serviceName: names.base,
    image: container.image,
    containerPort: container.port,
    healthCheckPath: container.healthCheckPath,
    cpu: container.cpu,
    memoryMiB: container.memoryMiB,
    retained: env.retention === RetentionPolicy.RETAIN,
  });
  const lbSpec = spec.loadBalancer;

  const { critical, warning, key: topicKey } = createAlertTopics(names, tags, opts, keep);

  // Secrets: generated ones are created here and rotated; existing ones are looked up by name.
  const secretArns = createSecrets(parent, env, names, opts, keep, tags, logRetentionDays);

  // Load balancer and service networking.
  const vpc = aws.ec2.getVpcOutput({ id: network.vpcId }, { parent });
  const settings = plan.settings;
  const shifting = settings.strategy !== 'ROLLING';
  // Production without TLS is refused by the reference DeploymentStack, with the same message.
  const tls = env.tls?.mode === TlsMode.DISABLED ? undefined : env.tls;
  const https = tls !== undefined;
  const lbSecurityGroup = new aws.ec2.SecurityGroup(
    id('lb'),
    {
      vpcId: network.vpcId,
      description: `Load balancer of ${names.base}`,
      ingress: [
        {
          protocol: 'tcp',
          fromPort: lbSpec.httpPort,
          toPort: lbSpec.httpPort,
          cidrBlocks: ['0.0.0.0/0'],
          description: https ? 'HTTP from anywhere (redirected to HTTPS)' : 'HTTP from anywhere',
        },
        ...(https
          ? [
              {
                protocol: 'tcp',
                fromPort: lbSpec.https.port,
                toPort: lbSpec.https.port,
                cidrBlocks: ['0.0.0.0/0'],
                description: 'HTTPS from anywhere',
              },
            ]
          : []),
        // Only callers inside the VPC (smoke tests, lifecycle hooks) reach the new version early.
        ...(shifting
          ? [
              {
                protocol: 'tcp',
                fromPort: lbSpec.testListenerPort,
                toPort: lbSpec.testListenerPort,
                cidrBlocks: [vpc.cidrBlock],
                description: 'Test listener, from inside the VPC',
              },
            ]
          : []),
      ],
      egress: [
        {
          protocol: 'tcp',
          fromPort: container.port,
          toPort: container.port,
          cidrBlocks: [vpc.cidrBlock],
          description: 'Load balancer to tasks',
        },
      ],
      tags,
    },
    opts,
  );
  const serviceSecurityGroup = new aws.ec2.SecurityGroup(
    id('service'),
    {
      vpcId: network.vpcId,
      description: `Tasks of ${names.base}`,
      ingress: [
        {
          protocol: 'tcp',
          fromPort: container.port,
          toPort: container.port,
          securityGroups: [lbSecurityGroup.id],
          description: 'Load balancer to tasks',
        },
      ],
      egress: [{ protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['0.0.0.0/0'], description: 'Image pulls, secrets, dependencies' }],
      tags,
    },
    opts,
  );
  const accessLogs = createAccessLogBucket(id('access-logs'), spec, account, keep, env.retention !== RetentionPolicy.RETAIN, tags);
  const loadBalancer = new aws.lb.LoadBalancer(
    id('lb'),
    {
      name: names.base.slice(0, 32),
      loadBalancerType: 'application',
      internal: false,
      subnets: network.publicSubnetIds,
      securityGroups: [lbSecurityGroup.id],
      dropInvalidHeaderFields: lbSpec.dropInvalidHeaderFields,
      enableDeletionProtection: lbSpec.deletionProtection,
      accessLogs: { bucket: accessLogs.bucket, prefix: lbSpec.accessLogs.prefix, enabled: true },
      tags,
    },
    { ...opts, dependsOn: [accessLogs.policy] },
  );
  const targetGroup = (suffix: string) =>
    new aws.lb.TargetGroup(
      id(suffix),
      {
        vpcId: network.vpcId,
        port: container.port,
        protocol: 'HTTP',
        targetType: 'ip',
        deregistrationDelay: lbSpec.deregistrationDelay.toSeconds(),
        healthCheck: {
          path: lbSpec.healthCheck.path,
          matcher: lbSpec.healthCheck.healthyHttpCodes,
          interval: lbSpec.healthCheck.interval.toSeconds(),
          timeout: lbSpec.healthCheck.timeout.toSeconds(),
          healthyThreshold: lbSpec.healthCheck.healthyThresholdCount,
          unhealthyThreshold: lbSpec.healthCheck.unhealthyThresholdCount,
        },
        tags,
      },
      opts,
    );
  const primary = targetGroup('primary');
  const alternate = shifting ? targetGroup('alternate') : undefined;
  const forward: aws.types.input.lb.ListenerRuleAction[] = [
    alternate
      ? {
          type: 'forward',
          forward: {
            targetGroups: [
              { arn: primary.arn, weight: 100 },
              { arn: alternate.arn, weight: 0 },
            ],
          },
        }
      : { type: 'forward', targetGroupArn: primary.arn },
  ];
  const notFound: aws.types.input.lb.ListenerDefaultAction[] = [
    { type: 'fixed-response', fixedResponse: { statusCode: '404', contentType: 'text/plain', messageBody: 'Not found' } },
  ];
  const certificateArn = tls && certificateOf(tls, id, tags, opts);
  const listener = new aws.lb.Listener(
    id(https ? 'https' : 'http'),
    {
      loadBalancerArn: loadBalancer.arn,
      port: https ? lbSpec.https.port : lbSpec.httpPort,
      protocol: https ? 'HTTPS' : 'HTTP',
      certificateArn,
      sslPolicy: https ? lbSpec.https.tlsPolicy : undefined,
      defaultActions: notFound,
      tags,
    },
    opts,
  );
  if (https) {
    new aws.lb.Listener(
      id('http-redirect'),
      {
        loadBalancerArn: loadBalancer.arn,
        port: lbSpec.https.redirectFromPort,
        protocol: 'HTTP',
        defaultActions: [{ type: 'redirect', redirect: { port: String(lbSpec.https.port), protocol: 'HTTPS', statusCode: 'HTTP_301' } }],
        tags,
      },
      opts,
    );
  }
  if (tls?.domainName && tls.hostedZone) {
    // Users reach the service at its domain: an alias record on the load balancer, as DeploymentStack points it.
    new aws.route53.Record(
      id('domain'),
      {
        zoneId: tls.hostedZone.id,
        name: tls.domainName,
        type: 'A',
        aliases: [
          { name: pulumi.interpolate`dualstack.${loadBalancer.dnsName}`, zoneId: loadBalancer.zoneId, evaluateTargetHealth: false },
        ],
      },
      opts,
    );
  }
  const productionRule = new aws.lb.ListenerRule(
    id('production'),
    {
      listenerArn: listener.arn,
      priority: lbSpec.rulePriority,
      conditions: [{ pathPattern: { values: [lbSpec.rulePathPattern] } }],
      actions: forward,
      tags,
    },
    { ...opts, ignoreChanges: shifting ? ['actions'] : [] },
  ); // ECS moves the weights during deployments.
  let testRule: aws.lb.ListenerRule | undefined;
  if (shifting) {
    const testListener = new aws.lb.Listener(
      id('test'),
      {
        loadBalancerArn: loadBalancer.arn,
        port: lbSpec.testListenerPort,
        // HTTPS with the production certificate, as ProgressiveFargateService serves it.
        protocol: https ? 'HTTPS' : 'HTTP',
        certificateArn: https ? certificateArn : undefined,
        sslPolicy: https ? lbSpec.https.tlsPolicy : undefined,
        defaultActions: notFound,
        tags,
      },
      opts,
    );
    testRule = new aws.lb.ListenerRule(
      id('test'),
      {
        listenerArn: testListener.arn,
        priority: lbSpec.rulePriority,
        conditions: [{ pathPattern: { values: [lbSpec.rulePathPattern] } }],
        actions: forward,
        tags,
      },
      { ...opts, ignoreChanges: ['actions'] },
    );
  }

  // Cluster, roles, task definition.
  const cluster = new aws.ecs.Cluster(
    id('cluster'),
    {
      name: names.base,
      settings: [{ name: 'containerInsights', value: 'enabled' }],
      tags,
    },
    opts,
  );
  const logGroup = new aws.cloudwatch.LogGroup(
    id('logs'),
    { name: spec.container.logging.logGroupName, retentionInDays: logRetentionDays, tags },
    keep,
  );
  const assumedBy = (service: string) =>
    JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] });
  const executionRole = new aws.iam.Role(
    id('execution'),
    {
      assumeRolePolicy: assumedBy('ecs-tasks.amazonaws.com'),
      tags,
    },
    opts,
  );
  const executionPolicies: pulumi.Resource[] = [
    new aws.iam.RolePolicyAttachment(
      id('execution'),
      {
        role: executionRole.name,
        policyArn: 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy',
      },
      opts,
    ),
  ];
  // Reading the secrets: the execution role injects them at task start; the task role reads both
  // stages (AWSCURRENT, AWSPREVIOUS) at run time, so tasks started before and after a rotation
  // accept each other's values (the dual-read contract, as ProgressiveFargateService grants it).
  const secretsPolicy = (role: aws.iam.Role, suffix: string) =>
    new aws.iam.RolePolicy(
      id(suffix),
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
              Resource: secretArns.map((s) => s.arn),
            },
            {
              Effect: 'Allow',
              Action: 'kms:Decrypt',
              Resource: '*',
              Condition: { StringEquals: { 'kms:ViaService': pulumi.interpolate`secretsmanager.${region}.amazonaws.com` } },
            },
          ],
        }),
      },
      opts,
    );
  if (secretArns.length > 0) {
    executionPolicies.push(secretsPolicy(executionRole, 'execution-secrets'));
  }
  const taskRole = new aws.iam.Role(id('task'), { assumeRolePolicy: assumedBy('ecs-tasks.amazonaws.com'), tags }, opts);
  const taskPolicies = secretArns.length > 0 ? [secretsPolicy(taskRole, 'task-secrets')] : [];
  const hasFlags = def.featureFlags.length > 0;
  const agentLogs = hasFlags
    ? new aws.cloudwatch.LogGroup(
        id('appconfig-agent'),
        { name: `/ecs/${names.base}/appconfig-agent`, retentionInDays: logRetentionDays, tags },
        keep,
      )
    : undefined;
  const taskDefinition = new aws.ecs.TaskDefinition(
    id('task'),
    {
      family: spec.family,
      // A replaced revision stays registered (ACTIVE), as CloudFormation's Retain keeps it: level 2
      // of the runbook deploys the previous revision.
      skipDestroy: true,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: String(spec.cpu),
      memory: String(spec.memoryMiB),
      executionRoleArn: executionRole.arn,
      taskRoleArn: taskRole.arn,
      containerDefinitions: pulumi.jsonStringify([
        {
          name: spec.container.name,
          image: spec.container.image,
          essential: true,
          portMappings: [{ containerPort: spec.container.port, name: spec.container.portName, protocol: 'tcp' }],
          readonlyRootFilesystem: spec.container.readonlyRootFilesystem,
          user: spec.container.user,
          stopTimeout: spec.container.stopTimeout.toSeconds(),
          environment: Object.entries({ ...container.environment, ...flagsEnvironment(names, env.name, def.featureFlags) }).map(
            ([name, value]) => ({ name, value }),
          ),
          // References only: ECS reads the values when a task starts.
          secrets: secretArns.map((s) => ({ name: s.envVar, valueFrom: s.arn })),
          logConfiguration: {
            logDriver: 'awslogs',
            options: {
              'awslogs-group': logGroup.name,
              'awslogs-region': region,
              'awslogs-stream-prefix': spec.container.logging.streamPrefix,
            },
          },
        },
        ...(agentLogs ? [agentContainer(agentLogs.name, region)] : []),
      ]),
      tags,
    },
    opts,
  );

  // Alarms: the same specs as AlarmSet; deployment alarms roll the ECS deployment back.
  const specs = env.alarms.enabled
    ? containerAlarmSpecs(env.alarms, {
        loadBalancerFullName: loadBalancer.arnSuffix,
        targetGroupFullNames: [primary, ...(alternate ? [alternate] : [])].map((g) => g.arnSuffix),
        clusterName: names.base,
        serviceName: names.base,
        minimumRequests: rollbackAlarmMinimumRequests(def.service, env, plan.schedule),
      })
    : [];
  const alarms = specs.map((spec) =>
    metricAlarm(spec, names, spec.severity === AlarmSeverity.WARNING ? warning : critical, runbookLink, tags, opts),
  );
  const deploymentAlarmNames = specs.filter((s) => s.severity !== AlarmSeverity.WARNING).map((s) => names.alarm(s.kind));
  if (hasFlags) {
    // The alarms that roll a deployment back also roll a bad flag change back.
    const monitors = alarms.filter((_, i) => specs[i].severity !== AlarmSeverity.WARNING);
    createFeatureFlags(names, env.name, def.featureFlags, monitors, [taskRole.id], { region, account, tags, opts });
  }

  const infrastructureRole = alternate
    ? new aws.iam.Role(id('ecs-infrastructure'), { assumeRolePolicy: assumedBy('ecs.amazonaws.com'), tags }, opts)
    : undefined;
  const infrastructureAttachment = infrastructureRole
    ? new aws.iam.RolePolicyAttachment(
        id('ecs-infrastructure'),
        {
          role: infrastructureRole.name,
          policyArn: 'arn:aws:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers',
        },
        opts,
      )
    : undefined;
  const minutes = (n: number | undefined) => (n === undefined ? undefined : String(n));
  // Expand migrations run as one-off tasks that must exit 0 before the service update starts.
  const migrationRuns = def.migrations.flatMap(
    (m) =>
      createMigration(m, {
        names,
        cluster,
        executionRoleArn: executionRole.arn,
        environment: container.environment ?? {},
        secrets: secretArns,
        subnetIds: network.privateSubnetIds,
        securityGroupIds: [serviceSecurityGroup.id],
        region,
        retentionInDays: logRetentionDays,
        tags,
        opts: { ...opts, dependsOn: executionPolicies },
        keep,
      }) ?? [],
  );
  // Smoke tests from inside the VPC through the test listener, before production traffic moves.
  const smokeHook =
    def.smokeTests && shifting
      ? createSmokeHook(
          def.smokeTests,
          `${names.base}-smoke-tests`,
          {
            loadBalancerFullName: loadBalancer.arnSuffix,
            testPort: lbSpec.testListenerPort,
            tls: https ? { serverName: tls?.domainName } : undefined,
            subnetIds: network.privateSubnetIds,
            vpcId: network.vpcId,
          },
          { retentionInDays: logRetentionDays, tags, opts, keep },
        )
      : undefined;
  const hookRole = smokeHook
    ? new aws.iam.Role(
        id('smoke-tests-ecs'),
        {
          description: `Lets ECS run the smoke tests ${names.base}-smoke-tests during deployments`,
          assumeRolePolicy: assumedBy('ecs.amazonaws.com'),
          tags,
        },
        opts,
      )
    : undefined;
  const hookPolicy =
    smokeHook && hookRole
      ? new aws.iam.RolePolicy(
          id('smoke-tests-ecs'),
          {
            role: hookRole.id,
            policy: pulumi.jsonStringify({
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: smokeHook.arn }],
            }),
          },
          opts,
        )
      : undefined;
  const service = new aws.ecs.Service(
    id('service'),
    {
      name: names.base,
      cluster: cluster.arn,
      taskDefinition: taskDefinition.arn,
      launchType: 'FARGATE',
      desiredCount: env.capacity.desiredCount,
      deploymentMinimumHealthyPercent: settings.minimumHealthyPercent,
      deploymentMaximumPercent: settings.maximumPercent,
      deploymentConfiguration: {
        strategy: settings.strategy,
        bakeTimeInMinutes: minutes(settings.bakeMinutes),
        canaryConfiguration:
          settings.strategy === 'CANARY'
            ? { canaryPercent: settings.stepPercent, canaryBakeTimeInMinutes: minutes(settings.stepBakeMinutes ?? 0) }
            : undefined,
        linearConfiguration:
          settings.strategy === 'LINEAR'
            ? { stepPercent: settings.stepPercent, stepBakeTimeInMinutes: minutes(settings.stepBakeMinutes ?? 0) }
            : undefined,
        lifecycleHooks:
          smokeHook && hookRole
            ? [{ hookTargetArn: smokeHook.arn, roleArn: hookRole.arn, lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'] }]
            : undefined,
      },
      // ECS supports the circuit breaker for rolling and blue/green; canary and linear rely on alarms.
      deploymentCircuitBreaker:
        settings.strategy === 'ROLLING' || settings.strategy === 'BLUE_GREEN' ? { enable: true, rollback: true } : undefined,
      alarms: deploymentAlarmNames.length > 0 ? { alarmNames: deploymentAlarmNames, enable: true, rollback: true } : undefined,
      loadBalancers: [
        {
          targetGroupArn: primary.arn,
          containerName: spec.container.name,
          containerPort: spec.container.port,
          advancedConfiguration:
            alternate && infrastructureRole
              ? {
                  alternateTargetGroupArn: alternate.arn,
                  productionListenerRule: productionRule.arn,
                  testListenerRule: testRule?.arn,
                  roleArn: infrastructureRole.arn,
                }
              : undefined,
        },
      ],
      networkConfiguration: { subnets: network.privateSubnetIds, securityGroups: [serviceSecurityGroup.id], assignPublicIp: false },
      healthCheckGracePeriodSeconds: spec.healthCheckGracePeriod.toSeconds(),
      propagateTags: 'SERVICE',
      // `pulumi up` returns when the rollout (bake times included) has finished or rolled back, like `cdk deploy`.
      waitForSteadyState: true,
      tags,
    },
    {
      ...opts,
      dependsOn: [
        productionRule,
        ...alarms,
        ...(infrastructureAttachment ? [infrastructureAttachment] : []),
        ...(hookPolicy ? [hookPolicy] : []),
        ...taskPolicies,
        ...migrationRuns,
      ],
      // With autoscaling, an update must not send desiredCount: it would reset the count
      // autoscaling chose (aws/aws-cdk#13130); the first create still starts desiredCount tasks.
      ignoreChanges: env.capacity.scaling ? ['desiredCount'] : [],
    },
  );

  if (env.capacity.scaling) {
    const scaling = env.capacity.scaling;
    const target = new aws.appautoscaling.Target(
      id('scaling'),
      {
        serviceNamespace: 'ecs',
        scalableDimension: 'ecs:service:DesiredCount',
        resourceId: pulumi.interpolate`service/${cluster.name}/${service.name}`,
        minCapacity: scaling.minCount,
        maxCapacity: scaling.maxCount,
      },
      opts,
    );
    new aws.appautoscaling.Policy(
      id('cpu-scaling'),
      {
        policyType: 'TargetTrackingScaling',
        serviceNamespace: target.serviceNamespace,
        scalableDimension: target.scalableDimension,
        resourceId: target.resourceId,
        targetTrackingScalingPolicyConfiguration: {
          targetValue: scaling.targetCpuPercent,
          predefinedMetricSpecification: { predefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        },
      },
      opts,
    );
  }

  const allAlarms = [...alarms];
  const allNames = specs.map((s) => names.alarm(s.kind));
  if (env.deadMansSwitch.enabled) {
    const name = names.alarm('dead-mans-switch');
    // Independent of user traffic, as DeploymentStack: a probe through the load balancer each
    // minute; an HTTPS service without a domain cannot be probed by name and keeps CPU samples.
    const probeable = !https || tls?.domainName !== undefined;
    const baseUrl = tls?.domainName ? pulumi.output(`https://${tls.domainName}`) : pulumi.interpolate`http://${loadBalancer.dnsName}`;
    const platform =
      env.deadMansSwitch.source !== HeartbeatSource.HEARTBEAT && probeable
        ? createHealthProbe(
            names.base,
            { url: baseUrl },
            { name: 'health', method: 'GET', path: container.healthCheckPath, expectedStatus: 200, maxLatencyMs: 5000, headers: {} },
            tls?.domainName
              ? `\`https://${tls.domainName}${container.healthCheckPath}\``
              : `\`${container.healthCheckPath}\` through the load balancer`,
            { retentionInDays: logRetentionDays, tags, opts, keep },
          )
        : {
            description: `ECS CPUUtilization samples of ${names.base}`,
            namespace: 'AWS/ECS',
            metricName: 'CPUUtilization',
            dimensions: { ClusterName: names.base, ServiceName: names.base },
          };
    allAlarms.push(deadMansSwitchAlarm(name, env, names, platform, critical, runbookLink, tags, opts));
    allNames.push(name);
  }
  routeAlerts({
    names,
    env,
    region,
    account,
    topics: { critical, warning },
    key: topicKey,
    publishers: publishersOf(specs, names, env),
    tags,
    opts,
  });

  const dashboard = new aws.cloudwatch.Dashboard(
    id('dashboard'),
    {
      dashboardName: names.base,
      dashboardBody: pulumi.jsonStringify({
        widgets: [
          { type: 'alarm', width: 24, height: 3, x: 0, y: 0, properties: { title: 'Alarms', alarms: allAlarms.map((a) => a.arn) } },
          {
            type: 'metric',
            width: 12,
            height: 6,
            x: 0,
            y: 3,
            properties: {
              title: 'Requests and 5xx',
              region,
              stat: 'Sum',
              metrics: [
                ['AWS/ApplicationELB', 'RequestCount', 'LoadBalancer', loadBalancer.arnSuffix],
                ['AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', 'LoadBalancer', loadBalancer.arnSuffix],
              ],
            },
          },
          {
            type: 'metric',
            width: 12,
            height: 6,
            x: 12,
            y: 3,
            properties: {
              title: 'CPU and memory (%)',
              region,
              stat: 'Average',
              metrics: [
                ['AWS/ECS', 'CPUUtilization', 'ClusterName', names.base, 'ServiceName', names.base],
                ['AWS/ECS', 'MemoryUtilization', 'ClusterName', names.base, 'ServiceName', names.base],
              ],
            },
          },
        ],
      }),
    },
    opts,
  );

  return {
    serviceUrl: tls?.domainName
      ? pulumi.output(`https://${tls.domainName}`)
      : pulumi.interpolate`${https ? 'https' : 'http'}://${loadBalancer.dnsName}`,
    alarmNames: allNames,
    alarmArns: pulumi.all(allAlarms.map((a) => a.arn)),
    topicArns: { critical: critical.arn, warning: warning.arn },
    dashboardName: dashboard.dashboardName,
  };
}

/**
 * The certificate of the HTTPS listener: the existing one, or one ACM issues for the domain once
 * the DNS validation record is in the hosted zone (CloudFormation writes that record itself).
 */
function certificateOf(
  tls: Tls,
  id: (suffix: string) => string,
  tags: Record<string, string>,
  opts: pulumi.CustomResourceOptions,
): pulumi.Input<string> {
  if (tls.mode === TlsMode.CERTIFICATE) return tls.certificateArn!;
  const certificate = new aws.acm.Certificate(id('certificate'), { domainName: tls.domainName!, validationMethod: 'DNS', tags }, opts);
  const option = certificate.domainValidationOptions[0];
  const record = new aws.route53.Record(
    id('certificate-validation'),
    {
      zoneId: tls.hostedZone!.id,
      name: option.resourceRecordName.apply((n) => n!),
      type: option.resourceRecordType.apply((t) => t!),
      records: [option.resourceRecordValue.apply((v) => v!)],
      ttl: 60,
      // A certificate re-issued for the same domain needs the same record.
      allowOverwrite: true,
    },
    opts,
  );
  // The listener waits for the certificate to be issued.
  return new aws.acm.CertificateValidation(
    id('certificate'),
    { certificateArn: certificate.arn, validationRecordFqdns: [record.fqdn] },
    opts,
  ).certificateArn;
}

/**
 * The region the provider deploys to, when it is the environment's (or the environment names none).
 * Resources that use the region (task definition, policies, dashboard) fail to register otherwise.
 */
export function checkRegion(providerRegion: string, env: EnvironmentDefinition, names: ResourceNames): string {
  if (env.region !== undefined && providerRegion !== env.region) {
    throw new Error(
      `DeploymentComponent '${names.base}': the AWS provider deploys to ${providerRegion}, but environments[${env.order}].region is ${env.region}; set aws:region (or pass a provider) to ${env.region}`,
    );
  }
  return providerRegion;
}

export function metricAlarm(
  spec: AlarmSpec,
  names: ResourceNames,
  topic: aws.sns.Topic,
  runbookLink: (anchor: string) => string,
  tags: Record<string, string>,
  opts: pulumi.CustomResourceOptions,
): aws.cloudwatch.MetricAlarm {
  const name = names.alarm(spec.kind);
  const { period, evaluationPeriods, datapointsToAlarm } = spec.evaluation;
  return new aws.cloudwatch.MetricAlarm(
    name,
    {
      name,
      alarmDescription: `${spec.description}. Runbook: ${runbookLink(anchorOf(name))}`,
      threshold: spec.threshold,
      // Fires at the threshold, like the Prometheus alerts and Argo analysis of the same policy (>=).
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      evaluationPeriods,
      datapointsToAlarm,
      // A quiet service has no errors; silence is the dead-man's switch's job.
      treatMissingData: 'notBreaching',
      metricQueries: spec.queries?.map((q) => ({ ...q, metric: q.metric && { ...q.metric, dimensions: q.metric.dimensions } })),
      ...(spec.metric
        ? {
            namespace: spec.metric.namespace,
            metricName: spec.metric.metricName,
            dimensions: spec.metric.dimensions,
            // Percentiles are CloudWatch's extended statistics.
            ...(/^p\d/.test(spec.metric.statistic) ? { extendedStatistic: spec.metric.statistic } : { statistic: spec.metric.statistic }),
            period: period.toSeconds(),
          }
        : {}),
      alarmActions: [topic.arn],
      okActions: spec.severity === AlarmSeverity.ROLLBACK ? [] : [topic.arn],
      tags,
    },
    opts,
  );
}

/** Generated secrets (KMS key, initial random value, rotation function) and existing ones by name. */
function createSecrets(
  parent: pulumi.ComponentResource,
  env: EnvironmentDefinition,
  names: ResourceNames,
  opts: pulumi.CustomResourceOptions,
  keep: pulumi.CustomResourceOptions,
  tags: Record<string, string>,
  logRetentionDays: number,
): { envVar: string; arn: pulumi.Output<string> }[] {
  const generated = env.secrets.filter((s) => s.generated);
  let rotation: aws.lambda.Function | undefined;
  let key: aws.kms.Key | undefined;
  if (generated.length > 0) {
    key = new aws.kms.Key(
      `${names.base}-secrets-key`,
      { description: `Encrypts the secrets of ${names.base}`, enableKeyRotation: true, tags },
      keep,
    );
    const logGroup = new aws.cloudwatch.LogGroup(
      `${names.base}-secret-rotation`,
      { name: `/aws/lambda/${names.base}-secret-rotation`, retentionInDays: logRetentionDays, tags },
      keep,
    );
    const role = new aws.iam.Role(
      `${names.base}-secret-rotation`,
      {
        description: 'Rotates glidepath-generated opaque secrets',
        assumeRolePolicy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        }),
        tags,
      },
      opts,
    );
    rotation = new aws.lambda.Function(
      `${names.base}-secret-rotation`,
      {
        name: `${names.base}-secret-rotation`,
        runtime: aws.lambda.Runtime.NodeJS24dX,
        handler: 'index.handler',
        role: role.arn,
        timeout: 30,
        code: new pulumi.asset.AssetArchive({ 'index.js': new pulumi.asset.StringAsset(ROTATION_HANDLER_SOURCE) }),
        loggingConfig: { logFormat: 'Text', logGroup: logGroup.name },
        tags,
      },
      opts,
    );
    const secretArnsPattern = generated.map((s) => pulumi.interpolate`arn:aws:secretsmanager:*:*:secret:${s.secretName}-*`);
    new aws.iam.RolePolicy(
      `${names.base}-secret-rotation`,
      {
        role: role.id,
        policy: pulumi.jsonStringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: [
                'secretsmanager:DescribeSecret',
                'secretsmanager:GetSecretValue',
                'secretsmanager:PutSecretValue',
                'secretsmanager:UpdateSecretVersionStage',
              ],
              Resource: secretArnsPattern,
            },
            { Effect: 'Allow', Action: 'secretsmanager:GetRandomPassword', Resource: '*' },
            { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: key.arn },
            { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: pulumi.interpolate`${logGroup.arn}:*` },
          ],
        }),
      },
      opts,
    );
    new aws.lambda.Permission(
      `${names.base}-secret-rotation`,
      { action: 'lambda:InvokeFunction', function: rotation.name, principal: 'secretsmanager.amazonaws.com' },
      opts,
    );
  }
  return env.secrets.map((s) => {
    if (!s.generated) {
      return { envVar: s.envVar, arn: aws.secretsmanager.getSecretOutput({ name: s.secretName }, { parent }).arn };
    }
    const secret = new aws.secretsmanager.Secret(
      s.secretName,
      {
        name: s.secretName,
        description: `Generated by glidepath; rotates every ${s.rotationDays} days`,
        kmsKeyId: key!.arn,
        tags,
      },
      keep,
    );
    // The first value comes from Secrets Manager's generator; rotation replaces it at once and
    // every rotationDays afterwards, so the value Pulumi saw (encrypted in its state) is never used.
    const initial = aws.secretsmanager.getRandomPasswordOutput({ passwordLength: s.length ?? 32, excludePunctuation: true }, { parent });
    const version = new aws.secretsmanager.SecretVersion(
      s.secretName,
      {
        secretId: secret.id,
        secretString: pulumi.secret(initial.randomPassword),
      },
      { ...opts, ignoreChanges: ['secretString'] },
    );
    new aws.secretsmanager.SecretRotation(
      s.secretName,
      {
        secretId: secret.id,
        rotationLambdaArn: rotation!.arn,
        rotationRules: { scheduleExpression: `rate(${s.rotationDays} days)` },
        rotateImmediately: true,
      },
      { ...opts, dependsOn: [version] },
    );
    return { envVar: s.envVar, arn: secret.arn };
  });
}

/**
 * The load balancer's access-log bucket, as ProgressiveFargateService creates it: S3-managed
 * encryption, no public access, TLS only, objects expire; the region's load balancer log delivery
 * may write below the prefix.
 */
function createAccessLogBucket(
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

/**
 * The `critical` and `warning` alert topics and the key encrypting them. Their policies (who may
 * publish, who may use the key) and subscriptions come from `routeAlerts` once the alarms are known.
 */
export function createAlertTopics(
  names: ResourceNames,
  tags: Record<string, string>,
  opts: pulumi.CustomResourceOptions,
  keep: pulumi.CustomResourceOptions,
): { critical: aws.sns.Topic; warning: aws.sns.Topic; key: aws.kms.Key } {
  const key = new aws.kms.Key(
    `${names.base}-alert-topics-key`,
    { description: `Encrypts the alert topics of ${names.base}`, enableKeyRotation: true, tags },
    keep,
  );
  const topic = (severity: 'critical' | 'warning') =>
    new aws.sns.Topic(
      names.topic(severity),
      { name: names.topic(severity), displayName: `${names.base} ${severity} alerts`, kmsMasterKeyId: key.arn, tags },
      opts,
    );
  return { critical: topic('critical'), warning: topic('warning'), key };
}

/** The platform metric whose samples prove a workload is alive (ECS CPU samples, Lambda invocations). */
export interface HeartbeatMetric {
  readonly description: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, pulumi.Input<string>>;
}

/**
 * The dead-man's switch as `DeadMansSwitch` renders it on CloudFormation: no sample of the
 * heartbeat (the platform metric, or Glidepath/Heartbeat when the service publishes its own) for
 * `missingFor`, missing data breaching, paging the critical topic.
 */
export function deadMansSwitchAlarm(
  name: string,
  env: EnvironmentDefinition,
  names: ResourceNames,
  platform: HeartbeatMetric,
  critical: aws.sns.Topic,
  runbookLink: (anchor: string) => string,
  tags: Record<string, string>,
  opts: pulumi.CustomResourceOptions,
): aws.cloudwatch.MetricAlarm {
  const minutesMissing = env.deadMansSwitch.missingFor.toMinutes();
  const own = env.deadMansSwitch.source === HeartbeatSource.HEARTBEAT;
  const heartbeat = own ? `metric Glidepath/Heartbeat (Service=${names.base}) published by the service` : platform.description;
  return new aws.cloudwatch.MetricAlarm(
    name,
    {
      name,
      alarmDescription: `CRITICAL: no heartbeat (${heartbeat}) for ${minutesMissing} minutes. Runbook: ${runbookLink(anchorOf(name))}`,
      namespace: own ? 'Glidepath' : platform.namespace,
      metricName: own ? 'Heartbeat' : platform.metricName,
      dimensions: own ? { Service: names.base } : platform.dimensions,
      statistic: 'SampleCount',
      period: 60,
      threshold: 1,
      comparisonOperator: 'LessThanThreshold',
      evaluationPeriods: minutesMissing,
      datapointsToAlarm: minutesMissing,
      // Silence is the failure this alarm exists to catch.
      treatMissingData: 'breaching',
      alarmActions: [critical.arn],
      okActions: [critical.arn],
      tags,
    },
    opts,
  );
}
