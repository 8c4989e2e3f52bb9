import { parseAllDocuments } from 'yaml';
import { HeartbeatSource } from '../../model/dead-mans-switch';
import { type Duration } from '../../model/duration';
import type { EnvironmentDefinition } from '../../model/environment';
import { IngressController } from '../../model/kubernetes';
import { MigrationPhase } from '../../model/migrations';
import { DefinitionError } from '../../model/problems';
import { receiverSecrets } from '../../model/receivers';
import { RolloutStrategy } from '../../model/rollout';
import { environmentOf, type ServiceDefinition } from '../../model/service-definition';
import { kubernetesNetworkProblems } from '../../model/validate-kubernetes-network';
import { isContainer, type ContainerWorkload } from '../../model/workload';
import { detectionReport, type DetectionReport } from '../detection/detection-plan';
import { ResourceNames } from '../names';
import { backendFor, compileRollout, type RolloutPlan } from '../rollout/rollout-plan';
import { Backend } from '../rollout/schedule';
import { Target } from '../../targets/target';
import type { AlertmanagerRoutingSettings } from './alertmanager-routing';
import type { FeatureFlagsSettings } from './feature-flags';
import { ingressOptionsOf, type WorkloadIngressOptions } from './ingress-options';
import { migrationJobHistory, type MigrationJobSettings } from './migration-jobs';
import type { NetworkPolicySettings } from './network-policies';
import { PrometheusSignals } from './prometheus-signals';
import { analysisSettings } from './analysis-plan';
import type { RollbackAnalysisSettings } from './rollback-analysis';
import type { PrometheusAlertsSettings } from './prometheus-alert-rules';
import type { RolloutStatusSettings } from './rollout-status-rules';
import type { SmokeTests } from '../../model/smoke-tests';
import type { Capacity } from '../../model/environment';
import { namespaceOfServiceUrl } from './service-url';
import { smokeTestPodLabels } from './smoke-tests';
import { PROGRESS_DEADLINE_SECONDS } from './workload-shape';
import { EXTERNAL_SECRET_KEY, externalSecretName } from './external-secrets';

/** The series a service with `deadMansSwitch.source: heartbeat` exposes on its metrics endpoint while it works. */
export const HEARTBEAT_METRIC = 'glidepath_heartbeat_total';

/** Overrides of what the environment says, as `DeploymentChartProps` takes them. */
export interface KubernetesPlanOptions {
  /** Prometheus as seen from the Argo Rollouts controller. @default - the environment's `kubernetes.prometheusAddress` */
  readonly prometheusAddress?: string;
  /** Prometheus scrape interval of the workload. @default - the environment's `kubernetes.scrapeInterval` */
  readonly scrapeInterval?: Duration;
  /** The Ingress. @default - the environment's `kubernetes.ingress` */
  readonly ingress?: WorkloadIngressOptions;
  /** HTTP path of the workload's Prometheus metrics. @default - the environment's `kubernetes.metrics.path` */
  readonly metricsPath?: string;
  /** Path of the written manifest in the runbook's commands. @default `k8s/<service>-<environment>.k8s.yaml` */
  readonly manifestPath?: string;
  /** The manifest written for the previous release of this environment (its YAML text). @default - none */
  readonly previousManifest?: string;
}

/** The secrets of the namespace, synced by External Secrets (the props of `ExternalSecrets`). */
export interface KubernetesSecretsPlan {
  readonly namespace: string;
  /** Name of the SecretStore and prefix of the Kubernetes Secrets: the namespace. */
  readonly name: string;
  readonly region: string;
  readonly secrets: EnvironmentDefinition['secrets'];
  /** ServiceAccount (IRSA) the SecretStore reads as. @default - the operator's own identity */
  readonly serviceAccountName?: string;
}

