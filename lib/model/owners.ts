import { z } from 'zod';

/**
 * Who owns the service and who decides on a rollback.
 */
export const ownersSchema = z
  .strictObject({
    /** The owning team. */
    team: z.string().min(1).describe('The owning team.'),
    /** Primary on-call: makes the rollback decision during a release (name, handle or email). */
    primary: z.string().min(1).describe('Primary on-call: makes the rollback decision during a release (name, handle or email).'),
    /** Backup on-call: decides when the primary cannot be reached. */
    backup: z.string().min(1).describe('Backup on-call: decides when the primary cannot be reached.'),
    /** Where release communication happens, e.g. a chat channel `#checkout-releases`. */
    channel: z.string().min(1).describe('Where release communication happens, e.g. "#checkout-releases".'),
  })
  .meta({ description: 'The owning team, primary and backup on-call for the rollback decision, and the release channel.' });

/** Owners of a service, as validated. */
export type Owners = z.output<typeof ownersSchema>;
