import { Annotations, type CfnElement, CfnOutput, RemovalPolicy, Stack, Tags, type StackProps } from 'aws-cdk-lib/core';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { RetentionPolicy, type EnvironmentDefinition } from '../../lib/model/environment';
import { TlsMode } from '../../lib/model/tls';
import { environmentOf, type ServiceDefinition } from '../../lib/model/service-definition';
import { planAwsRollout } from '../../lib/plan/rollout/rollout-plan';
import { ResourceNames } from '../../lib/plan/names';
import { rollbackBudgetFindings, scheduleFindings, StrictFindings } from '../../lib/plan/strictness';
import { detectionReport, type DetectionReport } from '../../lib/plan/detection/detection-plan';
import { Backend, type CompiledSchedule } from '../../lib/plan/rollout/schedule';
import { awsStackRunbookFacts } from '../../lib/runbook/platforms/aws-stack';
import { awsLevelBounds } from '../../lib/runbook/platforms/aws-bounds';
import { runbookFileName, runbookUrl } from '../../lib/runbook/anchors';
import { releaseCommit } from './private/release-commit';
import { RunbookFile } from './private/runbook-file';
import { awsCliOf, literalRegion } from './private/aws-cli';
import { environmentSecrets } from './private/environment-secrets';
import { functionWorkload } from './private/function-workload';
import { serviceCluster } from './private/service-cluster';
import { serviceMigrations } from './private/service-migrations';
import { serviceDeadMansSwitch, type ServiceProbe } from './private/service-dead-mans-switch';
import { pointDomain, stackTls } from './private/stack-tls';
import { type IRunbookContributor, type RollbackLevelFact, type RunbookFacts } from '../../lib/runbook/facts';
import { Target } from '../../lib/targets/target';
import { containerTaskInputOf } from '../../lib/plan/container-task-spec';
import { AlarmSet } from './alarm-set';
import { AlertTopics } from './alert-topics';
import { AppConfigFeatureFlags } from './app-config-feature-flags';
import type { ProgressiveFunction } from './progressive-function';
import type { DeadMansSwitch } from './dead-mans-switch';
import { HealthProbeTarget } from './health-probe';
import type { MigrationTask } from './migration-task';
import { ProgressiveFargateService } from './progressive-fargate-service';
import { StageIndependentNames } from './private/stage-independent-names';
import { ServiceDashboard } from './service-dashboard';
import type { ServiceSignals } from './service-signals';
import { SmokeTestHook, SmokeTestTarget } from './smoke-test-hook';
import { ACKNOWLEDGEMENTS } from '../../lib/runbook/platforms/aws-accepted-risks';
import { acknowledge } from './private/acknowledge';

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
      relativePath: `runbooks/${runbookFileName(def.service, env.name, Target.AWS)}`,
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
      runbookUrl({ service: def.service, environment: env.name, target: Target.AWS, baseUrl: def.runbookBaseUrl }, anchor);

    this.topics = new AlertTopics(this, 'AlertTopics', { namePrefix: names.base, removalPolicy, logRetention, receivers: env.receivers });

    const secrets = environmentSecrets(this, env, names, removalPolicy);

    let signals: ServiceSignals;
    let addDeploymentAlarm: (alarm: cloudwatch.IAlarm) => void;
    // What the dead-man's switch probes, the way users reach the service (undefined: no way to probe).
    let probe: ServiceProbe | undefined;
    // Where the workload reads its flags (the AppConfig agent sidecar or Lambda extension).
    const flagsEnvironment: Record<string, string> =
      def.featureFlags.length > 0 ? { GLIDEPATH_FLAGS_URL: AppConfigFeatureFlags.localUrlOf(names.base, env.name) } : {};
    // The plan decides the backend: ECS for a container, a CodeDeploy-shifted Lambda alias for a function.
    const plan = planAwsRollout(def, env);
    if (plan.backend === Backend.ECS) {
      this.schedule = plan.schedule;
      const cluster = serviceCluster(this, {
        stackId: id,
        environment: env,
        names,
        vpc: props.vpc,
        cluster: props.cluster,
        logRetention,
        removalPolicy,
      });
      const container = def.workload.container!;
      const tls = stackTls(this, env);
      this.containerService = new ProgressiveFargateService(this, 'Service', {
        minimumRequests: this.detectionOf(env).report?.cloudWatchGate?.minimumRequests,
        cluster,
        ...containerTaskInputOf(names.base, container),
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
      const serviceUrl = pointDomain(this, tls, this.containerService);
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
      // Expand migrations finish before ECS starts a single task of the new revision.
      this.migrations = serviceMigrations(this, { definition: def, names, cluster, service, secrets, logRetention, removalPolicy });
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
      this.schedule = plan.schedule;
      const workload = functionWorkload(this, {
        definition: def,
        names,
        plan,
        flagsEnvironment,
        secrets,
        minimumRequests: this.detectionOf(env).report?.cloudWatchGate?.minimumRequests,
        logRetention,
        removalPolicy,
      });
      this.canaryFunction = workload.canaryFunction;
      this.smokeTestHook = workload.smokeTestHook;
      probe = workload.probe;
      signals = this.canaryFunction.signals;
      addDeploymentAlarm = (a) => this.canaryFunction?.addRollbackAlarm(a);
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
      this.deadMansSwitch = serviceDeadMansSwitch(this, {
        environment: env,
        names,
        probe,
        signals,
        containerService: this.containerService,
        topic: this.topics.critical,
        runbookLink: link,
        diagnosis,
        logRetention,
        removalPolicy,
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
    acknowledge(this, ACKNOWLEDGEMENTS.logGroups(names.base, env.production));
  }

  /**
   * aws-cdk-lib asks for an element's logical id (an MD5 of its path) again each time a reference
   * to it is resolved (`CfnElement.logicalId` is an uncached Lazy); the path never changes, so each
   * element's id is computed once. Renames (`renameLogicalId`) still apply: they act after this.
   */
  protected allocateLogicalId(element: CfnElement): string {
    // Created on first use: aws-cdk-lib may ask before this class's fields are initialized.
    this.logicalIds ??= new WeakMap();
    let id = this.logicalIds.get(element);
    if (id === undefined) {
      id = this.stageIndependentNames ? this.stageIndependentNames.logicalId(element) : super.allocateLogicalId(element);
      this.logicalIds.set(element, id);
    }
    return id;
  }

  private logicalIds?: WeakMap<CfnElement, string>;

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
