import { resolveIncidentResponse } from '../incident-response';
import * as path from 'node:path';
import { resolveKubernetes } from '../kubernetes';
import { resolveReceivers } from '../receivers';
import { resolveTls } from '../tls';
import type { z } from 'zod';
import { resolveAlarmPolicy } from '../alarm-policy';
import { resolveDeadMansSwitch } from '../dead-mans-switch';
import { resolveDelivery } from '../delivery';
import { Duration } from '../duration';
import { RetentionPolicy, type EnvironmentDefinition, type EnvironmentInput } from '../environment';
import { MigrationPhase, type Migration } from '../migrations';
import { blueGreenStages, RolloutStrategy, standardStages, type Rollout, type Stage } from '../rollout';
import type { SecretReference } from '../secrets';
import type { serviceDefinitionSchema, ServiceDefinition } from '../service-definition';
import { resolveSmokeTests } from '../smoke-tests';
import { resolveTraffic } from '../traffic';

type Parsed = z.output<typeof serviceDefinitionSchema>;

/** Whether an environment serves real users: explicitly, or by the name "prod" / "production". */
export function isProduction(env: EnvironmentInput): boolean {
  return env.production ?? (env.name === 'prod' || env.name === 'production');
}

function resolveRollout(env: EnvironmentInput): Rollout {
  const { strategy } = env.rollout;
  let stages: readonly Stage[] = [];
  if (strategy === RolloutStrategy.BLUE_GREEN) {
    stages = env.rollout.stages ?? blueGreenStages();
  } else if (strategy === RolloutStrategy.LINEAR) {
    stages = env.rollout.stages ?? linearDefaultStages();
  } else if (strategy === RolloutStrategy.CANARY) {
    stages = env.rollout.stages ?? standardStages();
  }
  return {
    strategy,
    stages,
    rolling: {
      maxSurgePercent: env.rollout.rolling?.maxSurgePercent ?? 100,
      maxUnavailablePercent: env.rollout.rolling?.maxUnavailablePercent ?? 0,
    },
    rationale: env.rollout.rationale,
  };
}

/** Linear default: four equal steps of 25 % after the infrastructure stage, 10 minutes each. */
function linearDefaultStages(): Stage[] {
  const [infrastructure, canary] = standardStages();
  return [
    infrastructure,
    ...[25, 50, 75, 100].map((trafficPercent) => ({
      name: `step-${trafficPercent}`,
      trafficPercent,
      bake: Duration.minutes(10),
      validation: canary.validation,
      rollbackTrigger: canary.rollbackTrigger,
    })),
  ];
}

function resolveSecrets(def: Parsed, envName: string): SecretReference[] {
  return (def.secrets ?? []).map((s) => ({
    name: s.name,
    envVar: s.envVar,
    secretName: s.existing ? s.existing.secretName.replace(/\{env\}/g, envName) : `${def.service}/${envName}/${s.name}`,
    generated: s.generate !== undefined,
    rotationDays: s.generate ? s.generate.rotation.toSeconds() / 86400 : undefined,
    length: s.generate?.length,
    kmsKeyArn: s.existing?.kmsKeyArn,
  }));
}

function resolveMigrations(def: Parsed): Migration[] {
  return (def.migrations ?? []).map((m) => ({
    name: m.name,
    phase: m.phase,
    command: m.command,
    image: m.image ?? def.workload.container?.image ?? '',
    backwardCompatible: m.backwardCompatible ?? m.phase === MigrationPhase.EXPAND,
    codeReleasedIn: m.codeReleasedIn,
    timeout: m.timeout ?? Duration.minutes(10),
  }));
}

/** Fills every default of a definition that passed validation. */
export function resolveDefinition(def: Parsed, baseDirectory: string): ServiceDefinition {
  const environments: EnvironmentDefinition[] = def.environments.map((env, order) => {
    const production = isProduction(env);
    const desiredCount = env.capacity?.desiredCount ?? def.workload.container?.desiredCount ?? 1;
    const { minCount, maxCount } = env.capacity ?? {};
    return {
      name: env.name,
      order,
      production,
      approval: env.approval ?? production,
      account: env.account,
      region: env.region,
      rollout: resolveRollout(env),
      capacity: {
        desiredCount,
        scaling:
          minCount !== undefined && maxCount !== undefined
            ? { minCount, maxCount, targetCpuPercent: env.capacity?.targetCpuPercent ?? 60 }
            : undefined,
      },
      alarms: resolveAlarmPolicy(def.alarms, env.alarms),
      deadMansSwitch: resolveDeadMansSwitch(def.deadMansSwitch, env.deadMansSwitch),
      retention: env.retention ?? (production ? RetentionPolicy.RETAIN : RetentionPolicy.DESTROY),
      secrets: resolveSecrets(def, env.name),
      tls: resolveTls(env.tls, env.certificateArn),
      kubernetes: resolveKubernetes(def.kubernetes, env.kubernetes),
      receivers: resolveReceivers(env.name, def.receivers, env.receivers),
      access: { awsProfile: env.access?.awsProfile, kubeContext: env.access?.kubeContext },
      traffic: resolveTraffic(env.traffic, production),
    };
  });
  return {
    service: def.service,
    description: def.description,
    owners: def.owners,
    workload: def.workload,
    environments,
    delivery: def.delivery ? resolveDelivery(def.delivery, environments) : undefined,
    rollbackBudgets: {
      featureFlag: def.rollbackBudgets?.featureFlag ?? Duration.minutes(1),
      configuration: def.rollbackBudgets?.configuration ?? Duration.minutes(5),
      code: def.rollbackBudgets?.code ?? Duration.minutes(15),
    },
    featureFlags: (def.featureFlags ?? []).map((f) => ({
      name: f.name,
      description: f.description,
      enabled: f.enabled ?? false,
      killSwitch: f.killSwitch ?? true,
      rollout: f.rollout ? { internalFirst: f.rollout.internalFirst ?? false, percent: f.rollout.percent } : undefined,
    })),
    smokeTests: def.smokeTests ? resolveSmokeTests(def.smokeTests) : undefined,
    migrations: resolveMigrations(def),
    dora: def.dora,
    communication: {
      before:
        def.communication?.before ??
        `Announce the release and its window in ${def.owners.channel}; ${def.owners.primary} confirms they are on call.`,
      during: def.communication?.during ?? `Post each stage as it starts and passes in ${def.owners.channel}.`,
      ifIssues:
        def.communication?.ifIssues ??
        `${def.owners.primary} decides on rollback (backup ${def.owners.backup}); post status in ${def.owners.channel} every 15 minutes until resolved.`,
      checklist: def.communication?.checklist ?? [],
    },
    incidentResponse: resolveIncidentResponse(def.incidentResponse, def.owners),
    strict: def.strict ?? false,
    runbookBaseUrl: def.runbookBaseUrl,
    baseDirectory: path.resolve(baseDirectory),
  };
}
