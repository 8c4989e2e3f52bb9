import { accessCommands } from '../incident-response';
import { canaryPaused, kubernetesMigrationFailed } from '../procedures/incidents-k8s';
import { MigrationPhase } from '../../model/migrations';
import { Duration } from '../../model/duration';
import { PROGRESS_DEADLINE_SECONDS } from '../../plan/kubernetes/workload-shape';
import type { IncidentProcedure } from '../procedures/incident-procedure';
import type { EnvironmentDefinition } from '../../model/environment';
import type { ServiceDefinition } from '../../model/service-definition';
import type { ArgoRolloutPlan } from '../../plan/rollout/argo-schedule';
import { describeChecks, smokeTestsFileName } from '../../smoke/file';
import { Target } from '../../targets/target';
import { CommandKind, type RunbookCommand, type RunbookFacts } from '../facts';
import { deploymentMigrationFailed } from '../procedures/incidents-k8s-deployment';
import { prometheusApiCommand } from './prometheus-proxy';

/** What the Kubernetes namespace's runbook text needs: the definition and a few decided values. */
export interface KubernetesChartRunbookInput {
  readonly definition: ServiceDefinition;
  readonly environment: EnvironmentDefinition;
  /** Namespace every command runs in, e.g. `checkout-prod`. */
  readonly namespace: string;
  /** Path of the manifest `kubectl apply` reads, e.g. `k8s/checkout-prod.k8s.yaml`. */
  readonly manifestPath: string;
  /** Prometheus base URL, when the chart overrides the environment's. @default - `kubernetes.prometheusAddress` */
  readonly prometheusAddress?: string;
  /** The workload: its kind, Services and Argo plan. */
  readonly workload: {
    readonly kind: 'Rollout' | 'Deployment';
    readonly serviceName: string;
    readonly testServiceName?: string;
    readonly argo?: Pick<ArgoRolloutPlan, 'blueGreen'>;
  };
  /** Whether the Rollout runs the smoke tests itself (SmokeTestAnalysis contributes their commands). */
  readonly smokeTestAnalysis: boolean;
  /** Whether secrets come through External Secrets. */
  readonly externalSecrets: boolean;
  /** How often External Secrets re-reads the secrets, when it does. */
  readonly secretsRefreshInterval?: string;
  /** Whether the workload has migration Jobs (whose reader Role carries earlier releases' names). */
  readonly migrations: boolean;
  /** The bakes of the release schedule, for how long a rotation takes to reach a Rollout's pods. */
  readonly totalBake?: string;
  /** The PrometheusRule group and the request metric the alerts read. */
  readonly alerts: { readonly ruleGroup: string; readonly requestsMetric: string; readonly matchers: string };
}

/** The failed-migration procedure, for a Rollout or a Deployment with expand migrations (their Jobs run on apply). */
function migrationProcedure(input: KubernetesChartRunbookInput, workload: string): IncidentProcedure[] {
  const def = input.definition;
  const expand = def.migrations.filter((m) => m.phase === MigrationPhase.EXPAND);
  if (!input.migrations || expand.length === 0) return [];
  const owner =
    def.incidentResponse.escalation.find((r) => /database|dba/i.test(r.role))?.contact ??
    `${def.owners.team} (no database owner in incidentResponse.escalation)`;
  const names = {
    namespace: input.namespace,
    manifestPath: input.manifestPath,
    migrations: expand.map((m) => ({ name: m.name, timeout: m.timeout })),
    databaseOwner: owner,
    budget: def.rollbackBudgets.code,
  };
  return [
    input.workload.kind === 'Rollout'
      ? kubernetesMigrationFailed({ ...names, rollout: workload })
      : deploymentMigrationFailed({ ...names, deployment: workload, progressDeadline: Duration.seconds(PROGRESS_DEADLINE_SECONDS) }),
  ];
}

