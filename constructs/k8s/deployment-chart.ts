import { applyStrictness, rollbackBudgetFindings, scheduleFindings, StrictFindings, type PlanFinding } from '../../lib/plan/strictness';
import { detectionReport, type DetectionReport } from '../../lib/plan/detection/detection-plan';
import { ingressUpstreamName } from './private/canary-queries';
import { Chart, type ChartProps } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { HeartbeatSource } from '../../lib/model/dead-mans-switch';
import { Duration } from '../../lib/model/duration';
import { environmentOf, type ServiceDefinition } from '../../lib/model/service-definition';
import type { EnvironmentDefinition } from '../../lib/model/environment';
import { RolloutStrategy } from '../../lib/model/rollout';
import { IngressController } from '../../lib/model/kubernetes';
import { DefinitionError } from '../../lib/model/problems';
import { kubernetesNetworkProblems } from '../../lib/model/validate-kubernetes-network';
import { isContainer, type ContainerWorkload } from '../../lib/model/workload';
import { ResourceNames } from '../../lib/plan/names';
import { backendFor, compileRollout } from '../../lib/plan/rollout-plan';
import { Backend } from '../../lib/plan/schedule';
import { Target } from '../../lib/targets/target';
import type { IRunbookContributor, RunbookFacts } from '../../lib/runbook/facts';
import { RollbackAnalysis } from './analysis-template';
import { ExternalSecrets } from './external-secrets';
import { FeatureFlags } from './feature-flags';
import { kubernetesChartRunbookFacts } from '../../lib/runbook/platforms/kubernetes-chart';
import { MigrationJobs } from './migration-jobs';
import { WorkloadNetworkPolicies } from './network-policies';
import { SmokeTestAnalysis } from './smoke-test-analysis';
import { WorkloadPodMonitor } from './pod-monitor';
import { PrometheusAlerts } from './prometheus-alerts';
import { AlertmanagerRouting } from './alertmanager-routing';
import { receiverSecrets } from '../../lib/model/receivers';
import { PrometheusSignals } from './prometheus-signals';
import { ProgressiveWorkload } from './progressive-workload';
import { ingressOptionsOf, type WorkloadIngressOptions } from './workload-ingress';
import { namespaceOfServiceUrl } from './private/service-url';
import { RolloutStatusAlerts } from './rollout-status-alerts';
import { rateWindow } from './release-bounds';
import { PROGRESS_DEADLINE_SECONDS } from '../../lib/runbook/platforms/kubernetes-workload';

/** Props of a `DeploymentChart`. */
export interface DeploymentChartProps extends Omit<ChartProps, 'namespace'> {
  /** The validated definition. */
  readonly definition: ServiceDefinition;
  /** Name of the environment to render. */
  readonly environment: string;
  /** Prometheus as seen from the Argo Rollouts controller. @default - the environment's `kubernetes.prometheusAddress` */
  readonly prometheusAddress?: string;
  /** Prometheus scrape interval of the workload. @default - the environment's `kubernetes.scrapeInterval` */
  readonly scrapeInterval?: Duration;
  /** The Ingress. @default - the environment's `kubernetes.ingress` */
  readonly ingress?: WorkloadIngressOptions;
  /** HTTP path of the workload's Prometheus metrics. @default - the environment's `kubernetes.metrics.path` */
  readonly metricsPath?: string;
  /**
   * Path of the written manifest, as the runbook's `kubectl apply` and `kubectl diff` name it
   * (relative to the directory the commands run in).
   * @default `k8s/<service>-<environment>.k8s.yaml` (the layout `glidepath synth` writes)
   */
  readonly manifestPath?: string;
  /**
   * The manifest written for the previous release of this environment (its YAML text). The
   * migration reader Role carries the earlier releases' Job names forward from it, so pods of an
   * earlier template (undo, drain) can still read their Job.
   * @default - none: the Role lists this release's Jobs only (the runbook says to keep the written manifest)
   */
  readonly previousManifest?: string;
}

