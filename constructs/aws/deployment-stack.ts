import * as path from 'node:path';
import {
  Annotations,
  ArnFormat,
  type CfnElement,
  CfnOutput,
  Duration as CdkDuration,
  RemovalPolicy,
  Stack,
  Tags,
  Validations,
  type StackProps,
} from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53Targets from 'aws-cdk-lib/aws-route53-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { HeartbeatSource } from '../../lib/model/dead-mans-switch';
import { RetentionPolicy, type EnvironmentDefinition } from '../../lib/model/environment';
import { DefinitionError } from '../../lib/model/problems';
import { TlsMode, type Tls } from '../../lib/model/tls';
import { environmentOf, type ServiceDefinition } from '../../lib/model/service-definition';
import { planAwsRollout } from '../../lib/plan/rollout-plan';
import { ResourceNames } from '../../lib/plan/names';
import { rollbackBudgetFindings, scheduleFindings, StrictFindings } from '../../lib/plan/strictness';
import { detectionReport, type DetectionReport } from '../../lib/plan/detection/detection-plan';
import { Backend, type CompiledSchedule } from '../../lib/plan/schedule';
import { awsStackRunbookFacts } from '../../lib/runbook/platforms/aws-stack';
import { awsLevelBounds } from '../../lib/runbook/platforms/aws-bounds';
import { runbookFileName, runbookUrl } from '../../lib/runbook/anchors';
import { releaseCommit } from './private/release-commit';
import { RunbookFile } from './private/runbook-file';
import { awsCliOf, literalRegion } from './private/aws-cli';
import { RunbookTarget, type IRunbookContributor, type RollbackLevelFact, type RunbookFacts } from '../../lib/runbook/facts';
import type { SmokeCheckSpec } from '../../lib/smoke/check';
import { platformSmokeTests } from '../../lib/smoke/inline';
import { AlarmSet } from './alarm-set';
import { AlertTopics } from './alert-topics';
import { AppConfigFeatureFlags } from './app-config-feature-flags';
import { ProgressiveFunction } from './progressive-function';
import { DeadMansSwitch } from './dead-mans-switch';
import { HealthProbe, HealthProbeTarget } from './health-probe';
import { ManagedSecret } from './managed-secret';
import { MigrationTask } from './migration-task';
import { ProgressiveFargateService } from './progressive-fargate-service';
import { StageIndependentNames } from './private/stage-independent-names';
import { ServiceDashboard } from './service-dashboard';
import type { ServiceSignals } from './service-signals';
import { SmokeTestHook, SmokeTestTarget } from './smoke-test-hook';

/** Props for `DeploymentStack`. */
export interface DeploymentStackProps extends StackProps {
  /** The validated definition (`defineService`, `loadDefinitionFile`). */
  readonly definition: ServiceDefinition;
  /** Which of its environments this stack deploys. */
  readonly environment: string;
  /** VPC to run containers in. @default - a new VPC with two AZs and flow logs */
  readonly vpc?: ec2.IVpc;
  /**
   * Existing ECS cluster to run containers in; the load balancer goes into its VPC. Its name must
   * be known at synthesis (imported, or created with `clusterName`) for the runbook's commands.
   * @default - a new cluster named after the service, in `vpc`
   */
  readonly cluster?: ecs.ICluster;
}

/**
 * Everything one service needs to ship safely to one environment, from its definition: the
 * workload with its progressive rollout (ECS native deployments or Lambda + CodeDeploy), alarms
 * that page, notify and roll back, a dead-man's switch, encrypted alert topics, rotated secrets
 * and a dashboard. Physical names derive from the definition (`checkout-prod`), so the runbook
 * rendered from this stack names real resources.
 */
