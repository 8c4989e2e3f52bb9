import type { z } from 'zod';
import type { EnvironmentInput } from '../environment';
import type { SecretInput } from '../secrets';
import { serviceDefinitionSchema } from '../service-definition';

/** A definition as the schema parsed it (defaults of the schema filled, nothing resolved). */
export type Parsed = z.output<typeof serviceDefinitionSchema>;

/**
 * What the cross-field checks look at: a parsed definition, or, when parts of it failed the schema,
 * the parts that passed (failed environments and secrets are `undefined` at their index, so
 * messages keep the user's indexes; a failed workload is `undefined`).
 */
export type Checkable = Omit<Parsed, 'workload' | 'environments' | 'secrets'> & {
  readonly workload?: Parsed['workload'];
  readonly environments: readonly (EnvironmentInput | undefined)[];
  readonly secrets?: readonly (SecretInput | undefined)[];
  /**
   * Environment names as written, including environments that failed the schema: a reference to
   * one of them is not a problem of its own (its environment's problem is reported).
   */
  readonly environmentNames?: readonly (string | undefined)[];
  /** Whether "environments" itself failed (missing or not a list). */
  readonly environmentsUnknown?: boolean;
};

/** Where in the definition a field of one environment is: `at('rollout', 'stages')`. */
export type EnvironmentPath = (...rest: PropertyKey[]) => PropertyKey[];

/** Parses each part of a definition on its own, keeping the parts that pass. */
export function partialParse(input: unknown): Checkable {
  const raw = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const shape = serviceDefinitionSchema.shape;
  const part = <T>(schema: z.ZodType<T>, value: unknown): T | undefined => {
    const result = schema.safeParse(value);
    return result.success ? result.data : undefined;
  };
  const list = <T>(schema: z.ZodType<T>, value: unknown): (T | undefined)[] =>
    Array.isArray(value) ? value.map((v) => part(schema, v)) : [];
  return {
    service: typeof raw.service === 'string' ? raw.service : '',
    owners: part(shape.owners, raw.owners) as Parsed['owners'],
    workload: part(shape.workload, raw.workload),
    alarms: part(shape.alarms, raw.alarms),
    deadMansSwitch: part(shape.deadMansSwitch, raw.deadMansSwitch),
    rollbackBudgets: part(shape.rollbackBudgets, raw.rollbackBudgets),
    featureFlags: part(shape.featureFlags, raw.featureFlags),
    smokeTests: part(shape.smokeTests, raw.smokeTests),
    migrations: part(shape.migrations, raw.migrations),
    delivery: part(shape.delivery, raw.delivery),
    kubernetes: part(shape.kubernetes, raw.kubernetes),
    environments: list(shape.environments.element, raw.environments),
    // Not a list at all: which environments exist is unknown, so references to them are not checked.
    environmentNames: Array.isArray(raw.environments)
      ? raw.environments.map((e: unknown) =>
          typeof e === 'object' && e !== null && typeof (e as { name?: unknown }).name === 'string'
            ? (e as { name: string }).name
            : undefined,
        )
      : undefined,
    environmentsUnknown: !Array.isArray(raw.environments),
    secrets: list(shape.secrets.unwrap().element, raw.secrets),
  };
}
