import { z } from 'zod';
import type { Duration } from './duration';
import type { Owners } from './owners';
import { durationField } from './private/fields';

/**
 * How an incident is run beyond the release's primary and backup: its own channel, who commands
 * it, and the escalation ladder with the time after which each rung is called (database owner,
 * platform team, vendors, cloud support). Rendered in every runbook's "Incident response".
 */
export const incidentResponseSchema = z
  .strictObject({
    /** Channel for incidents, apart from the releases channel. @default - the owners' channel with "-incidents" */
    channel: z
      .string()
      .min(1)
      .optional()
      .describe('Channel for incidents, apart from the releases channel. Default: the owners\' channel + "-incidents".'),
    /** Who takes the incident-commander role when an incident is declared. @default - the primary on-call */
    commander: z.string().min(1).optional().describe('Who takes the incident-commander role. Default: the primary on-call.'),
    /** The rungs after primary and backup, in order. @default - none */
    escalation: z
      .array(
        z.strictObject({
          /** Who they are: "database owner", "platform team", "payments vendor", "AWS Support". */
          role: z.string().min(1).describe('Who they are, e.g. "database owner", "platform team", "AWS Support".'),
          /** How to reach them: a handle, a pager service, a support-case link. */
          contact: z.string().min(1).describe('How to reach them: a handle, a pager service or a support link.'),
          /** Call them when the incident is not mitigated this long after it was declared. */
          after: durationField.describe('Call them when the incident is not mitigated this long after it was declared, e.g. "30m".'),
        }),
      )
      .optional()
      .describe('Escalation after primary and backup, in order, each with the time after which to call it.'),
    /** Where postmortems are written (a template or a folder). @default - not linked */
    postmortems: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe('Where postmortems are written, an http(s) URL.'),
  })
  .describe('How incidents are run: channel, commander, escalation ladder, postmortems.');

/** Who the on-call acts as, per environment: the AWS CLI profile and the Kubernetes context. */
export const accessSchema = z
  .strictObject({
    /** AWS CLI profile of this environment's account. @default - the CLI's default credentials */
    awsProfile: z
      .string()
      .min(1)
      .optional()
      .describe("AWS CLI profile of this environment's account. Default: the CLI's default credentials."),
    /** kubectl context of this environment's cluster. @default - the current context (checked, not set) */
    kubeContext: z.string().min(1).optional().describe("kubectl context of this environment's cluster. Default: the current context."),
  })
  .describe('The AWS profile and the kubectl context the runbook commands of this environment run with.');

/** An escalation rung, resolved. */
export interface EscalationRung {
  readonly role: string;
  readonly contact: string;
  readonly after: Duration;
}

/** Incident response, resolved. */
export interface IncidentResponse {
  readonly channel: string;
  readonly commander: string;
  readonly escalation: readonly EscalationRung[];
  readonly postmortems?: string;
}

/** Access of one environment, resolved. */
export interface Access {
  readonly awsProfile?: string;
  readonly kubeContext?: string;
}

/** Fills the defaults of incident response from the owners. */
export function resolveIncidentResponse(input: z.output<typeof incidentResponseSchema> | undefined, owners: Owners): IncidentResponse {
  return {
    channel: input?.channel ?? `${owners.channel}-incidents`,
    commander: input?.commander ?? owners.primary,
    escalation: [...(input?.escalation ?? [])].sort((a, b) => a.after.toSeconds() - b.after.toSeconds()),
    postmortems: input?.postmortems,
  };
}
