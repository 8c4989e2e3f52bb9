import { Duration } from '../../model/duration';
import { PagerKind, receiverSecrets, type Receivers } from '../../model/receivers';
import { AlarmKind, alertNameOf } from '../alarm-catalogue';
import type { AlertmanagerConfigSpec, AlertmanagerMatcher, AlertmanagerReceiver, AlertmanagerRoute } from './alertmanager-config';
import { EXTERNAL_SECRET_KEY, externalSecretName } from './external-secrets';
import { promDuration } from './units';

/** What the Alertmanager routing of one service is built from (the props of `AlertmanagerRouting` in constructs/k8s). */
export interface AlertmanagerRoutingSettings {
  /** Name of the AlertmanagerConfig, of its SecretStore and prefix of its Secrets, e.g. `checkout-prod-alerting`. */
  readonly name: string;
  /** Namespace of the service (the operator only routes alerts whose `namespace` label is this one). */
  readonly namespace: string;
  /** Who hears the alerts. */
  readonly receivers: Receivers;
  /** AWS region of the Secrets Manager secrets holding the receivers' credentials. @default - none: only valid without credentials */
  readonly region?: string;
  /**
   * Labels the Alertmanager selects AlertmanagerConfigs by (`alertmanagerConfigSelector`).
   * @default - none: only an Alertmanager with an empty selector (`{}`) loads it
   */
  readonly labels?: Record<string, string>;
  /** Service account (IRSA) the SecretStore reads the credentials as. @default - the operator's own identity */
  readonly serviceAccountName?: string;
  /**
   * How often Alertmanager re-sends the firing `Watchdog` to the heartbeat service; the service
   * pages when it hears nothing for longer than its period.
   * @default 1m
   */
  readonly heartbeatInterval?: Duration;
  /** Namespace of the Alertmanager (its `alertmanager-operated` Service), for the runbook's test page. @default monitoring */
  readonly alertmanagerNamespace?: string;
  /** Service and environment, the labels a test alert carries. @default - from the namespace */
  readonly service?: string;
  readonly environment?: string;
  /** How often Prometheus evaluates the rules (the PrometheusRule group's interval). @default 30s */
  readonly evaluationInterval?: Duration;
}

/** Prometheus's `--rules.alert.resend-delay` default (cmd/prometheus/main.go). */
export const RESEND_DELAY = Duration.minutes(1);
/** The route's group_wait: how long a new alert group waits before its first notification. */
export const GROUP_WAIT = Duration.seconds(30);

/** Receiver names inside the AlertmanagerConfig (the operator prefixes them with `<namespace>/<name>/`). */
export enum ReceiverName {
  PAGER = 'pager',
  CHAT = 'chat',
  HEARTBEAT = 'heartbeat',
  /** Where Watchdog goes when no heartbeat service is declared: nowhere, never to people. */
  NONE = 'none',
}

/** The routing of one service: the spec, whether it is written, the credentials it reads. */
export interface AlertmanagerRoutingPlan {
  /** The spec as written to the AlertmanagerConfig (empty routes when no receiver is declared). */
  readonly spec: AlertmanagerConfigSpec;
  /** Whether an AlertmanagerConfig is written: only when some receiver is declared. */
  readonly routed: boolean;
  /** The receivers' credentials in Secrets Manager (synced to `<name>-<pager|chat|heartbeat>`). */
  readonly credentials: readonly { readonly name: string; readonly secretName: string }[];
}

/**
 * Critical alerts to the pager, warnings to the chat channel, `Watchdog` to the heartbeat service
 * (see `AlertmanagerRouting` in constructs/k8s, which writes it).
 */
