import { z } from 'zod';

/**
 * The name of a secret in AWS Secrets Manager that holds a credential (an integration key, a
 * webhook URL). `{env}` is replaced by the environment name. The value itself never appears in a
 * definition, a template, a manifest or a runbook.
 */
// Checked in validate-receivers.ts rather than here, so that a credential pasted in its place is
// never echoed back in an error message.
const secretName = z
  .string()
  .min(1)
  .max(512)
  .describe('Name of the AWS Secrets Manager secret holding the credential, e.g. "checkout/{env}/pagerduty"; {env} is the environment.');

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Never allowed: a credential written inline. Declared so that the error can say what to do instead. */
const inline = (what: string) =>
  z
    .unknown()
    .optional()
    .meta({
      description: `Never allowed: ${what} is a credential; store it in Secrets Manager and give the secret's name instead.`,
      not: {},
    });

/** Where critical alerts page someone. */
export enum PagerKind {
  /** A PagerDuty service integration. */
  PAGERDUTY = 'pagerduty',
  /** An Opsgenie (Jira Service Management) integration. */
  OPSGENIE = 'opsgenie',
  /** Any HTTPS endpoint that accepts the platform's alert notifications. */
  HTTPS = 'https',
}

/** The service that pages when the alerting pipeline's heartbeat stops arriving. */
export enum HeartbeatService {
  /** Dead Man's Snitch (`https://nosnch.in/<token>`). */
  DEAD_MANS_SNITCH = 'dead-mans-snitch',
  /** healthchecks.io (`https://hc-ping.com/<uuid>`). */
  HEALTHCHECKS = 'healthchecks',
  /** A PagerDuty heartbeat monitor. */
  PAGERDUTY_HEARTBEAT = 'pagerduty-heartbeat',
  /** Any URL that pages when it stops being called. */
  URL = 'url',
}

/** Where critical pages go: exactly one of pagerDuty, opsgenie or https, or `enabled: false` with a reason. */
export const criticalReceiverSchema = z
  .strictObject({
    /** A PagerDuty integration. */
    pagerDuty: z
      .strictObject({
        /**
         * Secret holding the integration key: of an "Amazon CloudWatch" integration on AWS, of an
         * "Events API v2" integration on Kubernetes.
         */
        integrationKeySecret: secretName,
        integrationKey: inline('the integration key'),
      })
      .optional()
      .describe('A PagerDuty integration, by the Secrets Manager secret holding its key.'),
    /** An Opsgenie integration. */
    opsgenie: z
      .strictObject({
        /** Secret holding the API key of an "Amazon CloudWatch" (AWS) or "API" (Kubernetes) integration. */
        apiKeySecret: secretName,
        apiKey: inline('the API key'),
      })
      .optional()
      .describe('An Opsgenie integration, by the Secrets Manager secret holding its API key.'),
    /** Any HTTPS endpoint. */
    https: z
      .strictObject({
        /** Secret holding the full URL (it usually carries a token). */
        urlSecret: secretName,
        url: inline('the URL'),
      })
      .optional()
      .describe('An HTTPS endpoint, by the Secrets Manager secret holding its URL.'),
    /** Set to false (with a reason) to page nobody in production; listed under accepted risks. @default true */
    enabled: z.boolean().optional().describe('Set to false, with a "reason", to page nobody; listed under accepted risks. Default true.'),
    /** Why paging nobody is acceptable here. Required with `enabled: false`. */
    reason: z
      .string()
      .min(10, { error: 'is too short; say why paging nobody is acceptable here (at least 10 characters)' })
      .optional()
      .describe('Why paging nobody is acceptable (required with "enabled: false"); listed under accepted risks.'),
  })
  .describe('Where critical alerts page someone: exactly one of pagerDuty, opsgenie or https; or "enabled: false" with a reason.');

