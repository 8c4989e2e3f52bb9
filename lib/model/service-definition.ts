import { z } from 'zod';
import { alarmPolicySchema } from './alarm-policy';
import { deadMansSwitchSchema } from './dead-mans-switch';
import { deliverySchema, type Delivery } from './delivery';
import { type Duration } from './duration';
import { environmentSchema, type EnvironmentDefinition } from './environment';
import { kubernetesSchema } from './kubernetes';
import { featureFlagSchema, type FeatureFlag } from './feature-flags';
import { migrationSchema, type Migration } from './migrations';
import { incidentResponseSchema, type IncidentResponse } from './incident-response';
import { ownersSchema, type Owners } from './owners';
import { dnsLabel, durationField } from './private/fields';
import { communicationSchema, doraTargetsSchema, type CommunicationPlan, type DoraTargets } from './release-practice';
import { receiversSchema } from './receivers';
import { secretSchema } from './secrets';
import { smokeTestsSchema, type SmokeTests } from './smoke-tests';
import { workloadSchema, type Workload } from './workload';

/**
 * Longest description: it becomes the stack description, which CloudFormation caps at 1,024 bytes.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-description-structure.html
 */
export const MAX_DESCRIPTION_BYTES = 1024;

function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** Time budgets of the three rollback levels. */
export const rollbackBudgetsSchema = z.strictObject({
  /** Level 1: turn a feature flag off. @default 1m */
  featureFlag: durationField.optional().describe('Level 1: turn a feature flag off. Default "1m".'),
  /** Level 2: go back to the previous configuration / revision. @default 5m */
  configuration: durationField.optional().describe('Level 2: go back to the previous configuration / revision. Default "5m".'),
  /** Level 3: redeploy the previous code. @default 15m */
  code: durationField.optional().describe('Level 3: redeploy the previous code. Default "15m".'),
});

/**
 * The definition of how one service ships: the single source for CloudFormation, Kubernetes
 * manifests and the runbook. Write it in TypeScript (`defineService`) or as YAML/JSON checked by
 * `schema/glidepath.schema.json`.
 */
export const serviceDefinitionSchema = z
  .strictObject({
    /** Optional link to the JSON Schema, for editors. */
    $schema: z.string().optional().describe('Link to the JSON Schema, for editors.'),
    /** Service name, e.g. `checkout`; prefix of every physical name. */
    service: dnsLabel(40).describe(
      'Service name, e.g. "checkout"; prefix of every physical name. Lower-case letters, digits and hyphens, at most 40 characters.',
    ),
    /** One line on what the service does. @default - none */
    description: z
      .string()
      .refine((text) => utf8Bytes(text) <= MAX_DESCRIPTION_BYTES, {
        error: (issue) =>
          `is ${utf8Bytes(issue.input as string)} bytes long; CloudFormation caps a description at ${MAX_DESCRIPTION_BYTES} bytes, so keep it to one line`,
      })
      .optional()
      .describe(`One line on what the service does (at most ${MAX_DESCRIPTION_BYTES} bytes).`),
    /** Who owns the service and decides on rollbacks. */
    owners: ownersSchema,
    /** What runs. */
    workload: workloadSchema.describe('What runs: exactly one of container or function.'),
    /** Alarm policy for every environment (each may override). @default - common-practice thresholds */
    alarms: alarmPolicySchema
      .optional()
      .describe('Alarm policy for every environment (each may override). Default: common-practice thresholds.'),
    /** Dead-man's switch for every environment. @default - 5 minutes without platform metrics */
    deadMansSwitch: deadMansSwitchSchema
      .optional()
      .describe("Dead-man's switch for every environment. Default: 5 minutes without platform metrics."),
    /** Secrets the workload needs. @default - none */
    secrets: z.array(secretSchema).optional().describe('Secrets the workload needs, as references or generated values.'),
    /** Feature flags; kill switches are rollback level 1. @default - none */
    featureFlags: z.array(featureFlagSchema).optional().describe('Feature flags; kill switches are rollback level 1.'),
    /** HTTP checks of the new version, run at every stage. @default - none */
    smokeTests: smokeTestsSchema
      .optional()
      .describe('HTTP checks of the new version, run by the platform before it takes traffic and by "glidepath smoke-test".'),
    /** Database migrations, expand before traffic and contract after the rollback window. @default - none */
    migrations: z
      .array(migrationSchema)
      .optional()
      .describe('Database migrations of this release: expand before traffic, contract after the rollback window.'),
    /** The team's DORA targets, for the decision record. @default - none */
    dora: doraTargetsSchema.optional().describe("The team's DORA targets, for the runbook's decision record."),
    /** The communication plan. @default - derived from the owners */
    communication: communicationSchema
      .optional()
      .describe('Who hears what before, during and after a release. Default: derived from the owners.'),
    /** How incidents are run beyond primary and backup. @default - channel and commander from the owners */
    incidentResponse: incidentResponseSchema.optional(),
    /** Time budgets of the rollback levels. @default 1m / 5m / 15m */
    rollbackBudgets: rollbackBudgetsSchema.optional().describe('Time budgets of the three rollback levels. Default 1m / 5m / 15m.'),
    /** Kubernetes target settings for every environment (each may override). @default - see `kubernetesSchema` */
    kubernetes: kubernetesSchema.optional(),
    /** Who hears about alerts in every environment (each may override a role). @default - nobody */
    receivers: receiversSchema.optional(),
    /** How changes reach the environments (pipeline, waves, deploy roles). @default - no pipeline */
    delivery: deliverySchema.optional(),
    /** Environments in promotion order; production last. */
    environments: z
      .array(environmentSchema)
      .min(1, { error: 'must list at least one environment' })
      .describe('Environments in promotion order; production last.'),
    /**
     * Fail instead of warn when a platform cannot run the requested schedule exactly or a rollback
     * bound exceeds its budget. @default false
     */
    strict: z
      .boolean()
      .optional()
      .describe(
        'Fail instead of warn when a platform cannot run the requested schedule exactly or a rollback bound exceeds its budget. Default false.',
      ),
    /** Where the rendered runbooks are published, for links from alarms. @default - relative links */
    runbookBaseUrl: z
      .url({ error: 'must be an http(s) URL such as "https://runbooks.example.com/checkout"', protocol: /^https?$/ })
      .regex(/^\S+$/, { error: 'must not contain spaces; write a space in a URL as "%20"' })
      .optional()
      .describe('Where the rendered runbooks are published, for links from alarms. Default: relative links.'),
  })
  .meta({
    id: 'ServiceDefinition',
    title: 'glidepath service definition',
    description: "How one service ships: owners, workload, environments with their rollout, alarms, dead-man's switch and secrets.",
  });