export function alertmanagerRouting(settings: AlertmanagerRoutingSettings): AlertmanagerRoutingPlan {
  const { receivers } = settings;
  const credentials = receiverSecrets(receivers);
  const routed = receivers.critical !== undefined || receivers.warning !== undefined || receivers.heartbeat !== undefined;
  if (credentials.length > 0) {
    if (settings.region === undefined) {
      throw new Error(
        `AlertmanagerRouting ${settings.namespace}/${settings.name}: 'region' is required to read the receivers' credentials from Secrets Manager`,
      );
    }
  }
  const secretRef = (name: string) => ({ name: externalSecretName(settings.name, name), key: EXTERNAL_SECRET_KEY });
  const rendered: AlertmanagerReceiver[] = [];
  if (receivers.critical) {
    const ref = secretRef('pager');
    rendered.push({
      name: ReceiverName.PAGER,
      ...(receivers.critical.kind === PagerKind.PAGERDUTY
        ? { pagerdutyConfigs: [{ routingKey: ref, sendResolved: true }] }
        : receivers.critical.kind === PagerKind.OPSGENIE
          ? { opsgenieConfigs: [{ apiKey: ref, sendResolved: true }] }
          : { webhookConfigs: [{ urlSecret: ref, sendResolved: true }] }),
    });
  }
  const chat = receivers.warning;
  if (chat) {
    if (chat.webhookUrlSecret === undefined) {
      throw new Error(
        `receivers.warning.${chat.kind} of ${settings.namespace} has no "webhookUrlSecret"; on Kubernetes Alertmanager posts to the channel's incoming webhook, so store its URL in Secrets Manager and name the secret`,
      );
    }
    const ref = secretRef('chat');
    rendered.push({
      name: ReceiverName.CHAT,
      ...(chat.kind === 'slack'
        ? { slackConfigs: [{ apiURL: ref, sendResolved: true, ...(chat.channelId ? { channel: chat.channelId } : {}) }] }
        : { msteamsConfigs: [{ webhookUrl: ref, sendResolved: true }] }),
    });
  }
  if (receivers.heartbeat) {
    rendered.push({ name: ReceiverName.HEARTBEAT, webhookConfigs: [{ urlSecret: secretRef('heartbeat'), sendResolved: false }] });
  } else {
    rendered.push({ name: ReceiverName.NONE });
  }
  const equal = (name: string, value: string): AlertmanagerMatcher => ({ name, value, matchType: '=' });
  const pagerOrChat = receivers.critical ? ReceiverName.PAGER : chat ? ReceiverName.CHAT : ReceiverName.NONE;
  const interval = settings.heartbeatInterval ?? Duration.minutes(1);
  // Alertmanager re-sends only when the last notification is older than repeat_interval at a
  // flush (every group_interval); the last one was logged just after the previous flush, so a
  // repeat_interval equal to group_interval would skip every other flush.
  const heartbeat = { groupInterval: promDuration(interval), repeatInterval: promDuration(interval.times(5 / 6)) };
  const routes: AlertmanagerRoute[] = [
    {
      // Always firing: re-sent every interval so that the heartbeat service notices when it stops.
      matchers: [equal('alertname', alertNameOf(AlarmKind.WATCHDOG))],
      receiver: receivers.heartbeat ? ReceiverName.HEARTBEAT : ReceiverName.NONE,
      groupWait: '0s',
      ...heartbeat,
    },
    { matchers: [equal('severity', 'critical')], receiver: pagerOrChat, repeatInterval: '1h' },
    { matchers: [equal('severity', 'warning')], receiver: chat ? ReceiverName.CHAT : ReceiverName.NONE },
  ];
  if (!rendered.some((r) => r.name === ReceiverName.NONE) && routes.some((r) => r.receiver === ReceiverName.NONE)) {
    rendered.push({ name: ReceiverName.NONE });
  }
  const spec: AlertmanagerConfigSpec = {
    route: {
      receiver: chat ? ReceiverName.CHAT : pagerOrChat,
      groupBy: ['alertname', 'service', 'environment'],
      groupWait: '30s',
      groupInterval: '5m',
      repeatInterval: '4h',
      routes,
    },
    receivers: rendered,
    inhibitRules: [
      {
        // A critical alert of the service silences its warnings: one page, not a page and a chat storm.
        sourceMatch: [equal('severity', 'critical')],
        targetMatch: [equal('severity', 'warning')],
        equal: ['service', 'environment'],
      },
    ],
  };
  return { spec, routed, credentials };
}

/**
 * How long after Prometheus stops the heartbeat service can still hear the Watchdog, and the
 * check to configure there: Prometheus sends alerts valid for 4 × max(evaluation interval,
 * resend delay) (`rules/alerting.go`), Alertmanager re-sends until then every `group_interval`.
 * A check period of the heartbeat interval with a grace of twice that pages within `pagedWithin`.
 */
export function prometheusDownBounds(settings: Pick<AlertmanagerRoutingSettings, 'heartbeatInterval' | 'evaluationInterval'>): {
  readonly silentAfter: Duration;
  readonly period: Duration;
  readonly grace: Duration;
  readonly pagedWithin: Duration;
} {
  const interval = settings.heartbeatInterval ?? Duration.minutes(1);
  const evaluation = settings.evaluationInterval ?? Duration.seconds(30);
  const validFor = (evaluation.toSeconds() > RESEND_DELAY.toSeconds() ? evaluation : RESEND_DELAY).times(4);
  const silentAfter = validFor.plus(interval);
  const grace = interval.times(2);
  return { silentAfter, period: interval, grace, pagedWithin: silentAfter.plus(interval).plus(grace) };
}

/** The receiver an alert with these labels reaches inside this config, as written (before the operator's prefix). */
export function receiverOf(spec: AlertmanagerConfigSpec, severity: string, alertname: string): ReceiverName {
  const route = spec.route.routes.find((r) =>
    r.matchers.every((m) => (m.name === 'alertname' ? alertname === m.value : m.name === 'severity' ? severity === m.value : false)),
  );
  return (route?.receiver ?? spec.route.receiver) as ReceiverName;
}
