import { z } from 'zod';
import { imageReference } from './private/image-reference';
import { Duration } from './duration';
import { dnsLabel, durationField } from './private/fields';

/** When a migration runs in an expand–contract schema change. */
export enum MigrationPhase {
  /**
   * Adds to the schema (new tables, nullable columns, backfills) before the new code takes traffic;
   * the previous code keeps working against the expanded schema, so code can still roll back.
   */
  EXPAND = 'expand',
  /**
   * Removes what old code needed (drops columns or tables) after the rollback window of the release
   * that stopped using it; it cannot be undone by redeploying code.
   */
  CONTRACT = 'contract',
}

/**
 * A database migration, run as a one-off task with the workload's network access and secrets
 * (an ECS task on AWS, a Job on Kubernetes).
 */
export const migrationSchema = z.strictObject({
  /** Migration name, e.g. `add-order-notes`; part of the task family and Job name. */
  name: dnsLabel(30).describe('Migration name, e.g. "add-order-notes": lower-case letters, digits and hyphens, at most 30 characters.'),
  /** `expand` runs before the new version takes traffic; `contract` after the rollback window. */
  phase: z.enum(MigrationPhase).describe('"expand" runs before the new version takes traffic; "contract" after the rollback window.'),
  /** The command, as an argument list, e.g. `["npm", "run", "migrate", "--", "up"]`. */
  command: z
    .array(z.string().min(1))
    .min(1, { error: 'must list the command and its arguments, e.g. ["npm", "run", "migrate"]' })
    .describe('The command and its arguments, e.g. ["npm", "run", "migrate"].'),
  /** Image that holds the migration. @default - the workload's container image */
  image: imageReference.optional().describe("Image holding the migration. Default: the workload's container image."),
  /**
   * Whether the code of the previous release still works after this migration ran. Expand
   * migrations must be; a contract migration never is for code that used what it removes.
   * @default - true for expand, false for contract
   */
  backwardCompatible: z
    .boolean()
    .optional()
    .describe('Whether the previous release still works after this migration. Default: true for expand, false for contract.'),
  /**
   * For contract migrations: the release (image reference) whose code stopped using what this
   * migration removes. It must be an earlier release than the one being deployed.
   */
  codeReleasedIn: z
    .string()
    .min(1)
    .optional()
    .describe('Contract migrations: the earlier release (image reference) whose code stopped using what this migration removes.'),
  /** Longest the migration may run. @default 10m */
  timeout: durationField.optional().describe('Longest the migration may run. Default "10m"; at most "14m" on AWS.'),
});

/** A migration as written. */
export type MigrationInput = z.output<typeof migrationSchema>;

/** A migration, resolved. */
export interface Migration {
  readonly name: string;
  readonly phase: MigrationPhase;
  readonly command: readonly string[];
  /** Image to run (the workload's image unless set). */
  readonly image: string;
  readonly backwardCompatible: boolean;
  readonly codeReleasedIn?: string;
  readonly timeout: Duration;
}

/** The longest a migration may run on AWS: a custom resource Lambda waits for it, within 15 minutes. */
export const MAX_MIGRATION_TIMEOUT = Duration.minutes(14);