/** The Kubernetes namespace: context, prerequisites, apply and monitoring checks, smoke test. */
export function kubernetesChartRunbookFacts(input: KubernetesChartRunbookInput): RunbookFacts {
  const { definition } = input;
  const env = input.environment;
  const rolloutName =
    input.workload.kind === 'Rollout' ? input.workload.serviceName.replace(/-(canary|preview|active|stable)$/, '') : undefined;
  const proxy = /"([^"]*\/proxy)"/.exec(prometheusApi(input, '') ?? '')?.[1];
  const canary = rolloutName && !input.workload.argo?.blueGreen && proxy;
  return {
    access: accessCommands(env.access, { kubectl: true }),
    incident: {
      service: definition.service,
      environment: env.name,
      production: env.production,
      owners: definition.owners,
      incident: definition.incidentResponse,
      criticalAlarms: [],
      whatChanged: [
        ...(rolloutName
          ? [
              {
                description: 'Rollout revisions and their state',
                command: `kubectl argo rollouts get rollout ${rolloutName} -n ${input.namespace}`,
              },
            ]
          : []),
        {
          description: 'Events in the namespace, newest last (pods, jobs, secrets synced)',
          command: `kubectl -n ${input.namespace} get events --sort-by=.lastTimestamp`,
        },
      ],
      mitigations: [],
      verification: rolloutName
        ? [
            {
              description: 'The rollout is Healthy (read once, without waiting)',
              command: `kubectl argo rollouts status ${rolloutName} -n ${input.namespace} --watch=false`,
              expected: 'Healthy',
            },
          ]
        : [],
      afterwards: [],
      procedures: [
        ...(canary
          ? [
              canaryPaused({
                namespace: input.namespace,
                rollout: rolloutName,
                prometheusProxy: proxy,
                requests: `${input.alerts.requestsMetric}{${input.alerts.matchers}}`,
                budget: definition.rollbackBudgets.configuration,
              }),
            ]
          : []),
        ...migrationProcedure(input, input.workload.serviceName.replace(/-(canary|preview|active|stable)$/, '')),
      ],
    },
    context: {
      service: definition.service,
      environment: env.name,
      target: Target.KUBERNETES,
      owners: definition.owners,
      description: definition.description,
      scope: input.namespace,
      production: env.production,
      approval: env.approval,
      strategy: env.rollout.strategy,
      rationale: env.rollout.rationale,
      budgets: definition.rollbackBudgets,
      dora: definition.dora,
      communication: definition.communication,
    },
    preDeploy: preDeployCommands(input),
    deploy: [
      {
        description: 'Apply the manifest (server-side, so the controllers own the fields they manage)',
        command: `kubectl apply --server-side -n ${input.namespace} -f ${input.manifestPath}`,
        expected: 'every object "serverside-applied" or "unchanged"',
      },
      ...monitoringChecks(input),
    ],
    // SmokeTestAnalysis contributes its own commands where the Rollout runs the checks.
    smoke: input.smokeTestAnalysis ? [] : [smokeCommand(input)],
    checklist:
      definition.featureFlags.length > 0
        ? [`Feature flags set as intended before the release: ${definition.featureFlags.map((f) => f.name).join(', ')}`]
        : [],
    resources: [{ type: 'Namespace', name: input.namespace }],
    watch: [
      `kubectl -n ${input.namespace} get pods -w`,
      ...(input.workload.kind === 'Rollout' ? [`kubectl argo rollouts dashboard (then open the ${input.namespace} namespace)`] : []),
    ],
    notes: [
      ...(input.migrations
        ? [
            `the migration reader Role keeps the Job names of the last releases, carried forward from the manifest written before (${input.manifestPath}): keep the output directory (commit it), or pods of an earlier revision (undo, a drain mid-release) fail their migration wait with 403`,
          ]
        : []),
      ...(input.externalSecrets
        ? [
            `secrets are environment variables, read when a pod starts: after a rotation External Secrets updates the Secret within ${input.secretsRefreshInterval}, then Stakater Reloader (annotation secret.reloader.stakater.com/reload) replaces the pods${input.workload.kind === 'Rollout' ? ` as a new Rollout revision that runs the release steps (${input.totalBake} of bakes${input.workload.argo?.blueGreen && !input.workload.argo.blueGreen.autoPromotionEnabled ? ', and waits for the promotion' : ''})` : ''}; until then older and newer pods hold different values, so keep the previous value valid (Secrets Manager's AWSPREVIOUS) until the pods are replaced`,
          ]
        : []),
      ...(env.secrets.some((s) => s.generated)
        ? [
            `generated secrets (${env.secrets
              .filter((s) => s.generated)
              .map((s) => s.secretName)
              .join(', ')}) are created and rotated by the AWS stack; deploy it first, or the ExternalSecrets cannot sync`,
          ]
        : []),
    ],
  };
}

/** A `kubectl get --raw` through the API server's service proxy to Prometheus, when it runs in the cluster. */
function prometheusApi(input: KubernetesChartRunbookInput, pathAndQuery: string): string | undefined {
  return prometheusApiCommand(input.prometheusAddress ?? input.environment.kubernetes.prometheusAddress, pathAndQuery);
}

