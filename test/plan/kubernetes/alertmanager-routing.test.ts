import { Duration } from '../../../lib/model/duration';
import { HeartbeatService, PagerKind, type Receivers } from '../../../lib/model/receivers';
import type { AlertmanagerConfigSpec, AlertmanagerRoute } from '../../../lib/plan/kubernetes/alertmanager-config';
import {
  alertmanagerRouting,
  GROUP_WAIT,
  prometheusDownBounds,
  receiverOf,
  ReceiverName,
  RESEND_DELAY,
  type AlertmanagerRoutingSettings,
} from '../../../lib/plan/kubernetes/alertmanager-routing';

/*
 * Where each alert of a service goes, read from the AlertmanagerConfig as Alertmanager walks it:
 * the first child route whose matchers all match takes the alert (`continue` is false), else the
 * root's receiver (https://prometheus.io/docs/alerting/latest/configuration/#route). The walk
 * below is written from that documentation, independently of `receiverOf`, which is checked
 * against it. Timings: Prometheus sends alerts valid for 4 × max(evaluation interval, resend
 * delay), resend delay 1m by default (prometheus/prometheus rules/alerting.go, cmd/prometheus).
 */

const PAGERDUTY = { kind: PagerKind.PAGERDUTY, secretName: 'shop/prod/pagerduty' };
const SLACK = { kind: 'slack' as const, channelId: 'C0123', webhookUrlSecret: 'shop/prod/slack' };
const HEARTBEAT = { service: HeartbeatService.HEALTHCHECKS, urlSecret: 'shop/prod/heartbeat' };

function routing(receivers: Receivers, extra: Partial<AlertmanagerRoutingSettings> = {}) {
  return alertmanagerRouting({ name: 'shop-prod-alerting', namespace: 'shop-prod', receivers, region: 'eu-west-1', ...extra });
}

/** Alertmanager's walk: the first child route whose matchers all match, else the root. */
function walk(spec: AlertmanagerConfigSpec, labels: Record<string, string>): AlertmanagerRoute | undefined {
  return spec.route.routes.find((r) =>
    r.matchers.every((m) => {
      expect(m.matchType).toBe('=');
      return labels[m.name] === m.value;
    }),
  );
}
const destination = (spec: AlertmanagerConfigSpec, labels: Record<string, string>) => walk(spec, labels)?.receiver ?? spec.route.receiver;

const CRITICAL = { alertname: 'CriticalErrorRate', severity: 'critical' };
const WARNING = { alertname: 'WarningCpu', severity: 'warning' };
const WATCHDOG = { alertname: 'Watchdog', severity: 'none' };
const OTHER = { alertname: 'Something', severity: 'info' };