export class DeploymentStack extends Stack implements IRunbookContributor {
  /** The resolved environment this stack deploys. */
  public readonly environmentDefinition: EnvironmentDefinition;
  /** Physical names used by this stack. */
  public readonly names: ResourceNames;
  /** The rollout schedule that will really run. */
  public readonly schedule: CompiledSchedule;
  /** Alert routes. */
  public readonly topics: AlertTopics;
  /** Alarms from the policy (absent when the environment disables alarms). */
  public readonly alarms?: AlarmSet;
  /** The dead-man's switch (absent when disabled). */
  public readonly deadMansSwitch?: DeadMansSwitch;
  /** The container service, for container workloads. */
  public readonly containerService?: ProgressiveFargateService;
  /** The function, for function workloads. */
  public readonly canaryFunction?: ProgressiveFunction;
  /** The definition this stack was built from. */
  public readonly definition: ServiceDefinition;
  /** Feature flags in AppConfig (present when the definition declares flags). */
  public readonly featureFlags?: AppConfigFeatureFlags;
  /** The in-platform smoke tests (present when the definition has smoke tests and the rollout has a test step). */
  public readonly smokeTestHook?: SmokeTestHook;
  /** Database migrations, in definition order. */
  public readonly migrations: readonly MigrationTask[] = [];
  private readonly levelBounds: { level2: RollbackLevelFact['bound']; level3: RollbackLevelFact['bound'] };
  /** Inside a pipeline stage: maps path-derived names to the standalone stack's. */
  private stageIndependentNames?: StageIndependentNames;