/** Where warnings go: a Slack or a Microsoft Teams channel. */
export const warningReceiverSchema = z
  .strictObject({
    /** A Slack channel. */
    slack: z
      .strictObject({
        /** Slack workspace (team) id authorized in AWS Chatbot, e.g. `T0123ABCD` (AWS). */
        workspaceId: z
          .string()
          .regex(/^[0-9A-Z]{1,255}$/, { error: 'is not a Slack workspace id such as "T0123ABCD"' })
          .optional()
          .describe('Slack workspace id authorized in AWS Chatbot, e.g. "T0123ABCD" (needed on AWS).'),
        /** Slack channel id, e.g. `C0123ABCD`. */
        channelId: z
          .string()
          .regex(/^[A-Z0-9]{1,255}$/, { error: 'is not a Slack channel id such as "C0123ABCD" (the id, not the #name)' })
          .describe('Slack channel id, e.g. "C0123ABCD" (the id, not the #name).'),
        /** Secret holding an incoming-webhook URL for the channel (Kubernetes). */
        webhookUrlSecret: secretName
          .optional()
          .describe(
            'Secrets Manager secret holding the channel\'s incoming-webhook URL (needed on Kubernetes), e.g. "checkout/{env}/slack-webhook".',
          ),
        webhookUrl: inline('the webhook URL'),
      })
      .optional()
      .describe('A Slack channel: AWS Chatbot ids on AWS, an incoming webhook on Kubernetes.'),
    /** A Microsoft Teams channel. */
    teams: z
      .strictObject({
        /** Team id (AWS). */
        teamId: z
          .string()
          .regex(UUID, { error: 'is not a Microsoft Teams team id (a UUID)' })
          .optional()
          .describe('Team id, a UUID (needed on AWS).'),
        /** Tenant id (AWS). */
        tenantId: z
          .string()
          .regex(UUID, { error: 'is not a Microsoft Entra tenant id (a UUID)' })
          .optional()
          .describe('Tenant id, a UUID (needed on AWS).'),
        /** Channel id as in the channel's link, URL-encoded, e.g. `19%3Aabc%40thread.tacv2` (AWS). */
        channelId: z
          .string()
          // AWS::Chatbot::MicrosoftTeamsChannelConfiguration's TeamsChannelId pattern.
          .regex(/^([a-zA-Z0-9-_=+/.,])*%3[aA]([a-zA-Z0-9-_=+/.,])*%40([a-zA-Z0-9-_=+/.,])*$/, {
            error: 'is not a Teams channel id as AWS Chatbot takes it: URL-encoded, as in the channel link, e.g. "19%3Aabc%40thread.tacv2"',
          })
          .optional()
          .describe('Channel id, URL-encoded as in the channel link, e.g. "19%3Aabc%40thread.tacv2" (needed on AWS).'),
        /** Secret holding an incoming-webhook (Workflows) URL for the channel (Kubernetes). */
        webhookUrlSecret: secretName
          .optional()
          .describe("Secrets Manager secret holding the channel's incoming-webhook URL (needed on Kubernetes)."),
        webhookUrl: inline('the webhook URL'),
      })
      .optional()
      .describe('A Microsoft Teams channel: AWS Chatbot ids on AWS, an incoming webhook on Kubernetes.'),
  })
  .describe('Where warnings go: exactly one of slack or teams.');

/** The service that pages when the alerting pipeline's heartbeat stops. */
export const heartbeatReceiverSchema = z
  .strictObject({
    /** Which service. */
    service: z
      .enum(HeartbeatService)
      .describe('Which service pages when the heartbeat stops: "dead-mans-snitch", "healthchecks", "pagerduty-heartbeat" or "url".'),
    /** Secret holding the ping URL (it carries the token). */
    urlSecret: secretName,
    url: inline('the ping URL'),
  })
  .describe("The heartbeat service that pages when the alerting pipeline's Watchdog stops arriving (Kubernetes).");

/** Who hears about alerts: critical pages, warnings, and the heartbeat of the alerting pipeline. */
export const receiversSchema = z
  .strictObject({
    critical: criticalReceiverSchema.optional(),
    warning: warningReceiverSchema.optional(),
    heartbeat: heartbeatReceiverSchema.optional(),
  })
  .describe(
    'Who hears about alerts: "critical" pages (PagerDuty, Opsgenie, HTTPS), "warning" notifies a chat channel, "heartbeat" pages when the alerting pipeline goes silent. Credentials only by Secrets Manager secret name.',
  );

