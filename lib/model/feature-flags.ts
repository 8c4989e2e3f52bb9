import { z } from 'zod';
import { percent } from './private/fields';

/**
 * A gradual release of a flag: on for internal users first, then for a percentage of everyone
 * (AppConfig multi-variant flags on AWS; on Kubernetes the workload evaluates the same rule).
 */
export const flagRolloutSchema = z.strictObject({
  /**
   * The flag is on for requests whose context has `internal: true` (employees, test accounts)
   * before anyone else. @default false
   */
  internalFirst: z.boolean().optional().describe('On for requests whose context has "internal": true before anyone else. Default false.'),
  /** Percentage of all other requests (split on the context's `userId`) that get the flag. */
  percent: percent.describe('Percentage of other requests (split by the context\'s "userId") that get the flag, 0 to 100.'),
});

/**
 * A feature flag: decouples deploying code from releasing it, and is rollback level 1 (turn the
 * flag off, no deployment).
 */
export const featureFlagSchema = z.strictObject({
  /** Flag name, e.g. `new-payment-form`. */
  name: z
    .string()
    .regex(/^[a-z][-a-z0-9]*$/, { error: 'is not a valid flag name; use lower-case letters, digits and hyphens, e.g. "new-payment-form"' })
    .max(64, { error: 'is longer than 64 characters; shorten it' })
    .describe('Flag name, e.g. "new-payment-form": lower-case letters, digits and hyphens.'),
  /** What the flag turns on. */
  description: z.string().min(1).describe('What the flag turns on.'),
  /** State in a new environment. @default false */
  enabled: z.boolean().optional().describe('State when first deployed. Default false: ship dark, then turn on.'),
  /**
   * Whether this flag is a kill switch: turning it off is the level-1 rollback of the release.
   * @default true
   */
  killSwitch: z.boolean().optional().describe('Whether turning this flag off is the level-1 rollback of the release. Default true.'),
  /** Release the flag gradually: internal users first, then a percentage. @default - all or nothing */
  rollout: flagRolloutSchema.optional().describe('Release gradually: internal users first, then a percentage. Default: all or nothing.'),
});

/** A gradual flag release, resolved. */
export interface FlagRollout {
  readonly internalFirst: boolean;
  readonly percent: number;
}

/** A feature flag, resolved. */
export interface FeatureFlag {
  readonly name: string;
  readonly description: string;
  readonly enabled: boolean;
  readonly killSwitch: boolean;
  /** Gradual release, if any. */
  readonly rollout?: FlagRollout;
}