  constructor(scope: Construct, id: string, props: DeploymentStackProps) {
    const env = environmentOf(props.definition, props.environment);
    const names = new ResourceNames(props.definition.service, env.name);
    super(scope, id, {
      stackName: names.stack,
      description: `${props.definition.service} (${env.name}): deployment stack generated by glidepath`,
      env: props.env ?? (env.account || env.region ? { account: env.account, region: env.region } : undefined),
      ...props,
    });
    const def = props.definition;
    this.definition = def;
    this.findings = new StrictFindings(def.strict);
    // `cdk deploy <stack>` and the pipeline deploy the same stack: it must not depend on where it sits.
    if (StageIndependentNames.isStaged(this)) {
      this.stageIndependentNames = new StageIndependentNames(this);
    }
    this.environmentDefinition = env;
    this.names = names;
    Tags.of(this).add('glidepath:service', def.service);
    Tags.of(this).add('glidepath:environment', env.name);
    Tags.of(this).add('glidepath:team', def.owners.team);
    // The runbook the alarms link to, written into the cloud assembly on synthesis.
    new RunbookFile(this, 'Runbook', {
      relativePath: `runbooks/${runbookFileName(def.service, env.name, RunbookTarget.AWS)}`,
      title: `Runbook: ${this.stackName}`,
      budgets: def.rollbackBudgets,
    });
    // Level 3 of the runbook reverts this commit; it reads it from the deployed stack.
    new CfnOutput(this, 'ReleaseCommit', {
      value: releaseCommit(),
      description: 'Commit this stack was synthesized from (level 3 of the runbook reverts it)',
    });

    // Retained data outlives updates and deletion, but not the rollback of a failed first create
    // (DeletionPolicy RetainExceptOnCreate): with plain Retain, the named log groups and secrets
    // a failed create leaves behind make the retry fail with "already exists".
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html
    const removalPolicy = env.retention === RetentionPolicy.RETAIN ? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE : RemovalPolicy.DESTROY;
    const logRetention = env.production ? logs.RetentionDays.ONE_YEAR : logs.RetentionDays.ONE_MONTH;
    const link = (anchor: string) =>
      runbookUrl({ service: def.service, environment: env.name, target: RunbookTarget.AWS, baseUrl: def.runbookBaseUrl }, anchor);

    this.topics = new AlertTopics(this, 'AlertTopics', { namePrefix: names.base, removalPolicy, logRetention, receivers: env.receivers });

    const generated = env.secrets.filter((s) => s.generated);
    const secretsKey =
      generated.length > 0
        ? new kms.Key(this, 'SecretsKey', { description: `Encrypts the secrets of ${names.base}`, enableKeyRotation: true, removalPolicy })
        : undefined;
    const secrets = env.secrets.map((s) => ({
      envVar: s.envVar,
      secret: s.generated
        ? new ManagedSecret(this, `Secret-${s.name}`, {
            secretName: s.secretName,
            rotationDays: s.rotationDays as number,
            length: s.length,
            encryptionKey: secretsKey,
            removalPolicy,
          }).secret
        : s.kmsKeyArn
          ? // With its key, grantRead adds kms:Decrypt (through Secrets Manager) for the roles that read it.
            secretsmanager.Secret.fromSecretAttributes(this, `Secret-${s.name}`, {
              secretPartialArn: this.formatArn({
                service: 'secretsmanager',
                resource: 'secret',
                resourceName: s.secretName,
                arnFormat: ArnFormat.COLON_RESOURCE_NAME,
              }),
              encryptionKey: kms.Key.fromKeyArn(this, `SecretKey-${s.name}`, s.kmsKeyArn),
            })
          : secretsmanager.Secret.fromSecretNameV2(this, `Secret-${s.name}`, s.secretName),
    }));

    let signals: ServiceSignals;
    let addDeploymentAlarm: (alarm: cloudwatch.IAlarm) => void;
    // What the dead-man's switch probes, the way users reach the service (undefined: no way to probe).
    let probe: { target: HealthProbeTarget; check: SmokeCheckSpec; where: string } | undefined;
    // Where the workload reads its flags (the AppConfig agent sidecar or Lambda extension).
    const flagsEnvironment: Record<string, string> =
      def.featureFlags.length > 0 ? { GLIDEPATH_FLAGS_URL: AppConfigFeatureFlags.localUrlOf(names.base, env.name) } : {};
    // The plan decides the backend: ECS for a container, a CodeDeploy-shifted Lambda alias for a function.
    const plan = planAwsRollout(def, env);
    if (plan.backend === Backend.ECS) {
      this.schedule = plan.schedule;
      if (props.cluster && props.vpc) {
        throw new Error(`DeploymentStack ${id}: pass 'cluster' or 'vpc', not both: the service runs in the cluster's VPC`);
      }
      const vpc = (): ec2.IVpc =>
        props.vpc ??
        new ec2.Vpc(this, 'Vpc', {
          maxAzs: 2,
          natGateways: env.production ? 2 : 1,
          flowLogs: {
            all: {
              trafficType: ec2.FlowLogTrafficType.REJECT,
              // An explicit log group, so flow logs follow the environment's retention like every other log group.
              destination: ec2.FlowLogDestination.toCloudWatchLogs(
                new logs.LogGroup(this, 'FlowLogs', { retention: logRetention, removalPolicy }),
              ),
            },
          },
        });
      const cluster =
        props.cluster ??
        new ecs.Cluster(this, 'Cluster', {
          vpc: vpc(),
          clusterName: names.base,
          containerInsightsV2: ecs.ContainerInsights.ENABLED,
        });
      const container = def.workload.container!;
      const tls = this.tlsOf(env);
      this.containerService = new ProgressiveFargateService(this, 'Service', {
        minimumRequests: this.detectionOf(env).report?.cloudWatchGate?.minimumRequests,
        cluster,
        serviceName: names.base,
        image: container.image,
        containerPort: container.port,
        healthCheckPath: container.healthCheckPath,
        cpu: container.cpu,
        memoryMiB: container.memoryMiB,
        desiredCount: env.capacity.desiredCount,
        scaling: env.capacity.scaling,
        deployment: plan.settings,
        schedule: plan.schedule,
        environment: { ...container.environment, ...flagsEnvironment },
        secrets,
        logRetention,
        removalPolicy,
        certificate: tls.certificate,
        user: container.user,
      });
      const serviceUrl = this.pointDomain(tls, this.containerService);
      // An HTTPS service is probed by its name (the certificate's); without one the probe could not verify it.
      const httpsWithoutName = tls.tls !== undefined && tls.tls.mode !== TlsMode.DISABLED && !tls.tls.domainName;
      probe = httpsWithoutName
        ? undefined
        : {
            target: HealthProbeTarget.url(serviceUrl),
            check: { name: 'health', method: 'GET', path: container.healthCheckPath, expectedStatus: 200, maxLatencyMs: 5000, headers: {} },
            where: tls.tls?.domainName
              ? `\`https://${tls.tls.domainName}${container.healthCheckPath}\``
              : `\`${container.healthCheckPath}\` through the load balancer`,
          };
      signals = this.containerService.signals;
      const service = this.containerService;
      this.migrations = def.migrations.map(
        (m) =>
          new MigrationTask(this, `Migration-${m.name}`, {
            migration: m,
            cluster,
            clusterName: names.base,
            serviceName: names.base,
            family: `${names.base}-migrate-${m.name}`,
            subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
            securityGroups: service.service.connections.securityGroups,
            secrets,
            environment: container.environment,
            logRetention,
            removalPolicy,
            user: container.user,
          }),
      );
      // Expand migrations finish before ECS starts a single task of the new revision. Only the
      // service resource waits: its security group is an input of the migrations.
      const serviceResource = service.service.node.defaultChild as ecs.CfnService;
      this.migrations.filter((m) => m.runner).forEach((m) => serviceResource.node.addDependency(m.runner!));
      if (!def.smokeTests && (plan.settings.strategy === 'CANARY' || plan.settings.strategy === 'LINEAR')) {
        Annotations.of(this).addWarningV2(
          'glidepath:canary-without-hook',
          `${names.base}: ECS has no circuit breaker for ${plan.settings.strategy.toLowerCase()} deployments, so a new revision whose tasks crash before taking traffic trips no alarm and the deployment waits; add smokeTests so the test-listener hook fails it before production traffic shifts`,
        );
      }
      if (def.smokeTests && service.testListenerPort !== undefined) {
        this.smokeTestHook = new SmokeTestHook(this, 'SmokeTests', {
          functionName: `${names.base}-smoke-tests`,
          tests: def.smokeTests,
          target: SmokeTestTarget.testListener({
            loadBalancer: service.loadBalancer,
            port: service.testListenerPort,
            vpc: cluster.vpc,
            tls: tls.certificate ? { serverName: tls.tls?.domainName } : undefined,
          }),
          logRetention,
          removalPolicy,
        });
        service.service.addLifecycleHook(this.smokeTestHook.ecsLifecycleHook());
      }
      new CfnOutput(this, 'ServiceUrl', {
        description: 'Where users reach the service (the smoke tests in the runbook call it)',
        value: serviceUrl,
      });
      addDeploymentAlarm = (a) => this.containerService?.addDeploymentAlarm(a);
    } else {
      const fn = def.workload.function!;
      this.schedule = plan.schedule;
      this.canaryFunction = new ProgressiveFunction(this, 'Function', {
        minimumRequests: this.detectionOf(env).report?.cloudWatchGate?.minimumRequests,
        functionName: names.base,
        runtime: lambdaRuntime(fn.runtime),
        handler: fn.handler,
        code: lambda.Code.fromAsset(path.resolve(def.baseDirectory, fn.code)),
        memoryMiB: fn.memoryMiB,
        timeout: CdkDuration.seconds(fn.timeout.toSeconds()),
        environment: { ...fn.environment, ...flagsEnvironment },
        secrets,
        routing: plan.routing,
        schedule: plan.schedule,
        logRetention,
        removalPolicy,
      });
      signals = this.canaryFunction.signals;
      addDeploymentAlarm = (a) => this.canaryFunction?.addRollbackAlarm(a);
      // A function has no URL in this stack: the probe invokes the live alias with the first smoke check.
      const [first] = def.smokeTests ? platformSmokeTests(def.smokeTests).checks : [];
      probe = first
        ? {
            target: HealthProbeTarget.functionAlias(this.canaryFunction.alias),
            check: first,
            where: `the live alias (smoke check ${first.name})`,
          }
        : undefined;
      if (def.smokeTests) {
        this.smokeTestHook = new SmokeTestHook(this, 'SmokeTests', {
          functionName: `${names.base}-smoke-tests`,
          tests: def.smokeTests,
          target: SmokeTestTarget.functionVersion(this.canaryFunction.function.currentVersion),
          logRetention,
          removalPolicy,
        });
        this.canaryFunction.deploymentGroup.addPreHook(this.smokeTestHook.function);
        const hookId = this.getLogicalId(this.smokeTestHook.function.node.defaultChild as lambda.CfnFunction);
        Validations.of(this.canaryFunction.deploymentGroup).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${hookId}.Arn>:*]`,
          reason:
            'aws-cdk-lib lets CodeDeploy invoke the pre-traffic hook function and its versions; it is one function in this stack that only runs the smoke tests',
        });
      }
    }
    this.reportDeviations(def, env);

    const aws = awsCliOf(this);
    const diagnosis = [
      {
        description: 'Read the most recent errors in the logs',
        command: aws`logs tail ${this.containerService ? `/ecs/${names.base}` : `/aws/lambda/${names.base}`} --since 30m --filter-pattern ERROR`,
      },
    ];
    if (env.alarms.enabled) {
      this.alarms = new AlarmSet(this, 'Alarms', {
        namePrefix: names.base,
        policy: env.alarms,
        signals,
        criticalTopic: this.topics.critical,
        warningTopic: this.topics.warning,
        runbookLink: link,
        diagnosis,
      });
      this.alarms.deploymentAlarms.forEach(addDeploymentAlarm);
    }
    if (env.deadMansSwitch.enabled) {
      const own = env.deadMansSwitch.source === HeartbeatSource.HEARTBEAT;
      // Independent of user traffic: a probe each minute, so silence means unreachable, not quiet.
      const prober =
        !own && probe
          ? new HealthProbe(this, 'HealthProbe', {
              serviceName: names.base,
              functionName: names.healthProbeFunction,
              target: probe.target,
              check: probe.check,
              logRetention,
              removalPolicy,
            })
          : undefined;
      if (!own && !prober) {
        Annotations.of(this).addWarningV2(
          'glidepath:dead-mans-switch',
          this.containerService
            ? `${names.base}: the dead-man's switch watches CPU samples, which prove that tasks run, not that users reach the service; set tls.domainName so a probe can call it by the certificate's name`
            : `${names.base}: the dead-man's switch watches invocations, which stop on a quiet night as when the function is down; add smokeTests so a probe can invoke the live alias each minute`,
        );
      }
      const heartbeat = own
        ? new cloudwatch.Metric({ namespace: 'Glidepath', metricName: 'Heartbeat', dimensionsMap: { Service: names.base } })
        : (prober?.metric ?? signals.heartbeat);
      this.deadMansSwitch = new DeadMansSwitch(this, 'DeadMansSwitch', {
        alarmName: names.alarm('dead-mans-switch'),
        heartbeat,
        heartbeatDescription: own
          ? `metric Glidepath/Heartbeat (Service=${names.base}) published by the service`
          : prober
            ? `passing health probes of ${probe!.where} (each minute, by ${names.healthProbeFunction})`
            : this.containerService
              ? `ECS CPUUtilization samples of ${names.base}`
              : `Lambda invocations of ${names.base}`,
        missingMinutes: env.deadMansSwitch.missingFor.toMinutes(),
        topic: this.topics.critical,
        runbookLink: link,
        diagnosis: [
          ...(prober
            ? [
                {
                  description: 'Read what the probe saw',
                  command: aws`logs tail ${names.lambdaLogGroup(names.healthProbeFunction)} --since 15m`,
                  expected: 'One line a minute; "passed": false with the reason when the check fails',
                },
              ]
            : []),
          ...(this.containerService
            ? [
                {
                  description: 'Count running tasks',
                  command: aws`ecs describe-services --cluster ${this.containerService.clusterName} --services ${names.base} --query 'services[0].[desiredCount,runningCount]' --output text`,
                  expected: 'Running equals desired; 0 running means the service is down',
                },
              ]
            : diagnosis),
        ],
      });
    }
    if (def.featureFlags.length > 0) {
      this.featureFlags = new AppConfigFeatureFlags(this, 'FeatureFlags', {
        applicationName: names.base,
        environmentName: env.name,
        flags: def.featureFlags,
        monitors: this.alarms ? [this.alarms.rollback, ...this.alarms.critical] : [],
        budget: def.rollbackBudgets.featureFlag,
      });
      if (this.containerService) {
        this.featureFlags.addAgentSidecar(this.containerService.taskDefinition, {
          logGroup: new logs.LogGroup(this, 'AppConfigAgentLogs', {
            logGroupName: `/ecs/${names.base}/appconfig-agent`,
            retention: logRetention,
            removalPolicy,
          }),
          user: def.workload.container?.user,
        });
      } else if (this.canaryFunction) {
        this.featureFlags.attachLambdaExtension(this.canaryFunction.function, names.base, this.canaryFunction.aliasName);
      }
    }
    new ServiceDashboard(this, 'Dashboard', {
      dashboardName: names.base,
      signals,
      alarms: [
        ...(this.alarms ? [...this.alarms.critical, ...this.alarms.warning, this.alarms.rollback] : []),
        ...(this.deadMansSwitch ? [this.deadMansSwitch.alarm] : []),
      ],
    });
    this.levelBounds = this.computeBounds(def);
    this.findings.refuse();
    // Log retention and encryption, stated per environment (AWS Control Tower CT.LOGS.PR.2 asks for a customer-managed key).
    Validations.of(this).acknowledge({
      id: 'CT.LOGS.PR.2',
      reason:
        `Log groups of ${names.base} keep ${env.production ? 'one year' : 'one month'} of logs (${env.production ? 'production' : 'non-production'} retention) and are encrypted at rest by CloudWatch Logs with AWS-owned keys; ` +
        'they hold no secret values (secrets reach the workload by reference), so a customer-managed key would add a key policy to keep right without protecting anything more',
    });
  }

  /**
   * The certificate of the environment's load balancer. Production refuses plain HTTP unless the
   * definition disables TLS with a reason, which is then acknowledged on the listener (accepted risks).
   */
  private tlsOf(env: EnvironmentDefinition): { tls?: Tls; certificate?: elbv2.IListenerCertificate } {
    const tls = env.tls;
    if (!tls && env.production) {
      const path = `environments[${env.order}].tls`;
      throw new DefinitionError([
        {
          path,
          message:
            `${path} is not set; production environment "${env.name}" serves users through an internet-facing load balancer and needs HTTPS: ` +
            'set "tls.certificateArn", or "tls.domainName" with "tls.hostedZoneId" and "tls.hostedZoneName" to issue a DNS-validated certificate, ' +
            'or "tls: { enabled: false, reason: ... }" to accept plain HTTP',
        },
      ]);
    }
    switch (tls?.mode) {
      case TlsMode.CERTIFICATE:
        return { tls, certificate: elbv2.ListenerCertificate.fromArn(tls.certificateArn!) };
      case TlsMode.DNS_VALIDATED: {
        const certificate = new acm.Certificate(this, 'Certificate', {
          domainName: tls.domainName!,
          validation: acm.CertificateValidation.fromDns(this.hostedZone(tls)),
        });
        return { tls, certificate: elbv2.ListenerCertificate.fromCertificateManager(certificate) };
      }
      default:
        return { tls };
    }
  }

  private hostedZone(tls: Tls): route53.IHostedZone {
    return (
      (this.node.tryFindChild('HostedZone') as route53.IHostedZone | undefined) ??
      route53.HostedZone.fromHostedZoneAttributes(this, 'HostedZone', { hostedZoneId: tls.hostedZone!.id, zoneName: tls.hostedZone!.name })
    );
  }

  /** Points the environment's domain at the load balancer, acknowledges plain HTTP, and returns the service URL. */
  private pointDomain(settings: { tls?: Tls }, service: ProgressiveFargateService): string {
    const tls = settings.tls;
    if (tls?.mode === TlsMode.DISABLED) {
      Validations.of(service.listener).acknowledge({ id: 'glidepath-https', reason: `Plain HTTP on purpose: ${tls.reason}` });
    }
    if (tls?.domainName && tls.hostedZone) {
      new route53.ARecord(this, 'DomainRecord', {
        zone: this.hostedZone(tls),
        recordName: tls.domainName,
        target: route53.RecordTarget.fromAlias(new route53Targets.LoadBalancerTarget(service.loadBalancer)),
      });
    }
    const https = tls !== undefined && tls.mode !== TlsMode.DISABLED;
    return `${https ? 'https' : 'http'}://${tls?.domainName ?? service.loadBalancer.loadBalancerDnsName}`;
  }

  protected allocateLogicalId(element: CfnElement): string {
    return this.stageIndependentNames ? this.stageIndependentNames.logicalId(element) : super.allocateLogicalId(element);
  }

  /** Detection power of the rollback alarm at the declared traffic, and its per-period request gate (lib/plan/detection). */
  private detectionOf(env: EnvironmentDefinition): { report?: DetectionReport } {
    this.detection ??= {
      report: detectionReport(env, {
        label: `${this.definition.service}-${env.name}`,
        environmentIndex: env.order,
        schedule: this.schedule,
      }),
    };
    return this.detection;
  }

  private detection?: { report?: DetectionReport };

  /** Schedule, detection and budget findings; strict mode refuses them all at once when the stack is built. */
  private readonly findings: StrictFindings;

  private reportDeviations(def: ServiceDefinition, env: EnvironmentDefinition): void {
    if (def.strict) this.findings.warn(scheduleFindings(this.schedule, env, def.service));
    else {
      for (const deviation of this.schedule.deviations) {
        Annotations.of(this).addWarningV2('glidepath:schedule', `${this.names.base}: ${deviation}`);
      }
    }
    // Waits the platform does not hold are in the runbook's rollout section, not on the console:
    // `cdk synth` stays quiet unless something needs the user (and a pipeline stage would repeat them).
    const detection = this.detectionOf(env).report;
    for (const note of detection?.notes ?? []) Annotations.of(this).addWarningV2('glidepath:traffic', note);
    for (const warning of this.findings.warn(detection?.findings ?? [])) Annotations.of(this).addWarningV2('glidepath:detection', warning);
  }

  /**
   * Rollback bounds (lib/runbook/platforms/aws-bounds.ts), checked against the budgets. Level 2 stops an in-flight deployment (traffic returns
   * to the previous version at once) or redeploys the previous revision through the same schedule;
   * level 3 adds a stack update. Only the time until all traffic is on the good version counts.
   */
  private computeBounds(def: ServiceDefinition) {
    const { level2, level3 } = awsLevelBounds(this.schedule, this.containerService !== undefined, def.rollbackBudgets);
    // The same rule on every target: over budget warns, or fails in strict mode (lib/plan/strictness).
    const level1 = this.featureFlags?.runbookFacts().rollback?.find((l) => l.level === 1)?.bound;
    const findings = rollbackBudgetFindings(this.names.base, [
      { level: 1, bound: level1 },
      { level: 2, bound: level2 },
      { level: 3, bound: level3 },
    ]);
    for (const warning of this.findings.warn(findings)) {
      Annotations.of(this).addWarningV2('glidepath:rollback-budget', `${warning} (the runbook's rollback ladder has the steps)`);
    }
    return { level2, level3 };
  }

  /** The stack's part of the runbook: context, deploy, level 3, smoke (text in lib/runbook/platforms/aws-stack.ts). */
  public runbookFacts(): RunbookFacts {
    return {
      ...this.stackRunbookFacts(),
      detection: this.detectionOf(this.environmentDefinition).report,
    };
  }

  private stackRunbookFacts(): RunbookFacts {
    return awsStackRunbookFacts({
      definition: this.definition,
      environment: this.environmentDefinition,
      stack: this.names.stack,
      region: literalRegion(this),
      names: this.names,
      backend: this.containerService ? Backend.ECS : Backend.LAMBDA_CODEDEPLOY,
      flagsContributeLevel1: this.featureFlags !== undefined,
      bounds: this.levelBounds,
      cluster: this.containerService?.clusterName,
    });
  }
}

/**
 * The aws-cdk-lib runtime of a name. Reuses the library's instance where there is one: every
 * `new lambda.Runtime()` is appended to the global `Runtime.ALL`, which would make two syntheses in
 * one process differ.
 */
function lambdaRuntime(name: string): lambda.Runtime {
  return lambda.Runtime.ALL.find((r) => r.name === name && r.family !== undefined) ?? new lambda.Runtime(name, lambda.RuntimeFamily.NODEJS);
}
