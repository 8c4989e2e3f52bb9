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
        /** Customer managed KMS key the secret is encrypted with: the workload's roles get `kms:Decrypt` on it. @default - the AWS managed key `aws/secretsmanager` */
        kmsKeyArn: z
          .string()
          .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]+$/, {
            error:
              'is not a KMS key ARN; use e.g. "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab" (a key ARN, not an alias)',
          })
          .optional()
          .describe(
            'ARN of the customer managed KMS key the secret is encrypted with; the workload roles get kms:Decrypt on it. Default: the AWS managed key aws/secretsmanager.',
          ),
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
  /** Customer managed key of an existing secret. @default - the AWS managed key */
  readonly kmsKeyArn?: string;
}