/** Receivers as written. */
export type ReceiversInput = z.output<typeof receiversSchema>;

/** Where critical pages go, resolved for one environment. */
export interface Pager {
  readonly kind: PagerKind;
  /** Secrets Manager secret holding the credential (integration key, API key or URL), `{env}` replaced. */
  readonly secretName: string;
}

/** A chat channel, resolved. */
export interface ChatChannel {
  readonly kind: 'slack' | 'teams';
  /** Slack workspace id (AWS Chatbot). */
  readonly workspaceId?: string;
  /** Teams team and tenant ids (AWS Chatbot). */
  readonly teamId?: string;
  readonly tenantId?: string;
  /** Slack or Teams channel id (AWS Chatbot). */
  readonly channelId?: string;
  /** Secret holding the incoming-webhook URL (Kubernetes), `{env}` replaced. */
  readonly webhookUrlSecret?: string;
}

/** The heartbeat service, resolved. */
export interface Heartbeat {
  readonly service: HeartbeatService;
  readonly urlSecret: string;
}

/** The receivers of one environment, resolved. */
export interface Receivers {
  /** Absent when paging is off (`optOutReason` says why) or nothing was declared. */
  readonly critical?: Pager;
  /** Why nobody is paged, when `critical.enabled` is false: an accepted risk. */
  readonly optOutReason?: string;
  readonly warning?: ChatChannel;
  readonly heartbeat?: Heartbeat;
}

/** Merges receivers (environment over service, each role replaced as a whole) and fills `{env}`. */
export function resolveReceivers(envName: string, ...layers: (ReceiversInput | undefined)[]): Receivers {
  const merged: ReceiversInput = Object.assign({}, ...layers.filter((l) => l !== undefined));
  const fill = (name: string) => name.replace(/\{env\}/g, envName);
  const c = merged.critical;
  let critical: Pager | undefined;
  if (c && c.enabled !== false) {
    if (c.pagerDuty) critical = { kind: PagerKind.PAGERDUTY, secretName: fill(c.pagerDuty.integrationKeySecret) };
    else if (c.opsgenie) critical = { kind: PagerKind.OPSGENIE, secretName: fill(c.opsgenie.apiKeySecret) };
    else if (c.https) critical = { kind: PagerKind.HTTPS, secretName: fill(c.https.urlSecret) };
  }
  const w = merged.warning;
  const warning: ChatChannel | undefined = w?.slack
    ? {
        kind: 'slack',
        workspaceId: w.slack.workspaceId,
        channelId: w.slack.channelId,
        webhookUrlSecret: opt(fill, w.slack.webhookUrlSecret),
      }
    : w?.teams
      ? {
          kind: 'teams',
          teamId: w.teams.teamId,
          tenantId: w.teams.tenantId,
          channelId: w.teams.channelId,
          webhookUrlSecret: opt(fill, w.teams.webhookUrlSecret),
        }
      : undefined;
  const h = merged.heartbeat;
  return {
    critical,
    optOutReason: c?.enabled === false ? c.reason : undefined,
    warning,
    heartbeat: h ? { service: h.service, urlSecret: fill(h.urlSecret) } : undefined,
  };
}

function opt(fill: (s: string) => string, value: string | undefined): string | undefined {
  return value === undefined ? undefined : fill(value);
}

/** Every secret a set of receivers reads, with a short name for the Kubernetes Secret it becomes. */
export function receiverSecrets(receivers: Receivers): { readonly name: string; readonly secretName: string }[] {
  return [
    ...(receivers.critical ? [{ name: 'pager', secretName: receivers.critical.secretName }] : []),
    ...(receivers.warning?.webhookUrlSecret ? [{ name: 'chat', secretName: receivers.warning.webhookUrlSecret }] : []),
    ...(receivers.heartbeat ? [{ name: 'heartbeat', secretName: receivers.heartbeat.urlSecret }] : []),
  ];
}
