import { spawnSync } from 'node:child_process';
import Ajv from 'ajv';
import { Rollout } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout';
import { AnalysisTemplate } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisTemplate';
import { AlertmanagerConfig } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1alpha1/AlertmanagerConfig';
import { PodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { validateDefinition, type ServiceDefinition } from '../../lib/model';
import type { RunbookFacts } from '../../lib/runbook/facts';

/** A Kubernetes object as synthesized. */

export type Manifest = Record<string, any>;

/** A container service `shop` with the given environments (as written in YAML), validated. */
export function containerService(environments: readonly unknown[], extra: Record<string, unknown> = {}): ServiceDefinition {
  return validateDefinition({
    service: 'shop',
    owners: { team: 'web', primary: '@ana', backup: '@ben', channel: '#shop-releases' },
    receivers: { critical: { enabled: false, reason: 'A test definition: nobody is paged' } },
    workload: { container: { image: 'ghcr.io/acme/shop:1.0.0', port: 8080, healthCheckPath: '/healthz' } },
    ...extra,
    environments,
  });
}

/** The one object of `kind` (and `name`, when several) in a synthesized chart. */
export function objectOf(manifests: Manifest[], kind: string, name?: string): Manifest {
  const found = manifests.filter((m) => m.kind === kind && (name === undefined || m.metadata.name === name));
  if (found.length !== 1) {
    throw new Error(
      `expected one ${kind}${name ? ` "${name}"` : ''}, found ${found.length}: ${manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')}`,
    );
  }
  return found[0];
}

// Minimal schemas of the External Secrets Operator v1 kinds glidepath writes: the npm models
// predate external-secrets.io/v1. Closed objects, so a misspelt field fails.
const closed = (properties: Record<string, object>, required: string[]) => ({
  type: 'object',
  additionalProperties: false,
  properties,
  required,
});
const metadata = closed({ name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' }, namespace: { type: 'string' } }, [
  'name',
  'namespace',
]);
const esoSchemas: Record<string, object> = {
  SecretStore: closed(
    {
      apiVersion: { const: 'external-secrets.io/v1' },
      kind: { const: 'SecretStore' },
      metadata,
      spec: closed(
        {
          provider: closed(
            {
              aws: closed(
                {
                  service: { enum: ['SecretsManager', 'ParameterStore'] },
                  region: { type: 'string', pattern: '^[a-z]{2}(-[a-z]+)+-\\d$' },
                  auth: closed(
                    { jwt: closed({ serviceAccountRef: closed({ name: { type: 'string' } }, ['name']) }, ['serviceAccountRef']) },
                    ['jwt'],
                  ),
                },
                ['service', 'region'],
              ),
            },
            ['aws'],
          ),
        },
        ['provider'],
      ),
    },
    ['apiVersion', 'kind', 'metadata', 'spec'],
  ),
  ExternalSecret: closed(
    {
      apiVersion: { const: 'external-secrets.io/v1' },
      kind: { const: 'ExternalSecret' },
      metadata,
      spec: closed(
        {
          refreshInterval: { type: 'string', pattern: '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$' },
          secretStoreRef: closed({ name: { type: 'string' }, kind: { enum: ['SecretStore', 'ClusterSecretStore'] } }, ['name']),
          target: closed(
            {
              name: { type: 'string' },
              creationPolicy: { enum: ['Owner', 'Orphan', 'Merge', 'None'] },
              deletionPolicy: { enum: ['Delete', 'Merge', 'Retain'] },
            },
            ['name'],
          ),
          data: {
            type: 'array',
            minItems: 1,
            items: closed(
              {
                secretKey: { type: 'string' },
                remoteRef: closed({ key: { type: 'string', minLength: 1 }, property: { type: 'string' } }, ['key']),
              },
              ['secretKey', 'remoteRef'],
            ),
          },
        },
        ['secretStoreRef', 'target', 'data'],
      ),
    },
    ['apiVersion', 'kind', 'metadata', 'spec'],
  ),
};
const ajv = new Ajv({ allErrors: true });
const esoValidators = Object.fromEntries(Object.entries(esoSchemas).map(([kind, schema]) => [kind, ajv.compile(schema)]));

const models: Record<string, new (data: any) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'argoproj.io/v1alpha1/Rollout': Rollout,
  'argoproj.io/v1alpha1/AnalysisTemplate': AnalysisTemplate,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
  'monitoring.coreos.com/v1/PodMonitor': PodMonitor,
  'monitoring.coreos.com/v1alpha1/AlertmanagerConfig': AlertmanagerConfig,
};

/**
 * Validates one object against its schema: kubernetes-models for core kinds, Argo Rollouts and
 * prometheus-operator; our own closed schema for External Secrets. Throws naming the object.
 */