/** The PodMonitor of the workload (the props of `WorkloadPodMonitor`). */
export interface KubernetesPodMonitorPlan {
  readonly name: string;
  readonly namespace: string;
  readonly selector: Record<string, string>;
  readonly job: string;
  readonly path: string;
  readonly port: string;
  readonly interval: Duration;
  readonly labels: Record<string, string>;
}

/** The workload of the namespace (the plain props of `ProgressiveWorkload`). */
export interface KubernetesWorkloadPlan {
  readonly name: string;
  readonly namespace: string;
  readonly capacity: Capacity;
  readonly rollout: EnvironmentDefinition;
  readonly plan: RolloutPlan;
  readonly selectorLabels: Record<string, string>;
  readonly ingress: WorkloadIngressOptions;
  readonly metricsPort: number;
  readonly configurationRollbackBudget: Duration;
  readonly secretEnvironment?: readonly { readonly envVar: string; readonly secretName: string; readonly key: string }[];
}

/**
 * Everything one service × environment is on Kubernetes, decided once from the definition: the
 * settings of every part `DeploymentChart` (constructs/k8s) writes, which the runbook reads too.
 */
export interface KubernetesPlan {
  readonly definition: ServiceDefinition;
  readonly environment: EnvironmentDefinition;
  readonly container: ContainerWorkload;
  /** The namespace every object lives in, e.g. `checkout-prod`. */
  readonly namespace: string;
  /** Path of the manifest in the runbook's commands. */
  readonly manifestPath: string;
  /** The Prometheus address the analysis reads, when overridden. */
  readonly prometheusAddress?: string;
  readonly scrapeInterval: Duration;
  /** Labels that select the workload's pods. */
  readonly selectorLabels: Record<string, string>;
  readonly signals: PrometheusSignals;
  /** The rollout, compiled once. */
  readonly rollout: RolloutPlan;
  /** Detection power of the release at the declared traffic, and the analysis settings it chose. */
  readonly detection?: DetectionReport;
  readonly secrets?: KubernetesSecretsPlan;
  /** What the workload's containers read from the synced Secrets. */
  readonly secretEnvironment?: readonly { readonly envVar: string; readonly secretName: string; readonly key: string }[];
  readonly featureFlags?: FeatureFlagsSettings;
  readonly podMonitor: KubernetesPodMonitorPlan;
  /** The rollback analysis, for Rollouts. */
  readonly analysis?: RollbackAnalysisSettings;
  readonly migrations?: MigrationJobSettings;
  /** The smoke-test analysis, when the definition declares smoke tests and the rollout runs on Argo Rollouts. */
  readonly smokeTests?: {
    readonly name: string;
    readonly namespace: string;
    readonly tests: SmokeTests;
    readonly serviceName: string;
    readonly service: string;
  };
  /** The workload (the plain props of `ProgressiveWorkload`). */
  readonly workload: KubernetesWorkloadPlan;
  /** The PrometheusRule of the workload's alerts (the props of `PrometheusAlerts` but the diagnosis, which the workload gives). */
  readonly alerts: Omit<PrometheusAlertsSettings, 'diagnosis'> & { readonly labels: Record<string, string> };
  /** Alerts on the Rollout's phase, for Rollouts (the props of `RolloutStatusAlerts` but the diagnosis). */
  readonly rolloutStatus?: Omit<RolloutStatusSettings, 'diagnosis'>;
  readonly ingress: WorkloadIngressOptions;
  readonly networkPolicies: NetworkPolicySettings;
  /** Alertmanager routing, when the environment declares receivers or opts out of paging. */
  readonly alerting?: AlertmanagerRoutingSettings;
}

/**
 * Plans one service × environment for Kubernetes. Throws the errors `DeploymentChart` throws for a
 * definition Kubernetes cannot run (a function, a network rule, a missing region), so the runbook
 * refuses what synthesis refuses.
 */
