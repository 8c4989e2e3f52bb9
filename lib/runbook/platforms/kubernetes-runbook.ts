import { alertmanagerRouting } from '../../plan/kubernetes/alertmanager-routing';
import { EXTERNAL_SECRETS_REFRESH_INTERVAL } from '../../plan/kubernetes/external-secrets';
import { kubernetesPlan, type KubernetesPlan, type KubernetesPlanOptions } from '../../plan/kubernetes/kubernetes-plan';
import { prometheusAlertRules } from '../../plan/kubernetes/prometheus-alert-rules';
import { kubernetesWarnings, refuseStrictFindings } from '../../plan/kubernetes/release-warnings';
import { rollbackAnalysisBounds, rollbackAnalysisNumbers } from '../../plan/kubernetes/rollback-analysis';
import { rolloutStatusRules } from '../../plan/kubernetes/rollout-status-rules';
import { workloadShape } from '../../plan/kubernetes/workload-shape';
import type { ServiceDefinition } from '../../model/service-definition';
import type { RunbookFacts } from '../facts';
import { alertmanagerRoutingRunbookFacts } from './alertmanager';
import { kubernetesChartRunbookFacts } from './kubernetes-chart';
import { factsWithKubectlContext } from './kubernetes-context';
import { featureFlagsRunbookFacts } from './kubernetes-flags';
import { migrationJobsRunbookFacts } from './kubernetes-migrations';
import { rollbackAnalysisRunbookFacts } from './kubernetes-analysis';
import { prometheusAlertsRunbookFacts } from './kubernetes-alerts';
import { networkPoliciesRunbookFacts } from './kubernetes-network-policies';
import { podMonitorRunbookFacts } from './kubernetes-pod-monitor';
import { rolloutStatusRunbookFacts } from './kubernetes-rollout-status';
import { externalSecretsRunbookFacts } from './kubernetes-secrets';
import { smokeTestAnalysisRunbookFacts } from './kubernetes-smoke-tests';
import { progressiveWorkloadRunbookFacts, workloadRunbook } from './kubernetes-workload-facts';

/** The runbook of one service × environment on Kubernetes, and the warnings synthesis would print. */
export interface KubernetesRunbookFacts {
  /** Facts of every part, in the order `DeploymentChart` holds them (namespace first). */
  readonly facts: RunbookFacts[];
  /** Schedule deviations, rollback budgets, detection notes: what `glidepath synth` warns. */
  readonly warnings: string[];
}

/**
 * The Kubernetes runbook facts of a definition's environment, from the plan alone: no cdk8s, no
 * synthesis. The same functions give the runbook facts of the constructs `DeploymentChart` writes,
 * so a runbook rendered here is the one `glidepath synth` writes beside the manifest. Throws what
 * synthesis throws (strict mode included).
 */
export function kubernetesRunbookFacts(
  definition: ServiceDefinition,
  environment: string,
  options: KubernetesPlanOptions = {},
): KubernetesRunbookFacts {
  return planRunbookFacts(kubernetesPlan(definition, environment, options));
}

/** The runbook facts of a planned environment (see `kubernetesRunbookFacts`). */
export function planRunbookFacts(plan: KubernetesPlan): KubernetesRunbookFacts {
  const { definition, namespace } = plan;
  const env = plan.environment;
  const shape = workloadShape(plan.workload);
  const numbers = plan.analysis && rollbackAnalysisNumbers(plan.analysis);
  const workload = {
    ...plan.workload,
    analysis: numbers && {
      templateName: numbers.templateName,
      healthTemplateName: numbers.healthTemplateName,
      failureLimit: numbers.failureLimit,
      bounds: () => rollbackAnalysisBounds(numbers),
    },
  };
  const diagnosis = workloadRunbook(workload, shape).diagnosisCommands();
  const alerts = { ...plan.alerts, diagnosis };
  const rules = prometheusAlertRules(alerts);
  const routing = plan.alerting && alertmanagerRouting(plan.alerting);
  const flags = plan.featureFlags && featureFlagsRunbookFacts(plan.featureFlags);
  const workloadFacts = progressiveWorkloadRunbookFacts(workload, shape);
  const release = {
    schedule: shape.schedule,
    detection: plan.detection,
    strict: definition.strict,
    runbookBaseUrl: definition.runbookBaseUrl,
    rollbackLevels: [...(flags?.rollback ?? []), ...(workloadFacts.rollback ?? [])],
  };
  refuseStrictFindings(release, env, definition.service);
  const warnings = kubernetesWarnings(release);
  const facts: (RunbookFacts | undefined)[] = [
    {
      ...kubernetesChartRunbookFacts({
        definition,
        environment: env,
        namespace,
        manifestPath: plan.manifestPath,
        prometheusAddress: plan.prometheusAddress,
        workload: shape,
        smokeTestAnalysis: plan.smokeTests !== undefined,
        externalSecrets: plan.secrets !== undefined,
        secretsRefreshInterval: plan.secrets ? EXTERNAL_SECRETS_REFRESH_INTERVAL.toString() : undefined,
        migrations: plan.migrations !== undefined,
        totalBake: shape.schedule.totalBake.toString(),
        alerts: { ruleGroup: rules.spec.groups[0].name, requestsMetric: plan.signals.requestsMetric, matchers: plan.signals.matchers },
      }),
      detection: plan.detection,
    },
    plan.secrets && externalSecretsRunbookFacts(plan.secrets),
    flags,
    podMonitorRunbookFacts(plan.podMonitor),
    plan.analysis && numbers && rollbackAnalysisRunbookFacts(plan.analysis, numbers),
    plan.migrations && migrationJobsRunbookFacts(plan.migrations),
    plan.smokeTests && smokeTestAnalysisRunbookFacts(plan.smokeTests),
    workloadFacts,
    networkPoliciesRunbookFacts(plan.networkPolicies),
    prometheusAlertsRunbookFacts(alerts, rules, plan.prometheusAddress ?? env.kubernetes.prometheusAddress),
    plan.rolloutStatus && rolloutStatusRunbookFacts({ ...plan.rolloutStatus, diagnosis }, rolloutStatusRules(plan.rolloutStatus)),
    plan.alerting && routing && alertmanagerRoutingRunbookFacts(plan.alerting, routing),
    // The receivers' credentials, synced like the workload's secrets (AlertmanagerRouting's ExternalSecrets).
    plan.alerting && routing && routing.credentials.length > 0
      ? externalSecretsRunbookFacts({
          namespace,
          name: plan.alerting.name,
          secrets: routing.credentials.map((c) => ({ ...c, envVar: '' })),
        })
      : undefined,
  ];
  return {
    facts: facts.filter((f): f is RunbookFacts => f !== undefined).map((f) => factsWithKubectlContext(f, env.kubernetes.context)),
    warnings: warnings.map((w) => `${definition.service}-${env.name} (Kubernetes): ${w}`),
  };
}