describe('alertmanagerRouting: who hears what', () => {
  test('pager, chat and heartbeat: critical pages, warnings chat, Watchdog pings the heartbeat service', () => {
    const { spec, routed, credentials } = routing({ critical: PAGERDUTY, warning: SLACK, heartbeat: HEARTBEAT });
    expect(routed).toBe(true);
    expect(destination(spec, CRITICAL)).toBe('pager');
    expect(destination(spec, WARNING)).toBe('chat');
    expect(destination(spec, WATCHDOG)).toBe('heartbeat');
    // Anything else goes to the chat channel, never unheard and never paging.
    expect(destination(spec, OTHER)).toBe('chat');
    expect(credentials).toEqual([
      { name: 'pager', secretName: 'shop/prod/pagerduty' },
      { name: 'chat', secretName: 'shop/prod/slack' },
      { name: 'heartbeat', secretName: 'shop/prod/heartbeat' },
    ]);
    const ref = (n: string) => ({ name: `shop-prod-alerting-${n}`, key: 'value' });
    expect(spec.receivers).toEqual([
      { name: 'pager', pagerdutyConfigs: [{ routingKey: ref('pager'), sendResolved: true }] },
      { name: 'chat', slackConfigs: [{ apiURL: ref('chat'), sendResolved: true, channel: 'C0123' }] },
      { name: 'heartbeat', webhookConfigs: [{ urlSecret: ref('heartbeat'), sendResolved: false }] },
    ]);
  });

  test('no chat channel: critical pages, warnings reach no one, the root falls back to the pager', () => {
    const { spec } = routing({ critical: PAGERDUTY });
    expect(destination(spec, CRITICAL)).toBe('pager');
    expect(destination(spec, WARNING)).toBe('none');
    expect(destination(spec, WATCHDOG)).toBe('none');
    expect(destination(spec, OTHER)).toBe('pager');
    // The "none" receiver exists once: Alertmanager rejects a route to an undefined receiver.
    expect(spec.receivers.filter((r) => r.name === 'none')).toEqual([{ name: 'none' }]);
    expect(spec.receivers.map((r) => r.name)).toEqual(['pager', 'none']);
  });

  test('no pager: critical alerts go to the chat channel', () => {
    const { spec } = routing({ warning: { kind: 'teams', webhookUrlSecret: 'shop/prod/teams' } });
    expect(destination(spec, CRITICAL)).toBe('chat');
    expect(destination(spec, WARNING)).toBe('chat');
    expect(destination(spec, WATCHDOG)).toBe('none');
    expect(spec.receivers).toEqual([
      { name: 'chat', msteamsConfigs: [{ webhookUrl: { name: 'shop-prod-alerting-chat', key: 'value' }, sendResolved: true }] },
      { name: 'none' },
    ]);
  });

  test('only a heartbeat service: Watchdog pings it, everything else reaches no one, and a "none" receiver is defined', () => {
    const { spec, routed } = routing({ heartbeat: HEARTBEAT });
    expect(routed).toBe(true);
    expect(destination(spec, WATCHDOG)).toBe('heartbeat');
    expect(destination(spec, CRITICAL)).toBe('none');
    expect(destination(spec, WARNING)).toBe('none');
    expect(destination(spec, OTHER)).toBe('none');
    expect(spec.receivers.map((r) => r.name)).toEqual(['heartbeat', 'none']);
  });

  test('any one receiver makes it routed', () => {
    expect(routing({ critical: PAGERDUTY }).routed).toBe(true);
    expect(routing({ warning: SLACK }).routed).toBe(true);
    expect(routing({ heartbeat: HEARTBEAT }).routed).toBe(true);
  });

  test('nothing declared: not routed, no credentials, and no region needed', () => {
    const plan = alertmanagerRouting({ name: 'x', namespace: 'shop-dev', receivers: {} });
    expect(plan.routed).toBe(false);
    expect(plan.credentials).toEqual([]);
    expect(destination(plan.spec, CRITICAL)).toBe('none');
  });

  test('Opsgenie and an HTTPS pager; Slack without a channel id', () => {
    const ops = routing({ critical: { kind: PagerKind.OPSGENIE, secretName: 'o' } }).spec.receivers[0];
    expect(ops).toEqual({
      name: 'pager',
      opsgenieConfigs: [{ apiKey: { name: 'shop-prod-alerting-pager', key: 'value' }, sendResolved: true }],
    });
    const https = routing({ critical: { kind: PagerKind.HTTPS, secretName: 'h' } }).spec.receivers[0];
    expect(https).toEqual({
      name: 'pager',
      webhookConfigs: [{ urlSecret: { name: 'shop-prod-alerting-pager', key: 'value' }, sendResolved: true }],
    });
    const slack = routing({ warning: { kind: 'slack', webhookUrlSecret: 's' } }).spec.receivers[0];
    expect(slack).toEqual({
      name: 'chat',
      slackConfigs: [{ apiURL: { name: 'shop-prod-alerting-chat', key: 'value' }, sendResolved: true }],
    });
  });

  test('timings: Watchdog at once and every heartbeat interval, pages re-sent hourly, the rest every 4 hours', () => {
    const { spec } = routing({ critical: PAGERDUTY, warning: SLACK, heartbeat: HEARTBEAT });
    expect(spec.route).toMatchObject({
      groupBy: ['alertname', 'service', 'environment'],
      groupWait: '30s',
      groupInterval: '5m',
      repeatInterval: '4h',
    });
    expect(GROUP_WAIT.toSeconds()).toBe(30);
    expect(walk(spec, WATCHDOG)).toMatchObject({ groupWait: '0s', groupInterval: '1m', repeatInterval: '50s' });
    expect(walk(spec, CRITICAL)).toMatchObject({ repeatInterval: '1h' });
    expect(walk(spec, CRITICAL)?.groupInterval).toBeUndefined();
    // repeat_interval under group_interval: re-sent at every flush (see paging.scenario.test.ts).
    const slow = routing({ heartbeat: HEARTBEAT }, { heartbeatInterval: Duration.minutes(2) }).spec;
    expect(walk(slow, WATCHDOG)).toMatchObject({ groupInterval: '2m', repeatInterval: '1m40s' });
  });

  test("a critical alert inhibits the same service's warnings in the same environment", () => {
    const { spec } = routing({ critical: PAGERDUTY, warning: SLACK });
    expect(spec.inhibitRules).toEqual([
      {
        sourceMatch: [{ name: 'severity', value: 'critical', matchType: '=' }],
        targetMatch: [{ name: 'severity', value: 'warning', matchType: '=' }],
        equal: ['service', 'environment'],
      },
    ]);
  });

  test('fails without a region when credentials must be read, naming the object', () => {
    expect(() => alertmanagerRouting({ name: 'shop-prod-alerting', namespace: 'shop-prod', receivers: { critical: PAGERDUTY } })).toThrow(
      "AlertmanagerRouting shop-prod/shop-prod-alerting: 'region' is required to read the receivers' credentials from Secrets Manager",
    );
  });

  test('fails when a chat channel has no webhook secret, naming the field and the fix', () => {
    expect(() => routing({ warning: { kind: 'teams' } })).toThrow(
      'receivers.warning.teams of shop-prod has no "webhookUrlSecret"; on Kubernetes Alertmanager posts to the channel\'s incoming webhook',
    );
  });
});