/**
 * Everything one service × environment needs on Kubernetes, composed from a definition: a
 * namespace (`<service>-<environment>`, Pod Security `restricted`), the `ProgressiveWorkload`
 * (Rollout or Deployment, Services, Ingress, PDB, HPA), `ExternalSecrets`, a `WorkloadPodMonitor`,
 * the `RollbackAnalysis` templates and `PrometheusAlerts`.
 *
 * In strict mode a schedule Argo Rollouts cannot run exactly is an error; otherwise the difference
 * is in the runbook's rollout section.
 */
export class DeploymentChart extends Chart implements IRunbookContributor {
  /** The series a service with `deadMansSwitch.source: heartbeat` exposes on its metrics endpoint while it works. */
  public static readonly HEARTBEAT_METRIC = 'glidepath_heartbeat_total';

  /** The rendered environment. */
  public readonly environmentDefinition: EnvironmentDefinition;
  /** The definition the chart renders. */
  public get definition(): ServiceDefinition {
    return this.props.definition;
  }
  /** The namespace every object lives in, e.g. `checkout-prod`. */
  public readonly namespaceName: string;
  public readonly workload: ProgressiveWorkload;
  public readonly alerts: PrometheusAlerts;
  /** Alertmanager routing of the alerts to the declared receivers, when the definition declares any. */
  public readonly alerting?: AlertmanagerRouting;
  /** Present for Rollouts. */
  public readonly analysis?: RollbackAnalysis;
  /** Detection power of the release at the declared traffic, and the analysis settings it chose. */
  public readonly detection?: DetectionReport;
  /** Present when the definition declares secrets. */
  public readonly secrets?: ExternalSecrets;
  public readonly podMonitor: WorkloadPodMonitor;
  /** Present when the definition declares feature flags. */
  public readonly featureFlags?: FeatureFlags;
  /** Present when the definition declares migrations. */
  public readonly migrations?: MigrationJobs;
  /** Present when the definition declares smoke tests and the rollout runs on Argo Rollouts. */
  public readonly smokeTests?: SmokeTestAnalysis;
  /** Default-deny NetworkPolicies with the allowed paths. */
  public readonly networkPolicies: WorkloadNetworkPolicies;
  /** Path of the manifest in the runbook's commands. */
  public readonly manifestPath: string;
  /** Alerts on the Rollout's phase (paused too long, aborted), for Rollouts. */
  public readonly rolloutStatusAlerts?: RolloutStatusAlerts;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: DeploymentChartProps,
  ) {
    super(scope, id, { labels: props.labels, disableResourceNameHashes: props.disableResourceNameHashes });
    const { definition } = props;
    const env = environmentOf(definition, props.environment);
    this.environmentDefinition = env;
    if (!isContainer(definition.workload)) {
      throw new Error(
        `workload.function: service "${definition.service}" is a function; the Kubernetes target runs containers ("workload.container"); render functions with the AWS target`,
      );
    }
    const container: ContainerWorkload = definition.workload.container;
    const names = new ResourceNames(definition.service, env.name);
    const namespace = names.base;
    this.namespaceName = namespace;
    const kube = env.kubernetes;
    const scrapeInterval = props.scrapeInterval ?? kube.scrapeInterval;
    const networkProblems = kubernetesNetworkProblems(definition, env);
    if (networkProblems.length > 0) throw new DefinitionError(networkProblems, `${definition.service} (${env.name}, Kubernetes)`);
    if (kube.metrics.port === container.port) {
      throw new Error(
        `kubernetes.metrics.port is ${kube.metrics.port}, the same as workload.container.port; serve metrics on their own port (e.g. 9090) so they stay out of the Services and the Ingress`,
      );
    }

    new k8s.KubeNamespace(this, 'Namespace', {
      metadata: {
        name: namespace,
        labels: {
          'app.kubernetes.io/part-of': definition.service,
          'glidepath.dev/environment': env.name,
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'v1.28',
        },
      },
    });

    if (env.secrets.length > 0) {
      if (!env.region) {
        throw new Error(
          `environments[${env.order}].region is not set for "${env.name}"; the External Secrets SecretStore needs the AWS region of the Secrets Manager secrets (${env.secrets
            .map((s) => `"${s.secretName}"`)
            .join(', ')}); set "region", e.g. "eu-west-1"`,
        );
      }
      const roleArn = env.kubernetes.secretStoreRoleArn;
      if (roleArn) {
        // An explicit identity for the SecretStore (JWT auth through IRSA), not the operator's own.
        new k8s.KubeServiceAccount(this, 'SecretStoreServiceAccount', {
          metadata: { name: `${namespace}-external-secrets`, namespace, annotations: { 'eks.amazonaws.com/role-arn': roleArn } },
          automountServiceAccountToken: false,
        });
      }
      this.secrets = new ExternalSecrets(this, 'Secrets', {
        namespace,
        name: namespace,
        region: env.region,
        secrets: env.secrets,
        serviceAccountName: roleArn ? `${namespace}-external-secrets` : undefined,
      });
    }

    this.manifestPath = props.manifestPath ?? `k8s/${namespace}.k8s.yaml`;
    if (definition.featureFlags.length > 0) {
      this.featureFlags = new FeatureFlags(this, 'FeatureFlags', {
        name: `${definition.service}-feature-flags`,
        namespace,
        flags: definition.featureFlags,
        budget: definition.rollbackBudgets.featureFlag,
      });
    }

    const selectorLabels = { 'app.kubernetes.io/name': definition.service, 'app.kubernetes.io/instance': namespace };
    this.podMonitor = new WorkloadPodMonitor(this, 'PodMonitor', {
      name: definition.service,
      namespace,
      selector: selectorLabels,
      job: definition.service,
      path: props.metricsPath ?? kube.metrics.path,
      port: 'metrics',
      interval: scrapeInterval,
      labels: { ...kube.monitoringLabels },
    });
    const signals = PrometheusSignals.forWorkload({
      namespace,
      job: definition.service,
      requestsMetric: kube.metrics.requestsMetric,
      statusLabel: kube.metrics.statusLabel,
      durationHistogram: kube.metrics.durationHistogram,
      // The Prometheus counterpart of the CloudWatch Glidepath/Heartbeat metric.
      heartbeatMetric: env.deadMansSwitch.source === HeartbeatSource.HEARTBEAT ? DeploymentChart.HEARTBEAT_METRIC : undefined,
    });

    // The rollout is compiled once, here, and handed to the workload.
    const plan = compileRollout(env, backendFor(definition, Target.KUBERNETES, env));
    // Detection power at the declared traffic: chooses the analysis settings (lib/plan/detection).
    this.detection = detectionReport(env, {
      label: `${definition.service}-${env.name}`,
      environmentIndex: env.order,
      schedule: plan.schedule,
      scrapeInterval,
      minimumRequests: env.kubernetes.declaredMinimumRequests,
    });
    if (plan.backend === Backend.ARGO_ROLLOUTS) {
      const gate = this.detection?.argoGate;
      const interval = gate ? Duration.seconds(gate.intervalSeconds) : env.alarms.rollbackTrigger.evaluation.period;
      const fromFirstShift = plan.schedule.steps.filter((_, i) => i >= plan.schedule.steps.findIndex((x) => x.trafficPercent > 0));
      const stages = env.rollout.stages;
      const blueGreen = env.rollout.strategy === RolloutStrategy.BLUE_GREEN;
      const measurementsIn = (bake: Duration) => Math.max(1, Math.floor(bake.toSeconds() / interval.toSeconds()));
      const test = stages.find((s) => s.trafficPercent === 0);
      this.analysis = new RollbackAnalysis(this, 'Analysis', {
        name: `${definition.service}-rollback`,
        namespace,
        signals,
        rollbackTrigger: env.alarms.rollbackTrigger,
        p99LatencyMs: env.alarms.critical.p99LatencyMs,
        rolloutName: definition.service,
        prometheusAddress: props.prometheusAddress ?? kube.prometheusAddress,
        scrapeInterval,
        minimumRequests: kube.minimumRequests,
        gate,
        // Requests to the canary Service's port "http", as ingress-nginx names the upstream.
        ingressCanaryUpstream:
          kube.ingress.className === 'nginx' && !blueGreen
            ? ingressUpstreamName(namespace, `${definition.service}-canary`, 'http')
            : undefined,
        measurementsInRelease: Math.ceil(fromFirstShift.reduce((t, x) => t + x.bake.toSeconds(), 0) / interval.toSeconds()) + 1,
        measurements: blueGreen ? measurementsIn(stages[stages.length - 1].bake) : undefined,
        // After the switch the previous version serves nothing: compare with its last served
        // period, back over the whole post-promotion analysis plus two windows.
        stableLookback: blueGreen
          ? interval.times(measurementsIn(stages[stages.length - 1].bake) + 1).plus(rateWindow(interval, scrapeInterval).times(2))
          : undefined,
        healthMeasurements: blueGreen ? Math.min(3, test ? measurementsIn(test.bake) : 3) : undefined,
      });
    }

    if (definition.migrations.length > 0) {
      this.migrations = new MigrationJobs(this, 'Migrations', {
        name: definition.service,
        namespace,
        migrations: definition.migrations,
        // The workload's ServiceAccount (named after the service) reads the expand Jobs.
        serviceAccountName: definition.service,
        environment: container.environment,
        secretEnvironment: this.secrets?.environmentVariables,
        previousReleases:
          props.previousManifest === undefined
            ? undefined
            : MigrationJobs.historyOf(
                parseAllDocuments(props.previousManifest).map((d): unknown => d.toJS()),
                definition.service,
              ),
      });
    }
    if (definition.smokeTests && this.analysis) {
      this.smokeTests = new SmokeTestAnalysis(this, 'SmokeTests', {
        name: `${definition.service}-smoke-tests`,
        namespace,
        tests: definition.smokeTests,
        // The Service ProgressiveWorkload creates for the new version.
        serviceName: `${definition.service}-${env.rollout.strategy === RolloutStrategy.BLUE_GREEN ? 'preview' : 'canary'}`,
        service: definition.service,
      });
    }

    this.workload = new ProgressiveWorkload(this, 'Workload', {
      name: definition.service,
      namespace,
      container,
      capacity: env.capacity,
      rollout: env,
      plan,
      analysis: this.analysis,
      secretEnvironment: this.secrets?.environmentVariables,
      featureFlags: this.featureFlags,
      smokeTests: this.smokeTests,
      gate: this.migrations?.podGate(),
      selectorLabels,
      ingress: props.ingress ?? ingressOptionsOf(env),
      metricsPort: kube.metrics.port,
      configurationRollbackBudget: definition.rollbackBudgets.configuration,
    });

    this.networkPolicies = new WorkloadNetworkPolicies(this, 'NetworkPolicies', {
      name: definition.service,
      namespace,
      podLabels: selectorLabels,
      servingPort: container.port,
      metricsPort: kube.metrics.port,
      ingressControllerNamespace: kube.ingress.controllerNamespace,
      ingressSourceCidr: kube.ingress.controller === IngressController.ALB ? kube.ingress.sourceCidr : undefined,
      callerNamespaces: kube.callers,
      prometheusNamespace: namespaceOfServiceUrl(props.prometheusAddress ?? kube.prometheusAddress) ?? 'monitoring',
      testerLabels: this.smokeTests ? SmokeTestAnalysis.POD_LABELS(definition.service) : undefined,
      kubernetesApi: this.migrations?.podGate() !== undefined && kube.apiServerCidr ? { cidr: kube.apiServerCidr } : undefined,
      egress: kube.egress,
    });

    this.alerts = new PrometheusAlerts(this, 'Alerts', {
      name: definition.service,
      namespace,
      service: definition.service,
      environment: env.name,
      signals,
      policy: env.alarms,
      deadMansSwitch: env.deadMansSwitch,
      container: definition.service,
      scrapeInterval,
      labels: { ...kube.monitoringLabels },
      runbookBaseUrl: definition.runbookBaseUrl,
      diagnosis: this.workload.diagnosisCommands(),
    });
    if (this.workload.argo) {
      this.rolloutStatusAlerts = new RolloutStatusAlerts(this, 'RolloutStatusAlerts', {
        rolloutName: definition.service,
        namespace,
        service: definition.service,
        environment: env.name,
        plan: this.workload.argo,
        progressDeadlineSeconds: PROGRESS_DEADLINE_SECONDS,
        labels: { ...kube.monitoringLabels },
        runbookBaseUrl: definition.runbookBaseUrl,
        diagnosis: this.workload.diagnosisCommands(),
      });
    }
    const { receivers } = env;
    if (receivers.critical || receivers.warning || receivers.heartbeat || receivers.optOutReason !== undefined) {
      this.alerting = new AlertmanagerRouting(this, 'Alerting', {
        name: `${namespace}-alerting`,
        namespace,
        receivers,
        region: receiverSecrets(receivers).length > 0 ? this.regionFor(env, "the receivers' credentials") : env.region,
        labels: { ...kube.alertmanagerConfigLabels },
        serviceAccountName: kube.secretStoreRoleArn ? `${namespace}-external-secrets` : undefined,
        evaluationInterval: this.alerts.evaluationInterval,
        alertmanagerNamespace: namespaceOfServiceUrl(props.prometheusAddress ?? kube.prometheusAddress) ?? 'monitoring',
        service: definition.service,
        environment: env.name,
      });
    }
    // Strict mode refuses every finding at once (the schedule, the detection steps, the rollback budgets), as DeploymentStack does.
    const findings = new StrictFindings(definition.strict);
    findings.warn([...scheduleFindings(this.workload.schedule, env, definition.service), ...(this.detection?.findings ?? [])]);
    findings.warn(this.budgetFindings());
    findings.refuse();
  }

  /**
   * Where the platform runs a different schedule than requested, or a rollback level cannot meet
   * its budget; one sentence each (synth warns).
   */
  public warnings(): string[] {
    return [
      ...this.workload.schedule.deviations,
      ...this.workload.schedule.unheldWaits,
      ...this.budgetWarnings(),
      ...(this.props.definition.runbookBaseUrl
        ? []
        : [
            "runbookBaseUrl is not set: the alerts' runbook_url annotations are relative links (runbooks/<file>#<anchor>) that Alertmanager receivers cannot open; set runbookBaseUrl to where the runbooks are published",
          ]),
      ...(this.detection?.notes ?? []),
      ...applyStrictness(this.detection?.findings ?? [], this.props.definition.strict),
    ];
  }

  /** Rollback levels over budget: warnings, or an error in strict mode, by the rule every target uses. */
  private budgetWarnings(): string[] {
    return applyStrictness(this.budgetFindings(), this.props.definition.strict);
  }

  private budgetFindings(): PlanFinding[] {
    const levels = [...(this.featureFlags?.runbookFacts().rollback ?? []), ...(this.workload.runbookFacts().rollback ?? [])];
    return rollbackBudgetFindings(undefined, levels);
  }

  /** The environment's region, which External Secrets needs to read Secrets Manager. */
  private regionFor(env: EnvironmentDefinition, what: string): string {
    if (!env.region) {
      throw new Error(
        `environments[${env.order}].region is not set for "${env.name}"; the External Secrets SecretStore needs the AWS region of ${what} in Secrets Manager; set "region", e.g. "eu-west-1"`,
      );
    }
    return env.region;
  }

  /** The namespace's part of the runbook (text in lib/runbook/platforms/kubernetes-chart.ts). */
  public runbookFacts(): RunbookFacts {
    return { ...this.chartRunbookFacts(), detection: this.detection };
  }

  private chartRunbookFacts(): RunbookFacts {
    return kubernetesChartRunbookFacts({
      definition: this.props.definition,
      environment: this.environmentDefinition,
      namespace: this.namespaceName,
      manifestPath: this.manifestPath,
      prometheusAddress: this.props.prometheusAddress,
      workload: this.workload,
      smokeTestAnalysis: this.smokeTests !== undefined,
      externalSecrets: this.secrets !== undefined,
      secretsRefreshInterval: this.secrets?.refreshInterval.toString(),
      migrations: this.migrations !== undefined,
      totalBake: this.workload.schedule.totalBake.toString(),
      alerts: {
        ruleGroup: this.alerts.spec.groups[0].name,
        requestsMetric: this.alerts.signals.requestsMetric,
        matchers: this.alerts.signals.matchers,
      },
    });
  }
}