/** A definition as written (TypeScript users get completion from this type). */
export type ServiceDefinitionInput = WithSpellings<z.input<typeof serviceDefinitionSchema>>;

/**
 * An input type where every enum also takes its value as written in YAML (`'canary'` for
 * `RolloutStrategy.CANARY`), so TypeScript definitions accept the same spellings as YAML and JSON.
 */
export type WithSpellings<T> = T extends string
  ? T | `${T}`
  : T extends (...args: never[]) => unknown
    ? T
    : T extends readonly (infer U)[]
      ? readonly WithSpellings<U>[]
      : T extends object
        ? { [K in keyof T]: WithSpellings<T[K]> }
        : T;

/** Rollback budgets, resolved. */
export interface RollbackBudgets {
  readonly featureFlag: Duration;
  readonly configuration: Duration;
  readonly code: Duration;
}

/** A validated definition with every default filled. */
export interface ServiceDefinition {
  readonly service: string;
  readonly description?: string;
  readonly owners: Owners;
  readonly workload: Workload;
  readonly environments: readonly EnvironmentDefinition[];
  /** How changes reach the environments; absent when the definition has no `delivery`. */
  readonly delivery?: Delivery;
  readonly rollbackBudgets: RollbackBudgets;
  readonly featureFlags: readonly FeatureFlag[];
  /** Smoke tests, if defined. */
  readonly smokeTests?: SmokeTests;
  /** Migrations in order (expand and contract). */
  readonly migrations: readonly Migration[];
  readonly dora?: DoraTargets;
  readonly communication: CommunicationPlan;
  readonly incidentResponse: IncidentResponse;
  readonly strict: boolean;
  readonly runbookBaseUrl?: string;
  /** Directory that relative paths (function code) are resolved against. */
  readonly baseDirectory: string;
}

/** Finds an environment by name, or throws an error listing the ones that exist. */
export function environmentOf(definition: ServiceDefinition, name: string): EnvironmentDefinition {
  const env = definition.environments.find((e) => e.name === name);
  if (!env) {
    throw new Error(
      `environment "${name}" is not defined for service "${definition.service}"; defined: ${definition.environments
        .map((e) => e.name)
        .join(', ')}`,
    );
  }
  return env;
}