describe('receiverOf', () => {
  test('agrees with the documented walk for every severity and the Watchdog', () => {
    for (const receivers of [
      { critical: PAGERDUTY, warning: SLACK, heartbeat: HEARTBEAT },
      { critical: PAGERDUTY },
      { heartbeat: HEARTBEAT },
      {},
    ] as Receivers[]) {
      const { spec } = routing(receivers);
      for (const labels of [CRITICAL, WARNING, WATCHDOG, OTHER, { alertname: 'Watchdog', severity: 'critical' }]) {
        expect(receiverOf(spec, labels.severity, labels.alertname)).toBe(destination(spec, labels));
      }
    }
    const { spec } = routing({ critical: PAGERDUTY, warning: SLACK, heartbeat: HEARTBEAT });
    expect(receiverOf(spec, 'critical', 'CriticalErrorRate')).toBe(ReceiverName.PAGER);
    expect(receiverOf(spec, 'none', 'Watchdog')).toBe(ReceiverName.HEARTBEAT);
    expect(receiverOf(spec, 'info', 'Other')).toBe(ReceiverName.CHAT);
  });

  test('a route with a matcher on another label never matches', () => {
    const spec: AlertmanagerConfigSpec = {
      route: {
        receiver: 'chat',
        groupBy: [],
        groupWait: '30s',
        groupInterval: '5m',
        repeatInterval: '4h',
        routes: [
          // Another label, whatever its value: never matched by receiverOf's two labels.
          { receiver: 'pager', matchers: [{ name: 'team', value: 'critical', matchType: '=' }] },
          // Every matcher must match, not some.
          {
            receiver: 'heartbeat',
            matchers: [
              { name: 'alertname', value: 'X', matchType: '=' },
              { name: 'severity', value: 'none', matchType: '=' },
            ],
          },
        ],
      },
      receivers: [],
      inhibitRules: [],
    };
    expect(receiverOf(spec, 'critical', 'X')).toBe('chat');
  });
});

describe('prometheusDownBounds: when the heartbeat service pages after Prometheus stops', () => {
  test('defaults: alerts valid 4 × 1m resend delay, then one heartbeat interval; a 2-interval grace pages within 8 minutes', () => {
    expect(RESEND_DELAY.toSeconds()).toBe(60);
    const b = prometheusDownBounds({});
    expect(b.silentAfter.toSeconds()).toBe(300);
    expect(b.period.toSeconds()).toBe(60);
    expect(b.grace.toSeconds()).toBe(120);
    expect(b.pagedWithin.toSeconds()).toBe(480);
  });

  test('an evaluation interval longer than the resend delay sets the validity', () => {
    const b = prometheusDownBounds({ evaluationInterval: Duration.minutes(2), heartbeatInterval: Duration.minutes(5) });
    // 4 × 2m + 5m, then + 5m + 10m grace.
    expect(b.silentAfter.toSeconds()).toBe(780);
    expect(b.grace.toSeconds()).toBe(600);
    expect(b.pagedWithin.toSeconds()).toBe(1680);
    // Equal to the resend delay: 4 × 1m.
    expect(prometheusDownBounds({ evaluationInterval: Duration.minutes(1) }).silentAfter.toSeconds()).toBe(300);
    expect(prometheusDownBounds({ evaluationInterval: Duration.seconds(90) }).silentAfter.toSeconds()).toBe(420);
  });
});
