/**
 * What a target refuses at synthesis that depends only on the definition, checked here so that
 * `glidepath validate` refuses it first, with the field and where it is written (issue "validate
 * equals synth"). Each rule names the construct that used to be the first to refuse it; the
 * constructs keep their own checks for people who compose them by hand.
 */
import { platformSmokeTests, worstCaseMs } from '../../smoke/inline';
import type { EnvironmentDefinition } from '../environment';
import { problem, type Problem } from '../problems';
import type { ServiceDefinition } from '../service-definition';
import type { Parsed } from './checkable';
import { kubernetesNetworkRuleProblems } from './kubernetes-network';
import { receiverTargetProblems } from './receiver-targets';
import { kubernetesTlsProblems } from './kubernetes-tls';

/**
 * Longest a smoke-test hook may run: CodeDeploy and ECS lifecycle hooks run a Lambda function,
 * which stops at 15 minutes; one minute is kept for reporting (constructs/aws/smoke-test-hook.ts).
 */
export const SMOKE_HOOK_MAX_MS = 14 * 60 * 1000;

/** Where a field of an environment is written: the environment's override if any, else the service's. */
function writtenAt(parsed: Parsed, i: number, ...path: string[]): PropertyKey[] {
  let value: unknown = parsed.environments[i];
  for (const key of path) value = (value as Record<string, unknown> | undefined)?.[key];
  return value !== undefined ? ['environments', i, ...path] : path;
}

/** Problems every target would raise for a resolved definition; `parsed` says where each value is written. */
export function targetProblems(def: ServiceDefinition, parsed: Parsed): Problem[] {
  const problems: Problem[] = [];
  if (def.smokeTests) {
    const inline = platformSmokeTests(def.smokeTests);
    // constructs/aws/smoke-test-hook.ts and constructs/k8s/smoke-test-analysis.ts
    if (inline.checks.length === 0) {
      problems.push(
        problem(
          ['smokeTests', 'checks'],
          inline.skipped,
          'every check needs a credential from the environment, so none can run inside the platform (the deployment hook or the analysis Job) and every release would roll back; add a check without credentials, e.g. the health check',
        ),
      );
    } else if (worstCaseMs(inline) > SMOKE_HOOK_MAX_MS) {
      const { attempts, timeoutMs } = inline.settings;
      problems.push(
        problem(
          ['smokeTests'],
          `${inline.checks.length} checks × ${attempts} attempts × ${timeoutMs} ms`,
          `the checks can take ${Math.ceil(worstCaseMs(inline) / 1000)}s, longer than a deployment hook may run (${SMOKE_HOOK_MAX_MS / 1000}s); lower "attempts" or "timeout", or run fewer checks`,
        ),
      );
    }
  }
  // constructs/aws/progressive-function.ts (secretEnvironment): a function reads each secret's ARN from <envVar>_SECRET_ARN.
  const fn = def.workload.function;
  (parsed.secrets ?? []).forEach((secret, k) => {
    const variable = `${secret.envVar}_SECRET_ARN`;
    if (fn && Object.hasOwn(fn.environment, variable)) {
      problems.push(
        problem(
          ['secrets', k, 'envVar'],
          secret.envVar,
          `a function reads this secret's ARN from "${variable}", which workload.function.environment also sets; remove "${variable}" there (glidepath sets it)`,
        ),
      );
    }
  });
  def.environments.forEach((env, i) => problems.push(...environmentProblems(def, env, i, parsed)));
  def.environments.forEach((env, i) =>
    problems.push(...receiverTargetProblems(def.service, env, i, parsed, Boolean(def.workload.container))),
  );
  // A service-level value that is wrong for several environments is one problem, reported once.
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(p.message) && Boolean(seen.add(p.message)));
}

function environmentProblems(def: ServiceDefinition, env: EnvironmentDefinition, i: number, parsed: Parsed): Problem[] {
  const problems: Problem[] = [];
  const container = def.workload.container;
  if (container) {
    // constructs/aws/deployment-stack.ts (tlsOf): production serves users through an internet-facing load balancer.
    if (env.production && !env.tls) {
      problems.push(
        problem(
          ['environments', i, 'tls'],
          undefined,
          `production environment "${env.name}" serves users through an internet-facing load balancer and needs HTTPS: set "tls.certificateArn", or "tls.domainName" with "tls.hostedZoneId" and "tls.hostedZoneName" to issue a DNS-validated certificate, or "tls: { enabled: false, reason: ... }" to accept plain HTTP`,
        ),
      );
    }
    // constructs/k8s/workload-ingress.ts: the Kubernetes Ingress needs its own HTTPS (a Secret, or ACM for the ALB controller).
    problems.push(...kubernetesTlsProblems(env, i, parsed));
    // constructs/k8s/deployment-chart.ts: the NetworkPolicies admit only what the definition lists.
    problems.push(...kubernetesNetworkRuleProblems(def, env, i, parsed));
    // constructs/k8s/deployment-chart.ts: metrics stay off the Services and the Ingress.
    if (env.kubernetes.metrics.port === container.port) {
      problems.push(
        problem(
          parsed.environments[i].kubernetes?.metrics?.port !== undefined || parsed.kubernetes?.metrics?.port !== undefined
            ? writtenAt(parsed, i, 'kubernetes', 'metrics', 'port')
            : ['workload', 'container', 'port'],
          container.port,
          `the Kubernetes target serves metrics on kubernetes.metrics.port (${env.kubernetes.metrics.port}), which must differ from the serving port so metrics stay out of the Services and the Ingress; set "kubernetes.metrics.port" to another port, e.g. ${container.port === 9090 ? 9091 : 9090}`,
        ),
      );
    }
    // constructs/k8s/deployment-chart.ts: the External Secrets SecretStore reads Secrets Manager in a region.
    if (env.secrets.length > 0 && !env.region) {
      problems.push(
        problem(
          ['environments', i, 'region'],
          undefined,
          `"${env.name}" has secrets (${env.secrets.map((s) => `"${s.secretName}"`).join(', ')}), and the Kubernetes SecretStore must name the AWS region that holds them; set "region", e.g. "eu-west-1"`,
        ),
      );
    }
    // constructs/k8s/prometheus-alerts.ts: two scrapes of "for" plus one of window, so one missed scrape does not page.
    const scrape = env.kubernetes.scrapeInterval;
    if (env.deadMansSwitch.enabled && env.deadMansSwitch.missingFor.toSeconds() < 3 * scrape.toSeconds()) {
      problems.push(
        problem(
          writtenAt(parsed, i, 'deadMansSwitch', 'missingFor'),
          env.deadMansSwitch.missingFor.toString(),
          `on Prometheus it must be at least 3 × the scrape interval (${scrape.times(3)} in "${env.name}") so that one missed scrape does not page; raise it or lower "kubernetes.scrapeInterval"`,
        ),
      );
    }
  } else if (def.featureFlags.length > 0 && !env.region) {
    // constructs/aws/app-config-feature-flags.ts: the AppConfig Lambda extension is a layer whose ARN depends on the region.
    problems.push(
      problem(
        ['environments', i, 'region'],
        undefined,
        `the function reads its feature flags through the AppConfig Lambda extension, a layer published per region, so "${env.name}" must name its region; set "region", e.g. "eu-west-1"`,
      ),
    );
  }
  return problems;
}
