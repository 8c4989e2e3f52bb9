import { z } from 'zod';
import { durationField } from './private/fields';

/**
 * A secret the workload receives as an environment variable, injected by the platform from a
 * secrets manager. Values never appear in the definition: either reference an existing secret or
 * let glidepath generate and rotate one.
 */
export const secretSchema = z
  .strictObject({
    /** Short name, unique in the service, e.g. `db-password`. */
    name: z
      .string()
      .regex(/^[a-z][-a-z0-9]*$/, {
        error: 'is not a valid secret name; use lower-case letters, digits and hyphens, e.g. "db-password"',
      })
      .describe('Short name, unique in the service, e.g. "db-password".'),
    /** Environment variable the workload reads, e.g. `DB_PASSWORD`. */
    envVar: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, {
        error: 'is not a valid environment variable name; use upper-case letters, digits and underscores, e.g. "DB_PASSWORD"',
      })
      .describe('Environment variable the workload reads, e.g. "DB_PASSWORD".'),
    /** An existing Secrets Manager secret. `{env}` in the name is replaced by the environment name. */
    existing: z
      .strictObject({
        /** Secret name, e.g. `checkout/{env}/stripe-api-key`. */
        secretName: z
          .string()
          .min(1)
          .describe('Secret name, e.g. "checkout/{env}/stripe-api-key"; {env} is replaced by the environment name.'),
      })
      .optional()
      .describe('An existing Secrets Manager secret (give exactly one of existing or generate).'),
    /** Generate the secret and rotate it. */
    generate: z
      .strictObject({
        /** Rotation period (Secrets Manager accepts 4 hours to 1000 days). */
        rotation: durationField.describe('Rotation period in whole days, "1d" to "1000d", e.g. "30d".'),
        /** Length of the generated value. @default 32 */
        length: z.number().int().min(16).max(4096).default(32).describe('Length of the generated value. Default 32.'),
      })
      .optional()
      .describe('Generate the secret and rotate it (give exactly one of existing or generate).'),
    /** Never allowed: a plain-text value. Declared so that the error can explain what to do instead. */
    value: z
      .unknown()
      .optional()
      .meta({ description: 'Never allowed: secret values are not written in a definition. Use existing or generate.', not: {} }),
  })
  .describe('A secret the workload receives as an environment variable, injected from a secrets manager. Never a value.');

/** A secret as written. */
export type SecretInput = z.output<typeof secretSchema>;

/** A secret, resolved for one environment. */
export interface SecretReference {
  readonly name: string;
  readonly envVar: string;
  /** Physical secret name in the secrets manager for this environment. */
  readonly secretName: string;
  /** Whether glidepath creates (and rotates) the secret. */
  readonly generated: boolean;
  /** Rotation period in days, for generated secrets. */
  readonly rotationDays?: number;
  readonly length?: number;
}