export function validateObject(m: Manifest): void {
  const key = `${m.apiVersion}/${m.kind}`;
  const where = `${m.kind} ${m.metadata?.namespace ?? ''}/${m.metadata?.name}`;
  const esoValidate = m.apiVersion === 'external-secrets.io/v1' ? esoValidators[m.kind] : undefined;
  if (esoValidate) {
    if (!esoValidate(m)) {
      throw new Error(`${where} is invalid: ${ajv.errorsText(esoValidate.errors)}`);
    }
    return;
  }
  const Model = models[key];
  if (!Model) {
    throw new Error(`${where}: no schema for ${key}; add one to test/k8s/helpers.ts`);
  }
  try {
    new Model(m).validate();
  } catch (err) {
    throw new Error(`${where} is invalid: ${(err as Error).message}`);
  }
  validateEmbeddedPodSpecs(m, where);
}

/**
 * Pod and Job specs inside custom resources are untyped to their CRD schema
 * (preserve-unknown-fields), but the controllers decode them as core types: validate them
 * against kubernetes-models' `batch/v1` Job and `apps/v1` Deployment (pod template) schemas.
 */
export function validateEmbeddedPodSpecs(m: Manifest, where = `${m.kind} ${m.metadata?.name}`): void {
  const check = (what: string, run: () => void) => {
    try {
      run();
    } catch (err) {
      throw new Error(`${where}: ${what} is not a valid core object: ${(err as Error).message}`);
    }
  };
  if (m.kind === 'AnalysisTemplate') {
    for (const metric of m.spec.metrics ?? []) {
      const job = metric.provider?.job;
      if (job)
        check(`metric ${metric.name}'s Job`, () => new Job({ metadata: { name: 'embedded', ...job.metadata }, spec: job.spec }).validate());
    }
  }
  if (m.kind === 'Rollout') {
    check('spec.template', () =>
      new Deployment({ metadata: { name: 'embedded' }, spec: { selector: m.spec.selector, template: m.spec.template } }).validate(),
    );
  }
}

/** Every shell command in a set of runbook facts. */
export function commandsOf(facts: RunbookFacts[]): string[] {
  const commands: string[] = [];
  for (const f of facts) {
    for (const c of f.deploy ?? []) commands.push(c.command);
    for (const level of f.rollback ?? []) for (const c of [...level.commands, ...level.verify]) commands.push(c.command);
    for (const alarm of f.alarms ?? []) for (const c of alarm.diagnosis) commands.push(c.command);
  }
  return [...new Set(commands)];
}

/** `bash -n` on a command: undefined when it parses, else bash's message. */
export function bashSyntaxError(command: string): string | undefined {
  return bashSyntaxErrors([command])[0];
}

/**
 * `bash -n` on each command, in order: undefined where it parses, else bash's message. One bash
 * runs every check (a spawn per command from a jest worker that has synthesized charts costs tens
 * of milliseconds of system CPU each); each command is still parsed on its own, by its own `bash -n`.
 */
export function bashSyntaxErrors(commands: readonly string[]): (string | undefined)[] {
  if (commands.length === 0) return [];
  // Each command after a NUL: the loop reads them one at a time and prints, NUL-terminated, the
  // exit status and what `bash -n` wrote for each.
  const result = spawnSync(
    'bash',
    ['-c', 'while IFS= read -r -d "" c; do out=$(bash -n -c "$c" 2>&1); printf "%s\\0%s\\0" "$?" "$out"; done'],
    { input: commands.map((c) => `${c}\0`).join(''), encoding: 'utf8' },
  );
  if (result.status !== 0 || result.error) throw new Error(`bash -n loop failed: ${result.error?.message ?? result.stderr}`);
  const fields = result.stdout.split('\0');
  if (fields.length !== commands.length * 2 + 1)
    throw new Error(`bash -n loop answered ${(fields.length - 1) / 2} of ${commands.length} commands`);
  return commands.map((_, i) => (fields[2 * i] === '0' ? undefined : fields[2 * i + 1].trim()));
}

/**
 * shellcheck findings (severity warning and above) for commands run as one script; empty when
 * clean. Undefined when shellcheck is not installed, except in CI where that fails.
 */
export function shellcheckFindings(commands: readonly string[]): string | undefined {
  const available = spawnSync('shellcheck', ['--version']).status === 0;
  if (!available) {
    if (process.env.CI === 'true') {
      throw new Error('shellcheck is missing and CI=true: install it (apt-get install -y shellcheck)');
    }
    return undefined;
  }
  const result = spawnSync('shellcheck', ['-S', 'warning', '-s', 'bash', '-'], { input: commands.join('\n') + '\n', encoding: 'utf8' });
  return result.stdout;
}

/**
 * Whether promtool is on the PATH; throws when it is not: the promtool tests prove behaviour, so
 * they fail rather than skip (install Debian's `prometheus`; `.ci/run` does).
 */
export function havePromtool(): boolean {
  const found = spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0;
  if (!found) {
    throw new Error('promtool is missing: install it (apt-get install -y prometheus); the promtool tests fail rather than skip');
  }
  return found;
}

/** Runs promtool in `cwd`; returns its exit status and output. */
export function promtool(cwd: string, ...args: string[]): { status: number; output: string } {
  const result = spawnSync('promtool', args, { cwd, encoding: 'utf8' });
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}
