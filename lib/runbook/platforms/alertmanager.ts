import { Duration } from '../../model/duration';
import type { Receivers } from '../../model/receivers';
import type { RunbookCommand, RunbookFacts } from '../facts';
import { receiverWords } from '../paging';
import {
  GROUP_WAIT,
  prometheusDownBounds,
  receiverOf,
  type AlertmanagerRoutingPlan,
  type AlertmanagerRoutingSettings,
} from '../../plan/kubernetes/alertmanager-routing';

/** What the Alertmanager routing's runbook text needs: names, receivers and timings, no constructs. */
export interface AlertmanagerRunbookInput {
  readonly namespace: string;
  /** Name of the AlertmanagerConfig. */
  readonly name: string;
  /** Whether an AlertmanagerConfig is written (some receiver declared). */
  readonly routed: boolean;
  readonly receivers: Receivers;
  readonly labels?: Record<string, string>;
  /** Namespace of the Alertmanager and its `alertmanager-operated` Service. */
  readonly alertmanagerNamespace: string;
  readonly service: string;
  readonly environment: string;
  /** The receiver a critical alert reaches inside the config (`pager`, `chat` or `none`). */
  readonly criticalReceiver: string;
  /** A critical alert reaches the pager this long after it fires. */
  readonly pageDelay: Duration;
  /** How a dead Prometheus is noticed through the heartbeat service. */
  readonly prometheusDown: {
    readonly silentAfter: Duration;
    readonly period: Duration;
    readonly grace: Duration;
    readonly pagedWithin: Duration;
  };
}

/**
 * The test page: amtool against the cluster's Alertmanager (through a port-forward to the
 * operator's `alertmanager-operated` Service) shows the loaded routing, then a test alert with this
 * service's labels goes through it to the pager.
 */
function testPage(input: AlertmanagerRunbookInput): RunbookCommand[] {
  const ns = input.namespace;
  const am = input.alertmanagerNamespace;
  const labels = `namespace=${ns} service=${input.service} environment=${input.environment}`;
  const url = '--alertmanager.url=http://127.0.0.1:9093';
  const critical = input.criticalReceiver;
  return [
    {
      description: `Reach the Alertmanager in namespace ${am}`,
      command: `kubectl -n ${am} port-forward svc/alertmanager-operated 9093:9093 >/dev/null 2>&1 &
sleep 3`,
      expected: 'no output; the port-forward runs in the background',
    },
    {
      description: 'Check that the Alertmanager loaded this routing',
      command: `amtool config routes test ${url} --verify.receivers=${ns}/${input.name}/${critical} alertname=DeadMansSwitch severity=critical ${labels}`,
      expected: `${ns}/${input.name}/${critical} (exit code 1, "null" and "WARNING: Expected receivers did not match resolved receivers" mean the operator did not select AlertmanagerConfig ${ns}/${input.name}: see the prerequisites)`,
    },
    {
      // GNU date reads -d, BSD/macOS date -v: the second form runs where the first fails.
      description: 'Send a test page that resolves itself after 5 minutes',
      command: `amtool alert add ${url} alertname=GlidepathPagingTest severity=critical ${labels} --annotation=summary="Paging test from the runbook" --end="$(date -u -d '+5 minutes' +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || date -u -v+5M +%Y-%m-%dT%H:%M:%SZ)"`,
      expected: `${critical === 'pager' ? 'the pager' : 'the team channel'} hears GlidepathPagingTest within ${input.pageDelay.plus(Duration.seconds(30))}`,
    },
    { description: 'Stop the port-forward', command: 'kill %1', expected: 'no output' },
  ];
}

/** The Alertmanager routing: who hears what, the operator settings it needs, and the test page. */
export function alertmanagerRunbookFacts(input: AlertmanagerRunbookInput): RunbookFacts {
  const r = input.receivers;
  const labels = Object.entries(input.labels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const risk =
    r.optOutReason !== undefined
      ? {
          acceptedRisks: [
            { rule: 'glidepath-paging', resource: `namespace ${input.namespace}`, reason: `Nobody is paged: ${r.optOutReason}` },
          ],
        }
      : {};
  if (!input.routed) return risk;
  return {
    ...risk,
    paging: { ...receiverWords(r), rollback: 'nobody: Argo Rollouts aborts the rollout by itself', test: testPage(input) },
    resources: [{ type: 'monitoring.coreos.com/AlertmanagerConfig', name: input.name }],
    prerequisites: [
      'amtool (Debian/Ubuntu `prometheus-alertmanager`, or from the Alertmanager release) for the paging check',
      `Alertmanager (prometheus-operator) selects AlertmanagerConfig ${input.namespace}/${input.name}: its alertmanagerConfigSelector matches ${labels ? `labels ${labels}` : 'every AlertmanagerConfig ({})'}, its alertmanagerConfigNamespaceSelector matches namespace ${input.namespace}, and alertmanagerConfigMatcherStrategy is OnNamespace (the default: only alerts labelled namespace="${input.namespace}" are routed)`,
    ],
    watch: [
      ...(r.critical
        ? [
            `A critical alert reaches the pager ${input.pageDelay} after it fires (group_wait; no mute intervals: 3 a.m. pages like 3 p.m.).`,
          ]
        : []),
      ...(r.heartbeat
        ? [
            `Configure the ${r.heartbeat.service} check with a period of ${input.prometheusDown.period} and a grace of ${input.prometheusDown.grace}: Alertmanager pings it every ${input.prometheusDown.period} while Prometheus runs; after Prometheus stops the pings end within ${input.prometheusDown.silentAfter}, so a dead Prometheus pages within ${input.prometheusDown.pagedWithin}.`,
          ]
        : []),
      `Alertmanager routes critical alerts to ${r.critical ? `the pager (${r.critical.kind})` : 'the team channel (nobody is paged)'}, warnings to ${r.warning ? `${r.warning.kind === 'slack' ? 'Slack' : 'Microsoft Teams'}` : 'nobody'}, and Watchdog to ${r.heartbeat ? `${r.heartbeat.service} every ${input.prometheusDown.period}` : 'nobody (declare receivers.heartbeat so that a dead Prometheus pages)'} (AlertmanagerConfig ${input.namespace}/${input.name}).`,
    ],
  };
}

/** The runbook facts of a service's Alertmanager routing (what `AlertmanagerRouting` in constructs/k8s writes). */
export function alertmanagerRoutingRunbookFacts(
  settings: AlertmanagerRoutingSettings,
  plan: Pick<AlertmanagerRoutingPlan, 'spec' | 'routed'>,
): RunbookFacts {
  return alertmanagerRunbookFacts({
    namespace: settings.namespace,
    name: settings.name,
    routed: plan.routed,
    receivers: settings.receivers,
    labels: settings.labels,
    alertmanagerNamespace: settings.alertmanagerNamespace ?? 'monitoring',
    service: settings.service ?? settings.namespace,
    environment: settings.environment ?? settings.namespace,
    criticalReceiver: receiverOf(plan.spec, 'critical', 'DeadMansSwitch'),
    pageDelay: GROUP_WAIT,
    prometheusDown: prometheusDownBounds(settings),
  });
}
