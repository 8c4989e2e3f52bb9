import { applyStrictness, rollbackBudgetFindings } from '../../lib/plan/strictness';
import { detectionReport, type DetectionReport } from '../../lib/plan/detection/detection-plan';
import { ingressUpstreamName } from './private/canary-queries';
import { Chart, type ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { HeartbeatSource } from '../../lib/model/dead-mans-switch';
import { Duration } from '../../lib/model/duration';
import { environmentOf, type ServiceDefinition } from '../../lib/model/service-definition';
import type { EnvironmentDefinition } from '../../lib/model/environment';
import { RolloutStrategy } from '../../lib/model/rollout';
import { isContainer, type ContainerWorkload } from '../../lib/model/workload';
import { ResourceNames } from '../../lib/plan/names';
import { backendFor, compileRollout } from '../../lib/plan/rollout-plan';
import { Backend } from '../../lib/plan/schedule';
import { Target } from '../../lib/targets/target';
import { enforceStrict } from '../../lib/plan/schedule';
import { RunbookTarget, type IRunbookContributor, type RunbookCommand, type RunbookFacts } from '../../lib/runbook/facts';
import { RollbackAnalysis } from './analysis-template';
import { ExternalSecrets } from './external-secrets';
import { FeatureFlags } from './feature-flags';
import { describeChecks, smokeTestsFileName } from '../../lib/smoke/file';
import { MigrationJobs } from './migration-jobs';
import { WorkloadNetworkPolicies } from './network-policies';
import { SmokeTestAnalysis } from './smoke-test-analysis';
import { WorkloadPodMonitor } from './pod-monitor';
import { PrometheusAlerts } from './prometheus-alerts';
import { PrometheusSignals } from './prometheus-signals';
import { ProgressiveWorkload, type WorkloadIngressOptions } from './progressive-workload';

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
  /** The namespace every object lives in, e.g. `checkout-prod`. */
  public readonly namespaceName: string;
  public readonly workload: ProgressiveWorkload;
  public readonly alerts: PrometheusAlerts;
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
      ingress: props.ingress ?? { className: kube.ingress.className, host: kube.ingress.host, paths: kube.ingress.paths },
      metricsPort: kube.metrics.port,
      configurationRollbackBudget: definition.rollbackBudgets.configuration,
    });
    enforceStrict(this.workload.schedule, env, definition.strict, definition.service);

    this.networkPolicies = new WorkloadNetworkPolicies(this, 'NetworkPolicies', {
      name: definition.service,
      namespace,
      podLabels: selectorLabels,
      servingPort: container.port,
      metricsPort: kube.metrics.port,
      ingressControllerNamespace: kube.ingress.controllerNamespace,
      prometheusNamespace: namespaceOfServiceUrl(props.prometheusAddress ?? kube.prometheusAddress) ?? 'monitoring',
      testerLabels: this.smokeTests ? SmokeTestAnalysis.POD_LABELS(definition.service) : undefined,
      kubernetesApi: this.migrations?.podGate() !== undefined,
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
    // Strict mode refuses a rollback level over its budget, or a step that cannot catch a regression, here, as DeploymentStack does.
    this.budgetWarnings();
    applyStrictness(this.detection?.findings ?? [], definition.strict);
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
      ...(this.detection?.notes ?? []),
      ...applyStrictness(this.detection?.findings ?? [], this.props.definition.strict),
    ];
  }

  /** Rollback levels over budget: warnings, or an error in strict mode, by the rule every target uses. */
  private budgetWarnings(): string[] {
    const levels = [...(this.featureFlags?.runbookFacts().rollback ?? []), ...(this.workload.runbookFacts().rollback ?? [])];
    return applyStrictness(rollbackBudgetFindings(undefined, levels), this.props.definition.strict);
  }

  public runbookFacts(): RunbookFacts {
    const { definition } = this.props;
    const env = this.environmentDefinition;
    return {
      context: {
        service: definition.service,
        environment: env.name,
        target: RunbookTarget.KUBERNETES,
        owners: definition.owners,
        description: definition.description,
        scope: this.namespaceName,
        production: env.production,
        approval: env.approval,
        strategy: env.rollout.strategy,
        rationale: env.rollout.rationale,
        budgets: definition.rollbackBudgets,
        dora: definition.dora,
        communication: definition.communication,
      },
      preDeploy: this.preDeployCommands(),
      deploy: [
        {
          description: 'Apply the manifest (server-side, so the controllers own the fields they manage)',
          command: `kubectl apply --server-side -n ${this.namespaceName} -f ${this.manifestPath}`,
          expected: 'every object "serverside-applied" or "unchanged"',
        },
        ...this.monitoringChecks(),
      ],
      // SmokeTestAnalysis contributes its own commands where the Rollout runs the checks.
      smoke: this.smokeTests ? [] : [this.smokeCommand()],
      checklist:
        definition.featureFlags.length > 0
          ? [`Feature flags set as intended before the release: ${definition.featureFlags.map((f) => f.name).join(', ')}`]
          : [],
      resources: [{ type: 'Namespace', name: this.namespaceName }],
      watch: [
        `kubectl -n ${this.namespaceName} get pods -w`,
        ...(this.workload.kind === 'Rollout' ? [`kubectl argo rollouts dashboard (then open the ${this.namespaceName} namespace)`] : []),
      ],
      notes: env.secrets.some((s) => s.generated)
        ? [
            `generated secrets (${env.secrets
              .filter((s) => s.generated)
              .map((s) => s.secretName)
              .join(', ')}) are created and rotated by the AWS stack; deploy it first, or the ExternalSecrets cannot sync`,
          ]
        : [],
    };
  }

  /** A `kubectl get --raw` through the API server's service proxy to Prometheus, when it runs in the cluster. */
  private prometheusApi(pathAndQuery: string): string | undefined {
    const address = this.props.prometheusAddress ?? this.environmentDefinition.kubernetes.prometheusAddress;
    const m = /^(https?):\/\/([^./:]+)\.([^./:]+)\.svc(?:\.cluster\.local)?(?::(\d+))?\/?$/.exec(address);
    if (!m) return undefined;
    const [, scheme, service, namespace, port] = m;
    const target = `${scheme === 'https' ? 'https:' : ''}${service}:${port ?? (scheme === 'https' ? '443' : '80')}`;
    return `kubectl get --raw "/api/v1/namespaces/${namespace}/services/${target}/proxy${pathAndQuery}"`;
  }

  /** After applying: Prometheus loaded the rules and scrapes the metrics the alerts read. */
  private monitoringChecks(): RunbookCommand[] {
    const group = this.alerts.spec.groups[0].name;
    const labels = Object.entries(this.environmentDefinition.kubernetes.monitoringLabels)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ');
    const rules = this.prometheusApi('/api/v1/rules');
    const requests = this.prometheusApi(
      `/api/v1/query?query=${encodeURIComponent(`count(${this.alerts.signals.requestsMetric}{${this.alerts.signals.matchers}})`)}`,
    );
    if (!rules || !requests) return [];
    return [
      {
        description: `Check that Prometheus loaded the rule group (it selects PrometheusRules by labels: ${labels || 'none set'}); nothing is alerted otherwise`,
        command: `${rules} | grep -o '"name":"${group}"'`,
        expected: `"name":"${group}" (no output: the Prometheus's ruleSelector does not match kubernetes.monitoringLabels)`,
      },
      {
        description: `Once pods run: check that Prometheus scrapes ${this.alerts.signals.requestsMetric} from them (a wrong metric name or port silences every alert and the analysis)`,
        command: requests,
        expected:
          '"result":[{…"value":[…,"N"]}] with N at least the number of pods; "result":[] means not scraped or a different metric name (kubernetes.metrics)',
      },
    ];
  }

  private preDeployCommands(): RunbookCommand[] {
    const env = this.environmentDefinition;
    const kube = env.kubernetes;
    const saturation = this.prometheusApi(
      `/api/v1/query?query=${encodeURIComponent('count(kube_pod_container_resource_limits) and count(container_cpu_usage_seconds_total)')}`,
    );
    const prerequisites: RunbookCommand[] = [
      ...(this.workload.kind === 'Rollout'
        ? [
            {
              description: 'Check the Argo Rollouts kubectl plugin',
              command: 'kubectl argo rollouts version',
              expected: 'kubectl-argo-rollouts: v1.4 or later (rollbackWindow)',
            },
            {
              description: 'Check that the Argo Rollouts controller runs',
              command: 'kubectl get pods --all-namespaces -l app.kubernetes.io/name=argo-rollouts',
              expected: 'at least one pod Running and READY',
            },
          ]
        : []),
      {
        description: `Check the ingress controller of class ${kube.ingress.className}`,
        command: `kubectl get ingressclass ${kube.ingress.className}`,
        expected: `one row${kube.ingress.host ? '' : '; no other Ingress of this class answers every host on the same path (this one has no host)'}`,
      },
      ...(saturation
        ? [
            {
              description:
                'Check that Prometheus answers and has kube-state-metrics and cAdvisor series (the CPU and memory alerts need them)',
              command: saturation,
              expected: '"status":"success" and a non-empty "result"',
            },
          ]
        : []),
    ];
    const crds = [
      ...(this.workload.kind === 'Rollout' ? ['rollouts.argoproj.io', 'analysistemplates.argoproj.io'] : []),
      'prometheusrules.monitoring.coreos.com',
      'podmonitors.monitoring.coreos.com',
      ...(this.secrets ? ['secretstores.external-secrets.io', 'externalsecrets.external-secrets.io'] : []),
    ];
    return [
      ...prerequisites,
      {
        description: 'Check that the controllers this manifest needs are installed',
        command: `kubectl get crd ${crds.join(' ')}`,
        expected: `${crds.length} rows, no "NotFound"`,
      },
      ...(this.secrets
        ? [
            {
              description: 'Check that External Secrets serves external-secrets.io/v1 (v1beta1 alone is not enough)',
              command: "kubectl get crd externalsecrets.external-secrets.io -o jsonpath='{.spec.versions[?(@.served==true)].name}'",
              expected: 'a list that contains v1',
            },
          ]
        : []),
      ...env.secrets.map((s) => ({
        description: `Check that secret ${s.secretName} exists in Secrets Manager`,
        command: `aws secretsmanager describe-secret --secret-id ${s.secretName} --region ${env.region} --query Name --output text`,
        expected: s.secretName,
      })),
      {
        description: 'Review what the release changes in the cluster',
        command: `kubectl diff --server-side -n ${this.namespaceName} -f ${this.manifestPath}`,
        expected: 'only the changes this release intends (exit code 1 means "differences found")',
      },
    ];
  }

  private smokeCommand(): RunbookCommand {
    const container = this.props.definition.workload.container!;
    const service = this.workload.testServiceName ?? this.workload.serviceName;
    const when =
      this.workload.kind === 'Deployment'
        ? 'after the rollout'
        : this.workload.argo?.blueGreen
          ? 'on the preview Service, before promotion'
          : 'on the canary Service, during the 0% stage';
    const tests = this.props.definition.smokeTests;
    if (tests) {
      return {
        description: `Run the smoke tests against the new version ${when}: ${describeChecks(tests)}`,
        command: `kubectl -n ${this.namespaceName} port-forward svc/${service} 18080:80 >/dev/null & PF=$!; sleep 3; npx glidepath smoke-test --url http://127.0.0.1:18080 --config ${smokeTestsFileName(this.props.definition.service)}; kill "$PF"`,
        expected: 'every check PASS and exit code 0',
      };
    }
    return {
      description: `Call the health check of the new version ${when}`,
      command: `kubectl -n ${this.namespaceName} port-forward svc/${service} 18080:80 >/dev/null & PF=$!; sleep 3; curl -fsS "http://127.0.0.1:18080${container.healthCheckPath}"; kill "$PF"`,
      expected: 'HTTP 200 from the health check',
    };
  }
}

/** The namespace of an in-cluster Service URL (`http://svc.NAMESPACE.svc:9090`), if it is one. */
function namespaceOfServiceUrl(url: string): string | undefined {
  return /^https?:\/\/[^./:]+\.([^./:]+)\.svc(\.|:|\/|$)/.exec(url)?.[1];
}
