import { Annotations, CfnOutput, Duration as CdkDuration, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib/core';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { APP_CONTAINER_NAME, containerTaskSpec } from '../../lib/plan/container-task-spec';
import { ecsDeploymentConfiguration, type EcsDeploymentSettings } from '../../lib/plan/rollout/ecs-schedule';
import type { CompiledSchedule } from '../../lib/plan/rollout/schedule';
import type { IRunbookContributor, RunbookFacts } from '../../lib/runbook/facts';
import { ecsDeploymentDuration, ecsServiceRunbookFacts } from '../../lib/runbook/platforms/ecs';
import type { Duration } from '../../lib/model/duration';
import { literalRegion } from './private/aws-cli';
import { literalName } from './private/literal-names';
import { fargateServiceSignals } from './private/fargate-service-signals';
import { fargateTaskDefinition } from './private/fargate-task-definition';
import { loadBalancerAccessLogs } from './private/load-balancer-access-logs';
import { trafficRoutingFingerprint } from './private/traffic-routing';
import type { ServiceSignals } from './service-signals';
import { resolveFargateDeployment, type FargateDeploymentOptions } from './fargate-deployment-options';
import { ACKNOWLEDGEMENTS } from '../../lib/runbook/platforms/aws-accepted-risks';
import { acknowledge } from './private/acknowledge';

export * from './fargate-deployment-options';

/** Props for `ProgressiveFargateService`. */
export interface ProgressiveFargateServiceProps {
  /** Cluster to run in; its VPC hosts the load balancer. */
  readonly cluster: ecs.ICluster;
  /** Physical name of the ECS service and task family, e.g. `checkout-prod`. */
  readonly serviceName: string;
  /**
   * Literal cluster name, for runbook commands (the cluster's own attribute may be a token).
   * @default - the cluster's name when it is known at synthesis: an imported cluster, or one created with `clusterName`
   */
  readonly clusterName?: string;
  /** Container image reference. */
  readonly image: string;
  /** Port the container listens on. */
  readonly containerPort: number;
  /** HTTP path answering 200 when ready. */
  readonly healthCheckPath: string;
  /** CPU units. @default 512 */
  readonly cpu?: number;
  /** Memory in MiB. @default 1024 */
  readonly memoryMiB?: number;
  /**
   * Tasks to run. Ignored when `scaling` is set: the template then leaves `DesiredCount` out, so a
   * stack update keeps the count autoscaling chose (aws/aws-cdk#13130) and `scaling.minCount` sets
   * the floor. @default 2
   */
  readonly desiredCount?: number;
  /** Scale on CPU between these bounds. @default - no autoscaling */
  readonly scaling?: { readonly minCount: number; readonly maxCount: number; readonly targetCpuPercent: number };
  /**
   * How new versions roll out (from `compileEcsRollout`, or written by hand:
   * `{ strategy: 'canary', stepPercent: 10, stepBakeMinutes: 5 }`).
   */
  readonly deployment: FargateDeploymentOptions;
  /** The schedule the settings produce, for the runbook. @default - not described */
  readonly schedule?: CompiledSchedule;
  /** Plain configuration. @default - none */
  readonly environment?: Record<string, string>;
  /** Secrets injected by ECS from Secrets Manager; values never enter the task definition. @default - none */
  readonly secrets?: readonly { readonly envVar: string; readonly secret: secretsmanager.ISecret }[];
  /** Alarms that roll a deployment back when they fire. More can be added with `addDeploymentAlarm`. @default - none */
  readonly deploymentAlarms?: readonly cloudwatch.IAlarm[];
  /** Log retention. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Removal of the log group and access-log bucket. `RETAIN_ON_UPDATE_OR_DELETE` keeps them on
   * update and delete but lets the rollback of a failed first create remove them, so the retry
   * does not fail on a name that is still taken.
   * @default RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE
   */
  readonly removalPolicy?: RemovalPolicy;
  /** Serve HTTPS with this certificate (and redirect HTTP). @default - HTTP on port 80 */
  readonly certificate?: elbv2.IListenerCertificate;
  /**
   * TLS policy of the HTTPS listener.
   * @default elbv2.SslPolicy.TLS13_12_PQ (TLS 1.3 and 1.2, with post-quantum key exchange)
   */
  readonly sslPolicy?: elbv2.SslPolicy;
  /**
   * User (and group) the application container runs as, as in a Dockerfile's `USER`; never root.
   * @default "1000:1000"
   */
  readonly user?: string;
  /**
   * Refuse to delete the load balancer until this is turned off.
   * @default - true when `removalPolicy` is RETAIN
   */
  readonly deletionProtection?: boolean;
  /** Port of the test listener that reaches the new version before production traffic. @default 9000 */
  readonly testListenerPort?: number;
  /**
   * Requests a target group needs in one alarm period before its own error rate counts (see
   * `ServiceSignals.versionErrorRatePercent`). @default 10
   */
  readonly minimumRequests?: number;
}

/** Port mapping name, used by the load balancer target. */
const CONTAINER_NAME = APP_CONTAINER_NAME;

/**
 * An ECS Fargate service behind an Application Load Balancer that rolls out with ECS native
 * deployments: blue/green, canary or linear traffic shifting between two target groups (with a
 * test listener reaching the new version first), or rolling updates with the circuit breaker. The
 * given alarms roll a deployment back; `cdk deploy` drives the whole rollout.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-blue-green.html
 */
export class ProgressiveFargateService extends Construct implements IRunbookContributor {
  /** The ECS service. */
  public readonly service: ecs.FargateService;
  /** The task definition. */
  public readonly taskDefinition: ecs.FargateTaskDefinition;
  /** The load balancer. */
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** Target group serving production traffic at creation. */
  public readonly primaryTargetGroup: elbv2.ApplicationTargetGroup;
  /** Target group receiving the new version during traffic-shifting deployments. */
  public readonly alternateTargetGroup?: elbv2.ApplicationTargetGroup;
  /** Health signals for alarms and dashboards. */
  public readonly signals: ServiceSignals;
  /** The production listener. */
  public readonly listener: elbv2.ApplicationListener;
  /** Port of the test listener, for traffic-shifting deployments (absent for rolling updates). */
  public readonly testListenerPort?: number;
  /** Literal name of the cluster, as runbook commands use it. */
  public readonly clusterName: string;
  private readonly deploymentAlarms: cloudwatch.IAlarm[] = [];
  private routingFingerprint?: () => string;
  private readonly settings: EcsDeploymentSettings;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: ProgressiveFargateServiceProps,
  ) {
    super(scope, id);
    const clusterName = props.clusterName ?? literalName(props.cluster, props.cluster.clusterName, 'clusterName');
    if (clusterName === undefined) {
      throw new Error(
        `ProgressiveFargateService 'clusterName' is required when the cluster's name is only known after deployment (${props.cluster.node.path}): create the cluster with a clusterName, import it with ecs.Cluster.fromClusterAttributes, or pass clusterName`,
      );
    }
    this.clusterName = clusterName;
    const vpc = props.cluster.vpc;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;
    const settings = resolveFargateDeployment(props.deployment);
    this.settings = settings;
    const deployment = ecsDeploymentConfiguration(settings);
    const shifting = settings.strategy !== 'ROLLING';
    // Numbers and hardening shared with the Pulumi target (lib/plan/container-task-spec).
    const spec = containerTaskSpec({ ...props, retained: removalPolicy !== RemovalPolicy.DESTROY });
    const seconds = (d: { toSeconds(): number }) => CdkDuration.seconds(d.toSeconds());

    this.taskDefinition = fargateTaskDefinition(this, spec, {
      environment: props.environment,
      secrets: props.secrets,
      logRetention: props.logRetention,
      removalPolicy,
    });

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc,
      internetFacing: true,
      dropInvalidHeaderFields: spec.loadBalancer.dropInvalidHeaderFields,
      deletionProtection: spec.loadBalancer.deletionProtection,
    });
    acknowledge(this.loadBalancer, ACKNOWLEDGEMENTS.publicLoadBalancer);
    loadBalancerAccessLogs(this, this.loadBalancer, spec.loadBalancer, props.serviceName, removalPolicy);

    const targetGroup = (id: string) =>
      new elbv2.ApplicationTargetGroup(this, id, {
        vpc,
        port: spec.container.port,
        protocol: elbv2.ApplicationProtocol.HTTP,
        targetType: elbv2.TargetType.IP,
        deregistrationDelay: seconds(spec.loadBalancer.deregistrationDelay),
        healthCheck: {
          path: spec.loadBalancer.healthCheck.path,
          healthyHttpCodes: spec.loadBalancer.healthCheck.healthyHttpCodes,
          interval: seconds(spec.loadBalancer.healthCheck.interval),
          timeout: seconds(spec.loadBalancer.healthCheck.timeout),
          healthyThresholdCount: spec.loadBalancer.healthCheck.healthyThresholdCount,
          unhealthyThresholdCount: spec.loadBalancer.healthCheck.unhealthyThresholdCount,
        },
      });
    this.primaryTargetGroup = targetGroup('PrimaryTargetGroup');
    this.alternateTargetGroup = shifting ? targetGroup('AlternateTargetGroup') : undefined;
    const forward = () =>
      this.alternateTargetGroup
        ? elbv2.ListenerAction.weightedForward([
            { targetGroup: this.primaryTargetGroup, weight: 100 },
            { targetGroup: this.alternateTargetGroup, weight: 0 },
          ])
        : elbv2.ListenerAction.forward([this.primaryTargetGroup]);

    const notFound = elbv2.ListenerAction.fixedResponse(404, { contentType: 'text/plain', messageBody: 'Not found' });
    if (props.certificate) {
      const https = spec.loadBalancer.https;
      this.listener = this.loadBalancer.addListener('Https', {
        port: https.port,
        protocol: elbv2.ApplicationProtocol.HTTPS,
        certificates: [props.certificate],
        // ListenerTlsPolicy holds the same policy names as elbv2.SslPolicy.
        sslPolicy: props.sslPolicy ?? (https.tlsPolicy as string as elbv2.SslPolicy),
        defaultAction: notFound,
      });
      this.loadBalancer.addRedirect({ sourcePort: https.redirectFromPort, targetPort: https.port });
    } else {
      this.listener = this.loadBalancer.addListener('Http', {
        port: spec.loadBalancer.httpPort,
        protocol: elbv2.ApplicationProtocol.HTTP,
        defaultAction: notFound,
      });
    }
    const productionRule = new elbv2.ApplicationListenerRule(this, 'ProductionRule', {
      listener: this.listener,
      priority: spec.loadBalancer.rulePriority,
      conditions: [elbv2.ListenerCondition.pathPatterns([spec.loadBalancer.rulePathPattern])],
      action: forward(),
    });

    let testRule: elbv2.ApplicationListenerRule | undefined;
    if (shifting) {
      const testPort = spec.loadBalancer.testListenerPort;
      this.testListenerPort = testPort;
      // Only callers inside the VPC (smoke tests, lifecycle hooks) reach the new version early.
      // With a certificate, the test listener serves HTTPS with it too: plain HTTP anywhere on the
      // load balancer fails Control Tower's CT.ELASTICLOADBALANCING.PR.1 where an organisation enables it.
      const testListener = this.loadBalancer.addListener('Test', {
        port: testPort,
        open: false,
        defaultAction: notFound,
        ...(props.certificate
          ? {
              protocol: elbv2.ApplicationProtocol.HTTPS,
              certificates: [props.certificate],
              sslPolicy: props.sslPolicy ?? (spec.loadBalancer.https.tlsPolicy as string as elbv2.SslPolicy),
            }
          : { protocol: elbv2.ApplicationProtocol.HTTP }),
      });
      this.loadBalancer.connections.allowFrom(
        ec2.Peer.ipv4(vpc.vpcCidrBlock),
        ec2.Port.tcp(testPort),
        'Test listener, from inside the VPC',
      );
      testRule = new elbv2.ApplicationListenerRule(this, 'TestRule', {
        listener: testListener,
        priority: spec.loadBalancer.rulePriority,
        conditions: [elbv2.ListenerCondition.pathPatterns([spec.loadBalancer.rulePathPattern])],
        action: forward(),
      });
    }

    this.service = new ecs.FargateService(this, 'Resource', {
      cluster: props.cluster,
      serviceName: props.serviceName,
      taskDefinition: this.taskDefinition,
      // With autoscaling, a DesiredCount in the template would reset the scaled count on every
      // update (aws/aws-cdk#13130). Left out, CloudFormation creates the service with 1 task and
      // leaves the count alone on updates; registering the scalable target raises it to minCount.
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ecs-service.html#cfn-ecs-service-desiredcount
      // https://docs.aws.amazon.com/autoscaling/application/userguide/getting-started.html
      desiredCount: props.scaling ? undefined : (props.desiredCount ?? 2),
      assignPublicIp: false,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      minHealthyPercent: settings.minimumHealthyPercent,
      maxHealthyPercent: settings.maximumPercent,
      deploymentStrategy: ecs.DeploymentStrategy[settings.strategy],
      bakeTime: deployment.bakeMinutes !== undefined ? CdkDuration.minutes(deployment.bakeMinutes) : undefined,
      canaryConfiguration: deployment.canary && {
        stepPercent: deployment.canary.stepPercent,
        stepBakeTime: CdkDuration.minutes(deployment.canary.stepBakeMinutes),
      },
      linearConfiguration: deployment.linear && {
        stepPercent: deployment.linear.stepPercent,
        stepBakeTime: CdkDuration.minutes(deployment.linear.stepBakeMinutes),
      },
      circuitBreaker: deployment.circuitBreaker ? { enable: true, rollback: true } : undefined,
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      healthCheckGracePeriod: seconds(spec.healthCheckGracePeriod),
    });
    this.service.connections.allowFrom(this.loadBalancer, ec2.Port.tcp(props.containerPort), 'Load balancer to tasks');

    if (this.alternateTargetGroup && testRule) {
      const target = this.service.loadBalancerTarget({
        containerName: CONTAINER_NAME,
        containerPort: props.containerPort,
        alternateTarget: new ecs.AlternateTarget('AlternateTarget', {
          alternateTargetGroup: this.alternateTargetGroup,
          productionListener: ecs.ListenerRuleConfiguration.applicationListenerRule(productionRule),
          testListener: ecs.ListenerRuleConfiguration.applicationListenerRule(testRule),
        }),
      });
      target.attachToApplicationTargetGroup(this.primaryTargetGroup);
      acknowledge(this.service, ACKNOWLEDGEMENTS.ecsLoadBalancerRole);
    } else {
      this.service.attachToApplicationTargetGroup(this.primaryTargetGroup);
    }
    this.service.node.addDependency(productionRule);
    if (settings.strategy === 'CANARY' || settings.strategy === 'LINEAR') {
      // ECS documents the circuit breaker (and alarm rollback) for rolling update and blue/green
      // only (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-failure-detection.html):
      // a canary whose tasks crash is caught by the per-target-group connection errors when it
      // takes traffic, and before that by the test-listener lifecycle hook (DeploymentStack warns without one).
      Annotations.of(this.service).acknowledgeWarning(
        '@aws-cdk/aws-ecs:shouldUseCircuitBreaker',
        'ECS offers no circuit breaker for canary and linear deployments; the deployment alarms (with connection errors per target group) and the test-listener hook fail them instead',
      );
    }

    // Rendered by hand rather than through enableDeploymentAlarms(), which drops alarms (aws/aws-cdk#36308).
    (props.deploymentAlarms ?? []).forEach((a) => this.addDeploymentAlarm(a));
    (this.service.node.defaultChild as ecs.CfnService).addPropertyOverride(
      'DeploymentConfiguration.Alarms',
      Lazy.any({
        produce: () =>
          this.deploymentAlarms.length === 0
            ? undefined
            : { AlarmNames: this.deploymentAlarms.map((a) => a.alarmName), Enable: true, Rollback: true },
      }),
    );

    if (props.scaling) {
      this.service
        .autoScaleTaskCount({ minCapacity: props.scaling.minCount, maxCapacity: props.scaling.maxCount })
        .scaleOnCpuUtilization('CpuScaling', { targetUtilizationPercent: props.scaling.targetCpuPercent });
    }

    this.signals = this.buildSignals();

    if (testRule) {
      const rules = [productionRule, testRule];
      const groups = [this.primaryTargetGroup, this.alternateTargetGroup!];
      // Rendering the rules is most of the cost. `Lazy.string` keeps the value the output resolved
      // to (at the latest when the template is written); the runbook, rendered during synthesis,
      // reuses it instead of rendering the rules again, and so always states the template's value.
      let synthesized: string | undefined;
      this.routingFingerprint = () => synthesized ?? trafficRoutingFingerprint(rules, [this.listener], groups);
      // The deployed value tells the runbook's pre-deployment guard whether an update would rewrite the rules.
      new CfnOutput(this, 'TrafficRouting', {
        description: 'Fingerprint of the listener rules ECS shifts traffic on; a change means the update resets live weights',
        value: Lazy.string({ produce: () => (synthesized = trafficRoutingFingerprint(rules, [this.listener], groups)) }),
      }).overrideLogicalId('TrafficRouting');
    }
  }

  /** Rolls deployments back when `alarm` fires during the rollout or bake time. */
  public addDeploymentAlarm(alarm: cloudwatch.IAlarm): void {
    this.deploymentAlarms.push(alarm);
  }

  private buildSignals(): ServiceSignals {
    return fargateServiceSignals({
      loadBalancer: this.loadBalancer,
      targetGroups: [this.primaryTargetGroup, ...(this.alternateTargetGroup ? [this.alternateTargetGroup] : [])],
      clusterName: this.clusterName,
      serviceName: this.props.serviceName,
      minimumRequests: this.props.minimumRequests,
    });
  }

  /**
   * How long one deployment of this service runs with its strategy, from start to the old
   * revision stopping: every step's bake and the final bake, plus 10m for starting, health-checking
   * and draining tasks. Waits in the runbook poll this long.
   */
  public get deploymentDuration(): Duration {
    return ecsDeploymentDuration(this.settings);
  }

  /** The ECS part of the runbook (text in lib/runbook/platforms/ecs.ts). */
  public runbookFacts(): RunbookFacts {
    return ecsServiceRunbookFacts({
      region: literalRegion(this),
      stack: Stack.of(this).stackName,
      cluster: this.clusterName,
      service: this.props.serviceName,
      settings: this.settings,
      schedule: this.props.schedule,
      routingFingerprint: this.routingFingerprint?.(),
      deploymentAlarms: this.deploymentAlarms.flatMap((a) => literalName(a, a.alarmName, 'alarmName') ?? []),
    });
  }
}
