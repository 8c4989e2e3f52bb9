import { Chart, type ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import type { Duration } from '../../lib/model/duration';
import type { ServiceDefinition } from '../../lib/model/service-definition';
import type { EnvironmentDefinition } from '../../lib/model/environment';
import type { DetectionReport } from '../../lib/plan/detection/detection-plan';
import { HEARTBEAT_METRIC, kubernetesPlan, type KubernetesPlan } from '../../lib/plan/kubernetes/kubernetes-plan';
import { kubernetesWarnings, refuseStrictFindings, type KubernetesWarningsInput } from '../../lib/plan/kubernetes/release-warnings';
import type { IRunbookContributor, RollbackLevelFact, RunbookFacts } from '../../lib/runbook/facts';
import { kubernetesChartRunbookFacts } from '../../lib/runbook/platforms/kubernetes-chart';
import { AlertmanagerRouting } from './alertmanager-routing';
import { RollbackAnalysis } from './analysis-template';
import { ExternalSecrets } from './external-secrets';
import { FeatureFlags } from './feature-flags';
import { MigrationJobs } from './migration-jobs';
import { WorkloadNetworkPolicies } from './network-policies';
import { WorkloadPodMonitor } from './pod-monitor';
import { ProgressiveWorkload } from './progressive-workload';
import { PrometheusAlerts } from './prometheus-alerts';
import { RolloutStatusAlerts } from './rollout-status-alerts';
import { SmokeTestAnalysis } from './smoke-test-analysis';
import type { WorkloadIngressOptions } from './workload-ingress';

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
  public static readonly HEARTBEAT_METRIC = HEARTBEAT_METRIC;

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
  /** Every setting of the chart, decided in lib/plan (`kubernetesPlan`). */
  public readonly plan: KubernetesPlan;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: DeploymentChartProps,
  ) {
    super(scope, id, { labels: props.labels, disableResourceNameHashes: props.disableResourceNameHashes });
    const { definition } = props;
    // Every setting is decided once, in lib/plan (the runbook reads the same plan without cdk8s).
    const plan = kubernetesPlan(definition, props.environment, props);
    this.plan = plan;
    const env = plan.environment;
    this.environmentDefinition = env;
    const { container, namespace } = plan;
    this.namespaceName = namespace;
    const kube = env.kubernetes;

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

    if (plan.secrets) {
      if (plan.secrets.serviceAccountName) {
        // An explicit identity for the SecretStore (JWT auth through IRSA), not the operator's own.
        new k8s.KubeServiceAccount(this, 'SecretStoreServiceAccount', {
          metadata: {
            name: plan.secrets.serviceAccountName,
            namespace,
            annotations: { 'eks.amazonaws.com/role-arn': kube.secretStoreRoleArn! },
          },
          automountServiceAccountToken: false,
        });
      }
      this.secrets = new ExternalSecrets(this, 'Secrets', plan.secrets);
    }

    this.manifestPath = plan.manifestPath;
    if (plan.featureFlags) this.featureFlags = new FeatureFlags(this, 'FeatureFlags', plan.featureFlags);
    this.podMonitor = new WorkloadPodMonitor(this, 'PodMonitor', plan.podMonitor);
    this.detection = plan.detection;
    if (plan.analysis) this.analysis = new RollbackAnalysis(this, 'Analysis', plan.analysis);

    if (plan.migrations) {
      this.migrations = new MigrationJobs(this, 'Migrations', {
        ...plan.migrations,
        secretEnvironment: this.secrets?.environmentVariables,
      });
    }
    if (plan.smokeTests) this.smokeTests = new SmokeTestAnalysis(this, 'SmokeTests', plan.smokeTests);

    this.workload = new ProgressiveWorkload(this, 'Workload', {
      ...plan.workload,
      container,
      analysis: this.analysis,
      secretEnvironment: this.secrets?.environmentVariables,
      featureFlags: this.featureFlags,
      smokeTests: this.smokeTests,
      gate: this.migrations?.podGate(),
    });

    this.networkPolicies = new WorkloadNetworkPolicies(this, 'NetworkPolicies', plan.networkPolicies);
    this.alerts = new PrometheusAlerts(this, 'Alerts', { ...plan.alerts, diagnosis: this.workload.diagnosisCommands() });
    if (plan.rolloutStatus) {
      this.rolloutStatusAlerts = new RolloutStatusAlerts(this, 'RolloutStatusAlerts', {
        ...plan.rolloutStatus,
        diagnosis: this.workload.diagnosisCommands(),
      });
    }
    if (plan.alerting) this.alerting = new AlertmanagerRouting(this, 'Alerting', plan.alerting);
    refuseStrictFindings(this.releaseWarningsInput(), env, definition.service);
  }

  /**
   * Where the platform runs a different schedule than requested, or a rollback level cannot meet
   * its budget; one sentence each (synth warns).
   */
  public warnings(): string[] {
    return kubernetesWarnings(this.releaseWarningsInput());
  }

  private releaseWarningsInput(): KubernetesWarningsInput {
    return {
      schedule: this.workload.schedule,
      detection: this.detection,
      strict: this.props.definition.strict,
      runbookBaseUrl: this.props.definition.runbookBaseUrl,
      rollbackLevels: this.rollbackLevels(),
    };
  }

  private rollbackLevels(): RollbackLevelFact[] {
    return [...(this.featureFlags?.runbookFacts().rollback ?? []), ...(this.workload.runbookFacts().rollback ?? [])];
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