export function kubernetesPlan(definition: ServiceDefinition, environment: string, options: KubernetesPlanOptions = {}): KubernetesPlan {
  const env = environmentOf(definition, environment);
  if (!isContainer(definition.workload)) {
    throw new Error(
      `workload.function: service "${definition.service}" is a function; the Kubernetes target runs containers ("workload.container"); render functions with the AWS target`,
    );
  }
  const container: ContainerWorkload = definition.workload.container;
  const namespace = new ResourceNames(definition.service, env.name).base;
  const kube = env.kubernetes;
  const scrapeInterval = options.scrapeInterval ?? kube.scrapeInterval;
  const networkProblems = kubernetesNetworkProblems(definition, env);
  if (networkProblems.length > 0) throw new DefinitionError(networkProblems, `${definition.service} (${env.name}, Kubernetes)`);
  if (kube.metrics.port === container.port) {
    throw new Error(
      `kubernetes.metrics.port is ${kube.metrics.port}, the same as workload.container.port; serve metrics on their own port (e.g. 9090) so they stay out of the Services and the Ingress`,
    );
  }
  const prometheusAddress = options.prometheusAddress ?? kube.prometheusAddress;
  const monitoringNamespace = namespaceOfServiceUrl(prometheusAddress) ?? 'monitoring';
  const storeAccount = kube.secretStoreRoleArn ? `${namespace}-external-secrets` : undefined;
  const secrets =
    env.secrets.length > 0
      ? {
          namespace,
          name: namespace,
          region: regionFor(
            env,
            `the AWS region of the Secrets Manager secrets (${env.secrets.map((s) => `"${s.secretName}"`).join(', ')})`,
          ),
          secrets: env.secrets,
          serviceAccountName: storeAccount,
        }
      : undefined;
  const secretEnvironment = secrets?.secrets.map((s) => ({
    envVar: s.envVar,
    secretName: externalSecretName(secrets.name, s.name),
    key: EXTERNAL_SECRET_KEY,
  }));
  const selectorLabels = { 'app.kubernetes.io/name': definition.service, 'app.kubernetes.io/instance': namespace };
  const signals = PrometheusSignals.forWorkload({
    namespace,
    job: definition.service,
    requestsMetric: kube.metrics.requestsMetric,
    statusLabel: kube.metrics.statusLabel,
    durationHistogram: kube.metrics.durationHistogram,
    // The Prometheus counterpart of the CloudWatch Glidepath/Heartbeat metric.
    heartbeatMetric: env.deadMansSwitch.source === HeartbeatSource.HEARTBEAT ? HEARTBEAT_METRIC : undefined,
  });
  // The rollout is compiled once, here, and handed to the workload.
  const rollout = compileRollout(env, backendFor(definition, Target.KUBERNETES, env));
  // Detection power at the declared traffic: chooses the analysis settings (lib/plan/detection).
  const detection = detectionReport(env, {
    label: `${definition.service}-${env.name}`,
    environmentIndex: env.order,
    schedule: rollout.schedule,
    scrapeInterval,
    minimumRequests: kube.declaredMinimumRequests,
  });
  const analysis =
    rollout.backend === Backend.ARGO_ROLLOUTS
      ? analysisSettings(definition, env, rollout, detection, { namespace, signals, scrapeInterval, prometheusAddress })
      : undefined;
  const { receivers } = env;
  const ingress = options.ingress ?? ingressOptionsOf(env);
  return {
    definition,
    environment: env,
    container,
    namespace,
    manifestPath: options.manifestPath ?? `k8s/${namespace}.k8s.yaml`,
    prometheusAddress: options.prometheusAddress,
    scrapeInterval,
    selectorLabels,
    signals,
    rollout,
    detection,
    secrets,
    secretEnvironment,
    featureFlags:
      definition.featureFlags.length > 0
        ? {
            name: `${definition.service}-feature-flags`,
            namespace,
            flags: definition.featureFlags,
            budget: definition.rollbackBudgets.featureFlag,
          }
        : undefined,
    podMonitor: {
      name: definition.service,
      namespace,
      selector: selectorLabels,
      job: definition.service,
      path: options.metricsPath ?? kube.metrics.path,
      port: 'metrics',
      interval: scrapeInterval,
      labels: { ...kube.monitoringLabels },
    },
    analysis,
    migrations:
      definition.migrations.length > 0
        ? {
            name: definition.service,
            namespace,
            migrations: definition.migrations,
            // The workload's ServiceAccount (named after the service) reads the expand Jobs.
            serviceAccountName: definition.service,
            environment: container.environment,
            secretEnvironment,
            previousReleases:
              options.previousManifest === undefined
                ? undefined
                : migrationJobHistory(
                    parseAllDocuments(options.previousManifest).map((d): unknown => d.toJS()),
                    definition.service,
                  ),
          }
        : undefined,
    smokeTests:
      definition.smokeTests && analysis
        ? {
            name: `${definition.service}-smoke-tests`,
            namespace,
            tests: definition.smokeTests,
            // The Service ProgressiveWorkload creates for the new version.
            serviceName: `${definition.service}-${env.rollout.strategy === RolloutStrategy.BLUE_GREEN ? 'preview' : 'canary'}`,
            service: definition.service,
          }
        : undefined,
    ingress,
    workload: {
      name: definition.service,
      namespace,
      capacity: env.capacity,
      rollout: env,
      plan: rollout,
      selectorLabels,
      ingress,
      metricsPort: kube.metrics.port,
      configurationRollbackBudget: definition.rollbackBudgets.configuration,
      secretEnvironment,
    },
    alerts: {
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
    },
    rolloutStatus:
      rollout.backend === Backend.ARGO_ROLLOUTS
        ? {
            rolloutName: definition.service,
            namespace,
            service: definition.service,
            environment: env.name,
            plan: rollout,
            progressDeadlineSeconds: PROGRESS_DEADLINE_SECONDS,
            labels: { ...kube.monitoringLabels },
            runbookBaseUrl: definition.runbookBaseUrl,
          }
        : undefined,
    networkPolicies: {
      name: definition.service,
      namespace,
      podLabels: selectorLabels,
      servingPort: container.port,
      metricsPort: kube.metrics.port,
      ingressControllerNamespace: kube.ingress.controllerNamespace,
      ingressSourceCidr: kube.ingress.controller === IngressController.ALB ? kube.ingress.sourceCidr : undefined,
      callerNamespaces: kube.callers,
      prometheusNamespace: monitoringNamespace,
      testerLabels: definition.smokeTests && analysis ? smokeTestPodLabels(definition.service) : undefined,
      kubernetesApi:
        definition.migrations.some((m) => m.phase === MigrationPhase.EXPAND) && kube.apiServerCidr
          ? { cidr: kube.apiServerCidr }
          : undefined,
      egress: kube.egress,
    },
    alerting:
      receivers.critical || receivers.warning || receivers.heartbeat || receivers.optOutReason !== undefined
        ? {
            name: `${namespace}-alerting`,
            namespace,
            receivers,
            region:
              receiverSecrets(receivers).length > 0
                ? regionFor(env, "the AWS region of the receivers' credentials in Secrets Manager")
                : env.region,
            labels: { ...kube.alertmanagerConfigLabels },
            serviceAccountName: storeAccount,
            evaluationInterval: scrapeInterval,
            alertmanagerNamespace: monitoringNamespace,
            service: definition.service,
            environment: env.name,
          }
        : undefined,
  };
}

/** The environment's region, which External Secrets needs to read Secrets Manager. */
function regionFor(env: EnvironmentDefinition, needs: string): string {
  if (!env.region) {
    throw new Error(
      `environments[${env.order}].region is not set for "${env.name}"; the External Secrets SecretStore needs ${needs}; set "region", e.g. "eu-west-1"`,
    );
  }
  return env.region;
}
