/**
 * The properties the matchers assert, as pure functions of synthesized output. Each returns what it
 * looked at (`checked`) and what is wrong (`problems`), one line each, ready for a failure message.
 */
import { cfnText, objectsOf, resourcesOf, type Artefacts, type KubeObject } from './artefacts';

/** The outcome of one check. */
export interface CheckResult {
  /** One line per thing that satisfies the property. */
  readonly checked: readonly string[];
  /** One line per thing that violates it; empty when the property holds. */
  readonly problems: readonly string[];
}

const ecsName = (id: string, p: Record<string, any>) => `ECS service ${p.ServiceName ? `"${cfnText(p.ServiceName)}"` : id}`;
const groupName = (id: string, p: Record<string, any>) =>
  `CodeDeploy deployment group ${p.DeploymentGroupName ? `"${cfnText(p.DeploymentGroupName)}"` : id}`;
const kubeName = (o: KubeObject) => `${o.kind} "${o.metadata?.name ?? '?'}"`;

/** Every deployment rolls back by itself when an alarm (AWS) or an analysis (Argo Rollouts) fails. */
export function checkRollBackOnAlarm(a: Artefacts): CheckResult {
  const checked: string[] = [];
  const problems: string[] = [];
  for (const { id, properties: p } of resourcesOf(a, 'AWS::ECS::Service')) {
    const alarms = p.DeploymentConfiguration?.Alarms;
    const names: unknown[] = alarms?.AlarmNames ?? [];
    if (!alarms) {
      problems.push(`${ecsName(id, p)} has no DeploymentConfiguration.Alarms: pass deploymentAlarms or call addDeploymentAlarm()`);
    } else if (alarms.Enable !== true || alarms.Rollback !== true || names.length === 0) {
      problems.push(
        `${ecsName(id, p)} has DeploymentConfiguration.Alarms ${JSON.stringify({ Enable: alarms.Enable, Rollback: alarms.Rollback, alarms: names.length })}; it needs Enable and Rollback true and at least one alarm`,
      );
    } else {
      checked.push(`${ecsName(id, p)} rolls back on ${names.map(cfnText).join(', ')}`);
    }
  }
  for (const { id, properties: p } of resourcesOf(a, 'AWS::CodeDeploy::DeploymentGroup')) {
    const alarms: unknown[] = p.AlarmConfiguration?.Alarms ?? [];
    const events: string[] = p.AutoRollbackConfiguration?.Events ?? [];
    if (p.AlarmConfiguration?.Enabled !== true || alarms.length === 0) {
      problems.push(`${groupName(id, p)} watches no alarms (AlarmConfiguration is not enabled with at least one alarm)`);
    } else if (p.AutoRollbackConfiguration?.Enabled !== true || !events.includes('DEPLOYMENT_STOP_ON_ALARM')) {
      problems.push(
        `${groupName(id, p)} watches alarms but does not roll back on them (AutoRollbackConfiguration.Events lacks DEPLOYMENT_STOP_ON_ALARM)`,
      );
    } else {
      checked.push(`${groupName(id, p)} rolls back on ${alarms.map((x) => cfnText((x as { Name?: unknown }).Name)).join(', ')}`);
    }
  }
  for (const rollout of objectsOf(a, 'Rollout', 'argoproj.io/')) {
    const strategy = (rollout.spec?.strategy ?? {}) as Record<string, any>;
    const analyses = strategy.canary
      ? [strategy.canary.analysis, ...((strategy.canary.steps ?? []) as any[]).map((s) => s.analysis)]
      : [strategy.blueGreen?.prePromotionAnalysis, strategy.blueGreen?.postPromotionAnalysis];
    const templates = analyses
      .filter(Boolean)
      .flatMap((x: any) => (x.templates ?? []).map((t: any) => t.templateName ?? t.clusterTemplateName));
    if (templates.length === 0) {
      problems.push(`${kubeName(rollout)} runs no analysis, so nothing aborts a bad rollout: add an AnalysisTemplate (RollbackAnalysis)`);
    } else {
      checked.push(`${kubeName(rollout)} aborts on analysis ${[...new Set(templates)].join(', ')}`);
    }
  }
  if (checked.length === 0 && problems.length === 0) {
    problems.push('there is no deployment to check: no AWS::ECS::Service, AWS::CodeDeploy::DeploymentGroup or Argo Rollout');
  }
  return { checked, problems };
}