/** After applying: Prometheus loaded the rules and scrapes the metrics the alerts read. */
function monitoringChecks(input: KubernetesChartRunbookInput): RunbookCommand[] {
  const group = input.alerts.ruleGroup;
  const labels = Object.entries(input.environment.kubernetes.monitoringLabels)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
  const rules = prometheusApi(input, '/api/v1/rules');
  const requests = prometheusApi(
    input,
    `/api/v1/query?query=${encodeURIComponent(`count(${input.alerts.requestsMetric}{${input.alerts.matchers}})`)}`,
  );
  if (!rules || !requests) return [];
  return [
    {
      description: `Check that Prometheus loaded the rule group (it selects PrometheusRules by labels: ${labels || 'none set'}); nothing is alerted otherwise`,
      command: `${rules} | grep -o '"name":"${group}"'`,
      expected: `"name":"${group}" (no output: the Prometheus's ruleSelector does not match kubernetes.monitoringLabels)`,
    },
    {
      description: `Once pods run: check that Prometheus scrapes ${input.alerts.requestsMetric} from them (a wrong metric name or port silences every alert and the analysis)`,
      command: requests,
      expected:
        '"result":[{…"value":[…,"N"]}] with N at least the number of pods; "result":[] means not scraped or a different metric name (kubernetes.metrics)',
    },
  ];
}

function preDeployCommands(input: KubernetesChartRunbookInput): RunbookCommand[] {
  const env = input.environment;
  const kube = env.kubernetes;
  const saturation = prometheusApi(
    input,
    `/api/v1/query?query=${encodeURIComponent('count(kube_pod_container_resource_limits) and count(container_cpu_usage_seconds_total)')}`,
  );
  const prerequisites: RunbookCommand[] = [
    {
      description: "Check that the cluster runs Kubernetes 1.30 or later (the pods' preStop hook is the kubelet's sleep action)",
      command: 'kubectl version',
      expected: 'Server Version: v1.30 or later',
    },
    ...(input.workload.kind === 'Rollout'
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
    ...(input.workload.kind === 'Rollout' ? ['rollouts.argoproj.io', 'analysistemplates.argoproj.io'] : []),
    'prometheusrules.monitoring.coreos.com',
    'podmonitors.monitoring.coreos.com',
    ...(input.externalSecrets ? ['secretstores.external-secrets.io', 'externalsecrets.external-secrets.io'] : []),
  ];
  return [
    ...prerequisites,
    {
      description: 'Check that the controllers this manifest needs are installed',
      command: `kubectl get crd ${crds.join(' ')}`,
      expected: `${crds.length} rows, no "NotFound"`,
    },
    ...(input.externalSecrets
      ? [
          {
            description: `Check that Stakater Reloader runs (it replaces the pods when a synced Secret changes; for Rollouts it needs isArgoRollouts: true)`,
            command: 'kubectl get deployments --all-namespaces -o name | grep -i reloader',
            expected:
              'one deployment, e.g. deployment.apps/reloader-reloader (none: rotated secrets reach the pods only at their next restart)',
          },
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
      command: `kubectl diff --server-side -n ${input.namespace} -f ${input.manifestPath}`,
      expected: 'only the changes this release intends (exit code 1 means "differences found")',
      kind: CommandKind.PREVIEW,
    },
  ];
}

function smokeCommand(input: KubernetesChartRunbookInput): RunbookCommand {
  const container = input.definition.workload.container!;
  const service = input.workload.testServiceName ?? input.workload.serviceName;
  const when =
    input.workload.kind === 'Deployment'
      ? 'after the rollout'
      : input.workload.argo?.blueGreen
        ? 'on the preview Service, before promotion'
        : 'on the canary Service, during the 0% stage';
  const tests = input.definition.smokeTests;
  if (tests) {
    return {
      description: `Run the smoke tests against the new version ${when}: ${describeChecks(tests)}`,
      command: `kubectl -n ${input.namespace} port-forward svc/${service} 18080:80 >/dev/null & PF=$!; sleep 3; npx glidepath smoke-test --url http://127.0.0.1:18080 --config ${smokeTestsFileName(input.definition.service)}; kill "$PF"`,
      expected: 'every check PASS and exit code 0',
    };
  }
  return {
    description: `Call the health check of the new version ${when}`,
    command: `kubectl -n ${input.namespace} port-forward svc/${service} 18080:80 >/dev/null & PF=$!; sleep 3; curl -fsS "http://127.0.0.1:18080${container.healthCheckPath}"; kill "$PF"`,
    expected: 'HTTP 200 from the health check',
  };
}
