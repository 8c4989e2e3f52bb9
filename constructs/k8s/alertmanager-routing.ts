import { Construct } from 'constructs';
import { Duration } from '../../lib/model/duration';
import { PagerKind, receiverSecrets, type Receivers } from '../../lib/model/receivers';
import { AlarmKind, alertNameOf } from '../../lib/plan/alarm-catalogue';
import type { IRunbookContributor, RunbookFacts } from '../../lib/runbook/facts';
import { alertmanagerRunbookFacts } from '../../lib/runbook/platforms/alertmanager';
import { ExternalSecrets } from './external-secrets';
import {
  KubeAlertmanagerConfig,
  type AlertmanagerConfigSpec,
  type AlertmanagerMatcher,
  type AlertmanagerReceiver,
  type AlertmanagerRoute,
} from './private/alertmanager-config-crd';
import { promDuration } from './private/units';

/** Props of `AlertmanagerRouting`. */
export interface AlertmanagerRoutingProps {
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
const RESEND_DELAY = Duration.minutes(1);
/** The route's group_wait: how long a new alert group waits before its first notification. */
const GROUP_WAIT = Duration.seconds(30);

/** Receiver names inside the AlertmanagerConfig (the operator prefixes them with `<namespace>/<name>/`). */
export enum ReceiverName {
  PAGER = 'pager',
  CHAT = 'chat',
  HEARTBEAT = 'heartbeat',
  /** Where Watchdog goes when no heartbeat service is declared: nowhere, never to people. */
  NONE = 'none',
}

/**
 * A prometheus-operator `AlertmanagerConfig` (`monitoring.coreos.com/v1alpha1`) that routes one
 * service's alerts: `severity="critical"` to the pager, `severity="warning"` to the chat channel,
 * `Watchdog` to the heartbeat service every minute, and a critical alert inhibits the warnings of
 * the same service and environment. Credentials reach Alertmanager as Kubernetes Secrets that
 * External Secrets copies from Secrets Manager; the manifest holds only their names.
 *
 * The operator adds a `namespace="<namespace>"` matcher to the top route and to both sides of each
 * inhibit rule (unless the Alertmanager's `alertmanagerConfigMatcherStrategy` is `None`), sets
 * `continue: true` on it, and puts it before the main configuration's routes
 * (prometheus-operator `pkg/alertmanager/amcfg.go`: `namespaceEnforcer`, `AddAlertmanagerConfigs`).
 * @see https://prometheus-operator.dev/docs/developer/alerting/
 */
export class AlertmanagerRouting extends Construct implements IRunbookContributor {
  /** The spec as written to the AlertmanagerConfig (empty routes when no receiver is declared). */
  public readonly spec: AlertmanagerConfigSpec;
  /** Whether an AlertmanagerConfig is written: only when some receiver is declared. */
  public readonly routed: boolean;
  /** The Kubernetes Secrets the receivers read (`<name>-<pager|chat|heartbeat>`, key `value`). */
  public readonly secrets?: ExternalSecrets;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: AlertmanagerRoutingProps,
  ) {
    super(scope, id);
    const { receivers } = props;
    const credentials = receiverSecrets(receivers);
    this.routed = receivers.critical !== undefined || receivers.warning !== undefined || receivers.heartbeat !== undefined;
    if (credentials.length > 0) {
      if (props.region === undefined) {
        throw new Error(
          `AlertmanagerRouting ${props.namespace}/${props.name}: 'region' is required to read the receivers' credentials from Secrets Manager`,
        );
      }
      this.secrets = new ExternalSecrets(this, 'Secrets', {
        namespace: props.namespace,
        name: props.name,
        region: props.region,
        // Alertmanager reads them from the Secret: no workload environment variable.
        secrets: credentials.map((c) => ({ ...c, envVar: '' })),
        serviceAccountName: props.serviceAccountName,
      });
    }
    const secretRef = (name: string) => ({ name: this.secrets!.kubernetesSecretName(name), key: ExternalSecrets.KEY });
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
          `receivers.warning.${chat.kind} of ${props.namespace} has no "webhookUrlSecret"; on Kubernetes Alertmanager posts to the channel's incoming webhook, so store its URL in Secrets Manager and name the secret`,
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
    const interval = props.heartbeatInterval ?? Duration.minutes(1);
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
    this.spec = {
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
    // Paging turned off and nothing else declared: Alertmanager's own configuration decides; only
    // the accepted risk is reported.
    if (this.routed) {
      new KubeAlertmanagerConfig(this, 'Resource', {
        metadata: { name: props.name, namespace: props.namespace, ...(props.labels ? { labels: props.labels } : {}) },
        spec: this.spec,
      });
    }
  }

  /** A critical alert reaches the pager this long after it fires (the route's `group_wait`). */
  public get pageDelay(): Duration {
    return GROUP_WAIT;
  }

  /**
   * How long after Prometheus stops the heartbeat service can still hear the Watchdog, and the
   * check to configure there: Prometheus sends alerts valid for 4 × max(evaluation interval,
   * resend delay) (`rules/alerting.go`), Alertmanager re-sends until then every `group_interval`.
   * A check period of the heartbeat interval with a grace of twice that pages within `pagedWithin`.
   */
  public get prometheusDown(): {
    readonly silentAfter: Duration;
    readonly period: Duration;
    readonly grace: Duration;
    readonly pagedWithin: Duration;
  } {
    const interval = this.props.heartbeatInterval ?? Duration.minutes(1);
    const evaluation = this.props.evaluationInterval ?? Duration.seconds(30);
    const validFor = (evaluation.toSeconds() > RESEND_DELAY.toSeconds() ? evaluation : RESEND_DELAY).times(4);
    const silentAfter = validFor.plus(interval);
    const grace = interval.times(2);
    return { silentAfter, period: interval, grace, pagedWithin: silentAfter.plus(interval).plus(grace) };
  }

  /** The receiver an alert with these labels reaches inside this config, as written (before the operator's prefix). */
  public receiverFor(severity: string, alertname: string): ReceiverName {
    const route = this.spec.route.routes.find((r) =>
      r.matchers.every((m) => (m.name === 'alertname' ? alertname === m.value : m.name === 'severity' ? severity === m.value : false)),
    );
    return (route?.receiver ?? this.spec.route.receiver) as ReceiverName;
  }

  /** The routing's part of the runbook (text in lib/runbook/platforms/alertmanager.ts). */
  public runbookFacts(): RunbookFacts {
    return alertmanagerRunbookFacts({
      namespace: this.props.namespace,
      name: this.props.name,
      routed: this.routed,
      receivers: this.props.receivers,
      labels: this.props.labels,
      alertmanagerNamespace: this.props.alertmanagerNamespace ?? 'monitoring',
      service: this.props.service ?? this.props.namespace,
      environment: this.props.environment ?? this.props.namespace,
      criticalReceiver: this.receiverFor('critical', 'DeadMansSwitch'),
      pageDelay: this.pageDelay,
      prometheusDown: this.prometheusDown,
    });
  }
}