/** An alarm that fires on silence: CloudWatch with missing data breaching, or a Prometheus `absent` rule. */
export function checkDeadMansSwitch(a: Artefacts): CheckResult {
  const checked: string[] = [];
  const others: string[] = [];
  for (const { id, properties: p } of resourcesOf(a, 'AWS::CloudWatch::Alarm')) {
    const name = p.AlarmName ? `"${cfnText(p.AlarmName)}"` : id;
    const actions: unknown[] = p.AlarmActions ?? [];
    if (p.TreatMissingData === 'breaching' && actions.length > 0) {
      checked.push(`alarm ${name} treats missing data as breaching and notifies ${actions.map(cfnText).join(', ')}`);
    } else {
      others.push(`alarm ${name}: TreatMissingData ${p.TreatMissingData ?? 'missing (the default)'}, ${actions.length} alarm action(s)`);
    }
  }
  for (const rule of objectsOf(a, 'PrometheusRule')) {
    for (const group of (rule.spec?.groups ?? []) as any[]) {
      for (const r of (group.rules ?? []) as any[]) {
        if (!r.alert) continue;
        if (/\babsent(_over_time)?\s*\(/.test(String(r.expr))) {
          checked.push(`alert ${r.alert} in ${kubeName(rule)} fires on absent data`);
        } else {
          others.push(`alert ${r.alert} in ${kubeName(rule)} does not use absent() or absent_over_time()`);
        }
      }
    }
  }
  const problems =
    checked.length > 0
      ? []
      : others.length === 0
        ? ['there are no alarms or alerts at all']
        : [`none of the ${others.length} alarms and alerts fires on silence:`, ...others.map((o) => `  ${o}`)];
  return { checked, problems };
}

/** The traffic weights each deployment really steps through, ending at 100. */
export function trafficSchedules(
  a: Artefacts,
): { readonly workload: string; readonly weights: readonly number[] | undefined; readonly how: string }[] {
  const out: { workload: string; weights: number[] | undefined; how: string }[] = [];
  const upTo100 = (step: number) =>
    Array.from({ length: Math.ceil(100 / step) }, (_, i) => Math.min(100, Number(((i + 1) * step).toFixed(1))));
  for (const { id, properties: p } of resourcesOf(a, 'AWS::ECS::Service')) {
    const d = p.DeploymentConfiguration ?? {};
    const strategy = d.Strategy ?? 'ROLLING';
    const weights =
      strategy === 'CANARY'
        ? [d.CanaryConfiguration?.CanaryPercent, 100]
        : strategy === 'LINEAR'
          ? upTo100(d.LinearConfiguration?.StepPercent)
          : strategy === 'BLUE_GREEN'
            ? [100]
            : undefined;
    out.push({
      workload: ecsName(id, p),
      weights,
      how: strategy === 'ROLLING' ? 'ROLLING (replaces tasks; no traffic shifting)' : strategy,
    });
  }
  for (const { id, properties: p, template } of resourcesOf(a, 'AWS::CodeDeploy::DeploymentGroup')) {
    const ref = p.DeploymentConfigName;
    let weights: number[] | undefined;
    let how = cfnText(ref ?? 'CodeDeployDefault.OneAtATime');
    const config = typeof ref === 'object' && ref && 'Ref' in ref ? template.Resources?.[ref.Ref as string] : undefined;
    if (config) {
      const routing = (config.Properties as Record<string, any> | undefined)?.TrafficRoutingConfig ?? { Type: 'AllAtOnce' };
      how = `${routing.Type}${config.Properties?.DeploymentConfigName ? ` (${config.Properties.DeploymentConfigName})` : ''}`;
      weights =
        routing.Type === 'TimeBasedCanary'
          ? [routing.TimeBasedCanary.CanaryPercentage, 100]
          : routing.Type === 'TimeBasedLinear'
            ? upTo100(routing.TimeBasedLinear.LinearPercentage)
            : [100];
    } else if (typeof ref === 'string') {
      const canary = /Canary(\d+)Percent/.exec(ref);
      const linear = /Linear(\d+)Percent/.exec(ref);
      weights = canary ? [Number(canary[1]), 100] : linear ? upTo100(Number(linear[1])) : /AllAtOnce/.test(ref) ? [100] : undefined;
    }
    out.push({ workload: groupName(id, p), weights, how });
  }
  for (const rollout of objectsOf(a, 'Rollout', 'argoproj.io/')) {
    const strategy = (rollout.spec?.strategy ?? {}) as Record<string, any>;
    if (strategy.canary) {
      const weights = ((strategy.canary.steps ?? []) as any[]).filter((s) => s.setWeight !== undefined).map((s) => Number(s.setWeight));
      // Argo Rollouts promotes to 100% after the last step.
      out.push({ workload: kubeName(rollout), weights: weights.at(-1) === 100 ? weights : [...weights, 100], how: 'Argo Rollouts canary' });
    } else {
      out.push({ workload: kubeName(rollout), weights: [100], how: 'Argo Rollouts blue-green' });
    }
  }
  for (const deployment of objectsOf(a, 'Deployment')) {
    out.push({ workload: kubeName(deployment), weights: undefined, how: 'a Kubernetes Deployment (replaces pods; no traffic shifting)' });
  }
  return out;
}

/** Every deployment shifts traffic through exactly `expected`. */
export function checkShiftTraffic(a: Artefacts, expected: readonly number[]): CheckResult {
  const show = (w: readonly number[]) => w.map((x) => `${x}%`).join(' → ');
  const checked: string[] = [];
  const problems: string[] = [];
  for (const s of trafficSchedules(a)) {
    if (s.weights && s.weights.length === expected.length && s.weights.every((w, i) => w === expected[i])) {
      checked.push(`${s.workload} shifts ${show(s.weights)} (${s.how})`);
    } else {
      problems.push(`${s.workload} ${s.weights ? `shifts ${show(s.weights)}` : 'does not shift traffic'} (${s.how})`);
    }
  }
  if (checked.length === 0 && problems.length === 0) {
    problems.push('there is no deployment that could shift traffic');
  }
  return { checked, problems };
}

/** Names of environment variables and properties that hold credentials. */
const SECRET_ENV = /(^|[_-])(SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)([_-]|$)/i;
const SECRET_PROPERTY = /(Password|SecretString|Token|ApiKey|PrivateKey|SecretAccessKey)$/;
/** CloudFormation dynamic references resolve at deploy time and never put the value in the template. */
const DYNAMIC_REFERENCE = /^\{\{resolve:(secretsmanager|ssm-secure):/;

/**
 * No credential in plain text: no literal value in a credential-like CloudFormation property or
 * environment variable, no Kubernetes `Secret` with inline data, no credential-like key in a
 * ConfigMap. Messages name where, never the value.
 */
export function checkSecretsOutOfPlainText(a: Artefacts): CheckResult {
  const problems: string[] = [];
  const checked: string[] = [];
  const literal = (v: unknown) => typeof v === 'string' && v.length > 0 && !DYNAMIC_REFERENCE.test(v);
  for (const { id, type, properties } of resourcesOf(a)) {
    const before = problems.length;
    const walk = (value: unknown, path: string) => {
      if (Array.isArray(value)) {
        value.forEach((v, i) => walk(v, `${path}[${i}]`));
      } else if (typeof value === 'object' && value !== null) {
        const v = value as Record<string, unknown>;
        // ECS `Environment: [{ Name, Value }]`.
        if (typeof v.Name === 'string' && 'Value' in v && SECRET_ENV.test(v.Name) && literal(v.Value)) {
          problems.push(
            `${id} (${type}) ${path}: environment variable ${v.Name} holds a literal value; pass it in the construct's "secrets" prop (ProgressiveFargateService, DeploymentStack via the definition's secrets) or, in your own task definition, as ecs.Secret.fromSecretsManager`,
          );
        }
        for (const [key, child] of Object.entries(v)) {
          if (SECRET_PROPERTY.test(key) && literal(child)) {
            problems.push(
              `${id} (${type}) ${path}.${key} holds a literal value; generate it or use a {{resolve:secretsmanager:…}} reference`,
            );
          } else if (key === 'Variables' && typeof child === 'object' && child !== null) {
            // Lambda `Environment.Variables: { NAME: value }`.
            for (const [name, val] of Object.entries(child)) {
              if (SECRET_ENV.test(name) && literal(val)) {
                problems.push(`${id} (${type}) ${path}.Variables.${name} holds a literal value; read it from Secrets Manager at runtime`);
              }
            }
          } else {
            walk(child, `${path}.${key}`);
          }
        }
      }
    };
    walk(properties, 'Properties');
    if (type === 'AWS::SecretsManager::Secret' && problems.length === before) checked.push(`secret ${id}`);
  }
  for (const o of a.objects) {
    const before = problems.length;
    if (
      o.kind === 'Secret' &&
      o.apiVersion === 'v1' &&
      (Object.keys((o.data as object) ?? {}).length > 0 || Object.keys((o.stringData as object) ?? {}).length > 0)
    ) {
      problems.push(`${kubeName(o)} carries its values in the manifest; use an ExternalSecret (ExternalSecrets) instead`);
    }
    if (o.kind === 'ConfigMap') {
      for (const key of Object.keys((o.data as object) ?? {}).filter((k) => SECRET_ENV.test(k))) {
        problems.push(`${kubeName(o)} has key ${key}, which looks like a credential; keep credentials in a Secret from ExternalSecrets`);
      }
    }
    const walk = (value: unknown, path: string) => {
      if (Array.isArray(value)) {
        value.forEach((v, i) => walk(v, `${path}[${i}]`));
      } else if (typeof value === 'object' && value !== null) {
        const v = value as Record<string, unknown>;
        if (Array.isArray(v.env)) {
          for (const e of v.env as { name?: string; value?: unknown }[]) {
            if (e.name && SECRET_ENV.test(e.name) && literal(e.value)) {
              problems.push(`${kubeName(o)} ${path}: environment variable ${e.name} holds a literal value; use valueFrom.secretKeyRef`);
            }
          }
        }
        for (const [key, child] of Object.entries(v)) walk(child, `${path}.${key}`);
      }
    };
    walk(o.spec, 'spec');
    if (o.kind === 'ExternalSecret' && problems.length === before) checked.push(`${kubeName(o)}`);
  }
  return { checked, problems };
}
