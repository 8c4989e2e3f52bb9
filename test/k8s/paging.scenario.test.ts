import * as path from 'node:path';
import { Testing } from 'cdk8s';
import { DeploymentChart } from '../../constructs/k8s';
import { AlarmKind, alertNameOf } from '../../lib/plan/alarm-catalogue';
import { deadMansSwitchBounds } from '../../constructs/k8s/release-bounds';
import { loadDefinitionFile } from '../../lib/model';
import { collectRunbookFacts } from '../../lib/runbook/facts';
import { objectOf, type Manifest } from './helpers';
import { notifications, prometheusSends } from './support/alert-delivery';
import { amtoolVersion, operatorConfig, routesTest, writeConfig } from './support/alertmanager-operator';
import { PromqlEngine } from './support/promql';
import { trafficSeries } from './support/traffic';

/*
 * Issue 26's Kubernetes scenarios, end to end for the production environment of each example:
 * the real Prometheus engine (promtool) says when the alert fires, the real Alertmanager routing
 * (amtool, on the configuration the operator builds) says who hears it, and the documented
 * timing of Prometheus and Alertmanager (support/alert-delivery) says when: within the minutes the
 * runbook states.
 */

const root = path.join(__dirname, '..', '..');
const EXAMPLES = ['storefront-web', 'checkout'].map((name) => loadDefinitionFile(path.join(root, 'examples', name, 'definition.yaml')));
const END = 40 * 60;
amtoolVersion();

describe.each(EXAMPLES.map((d) => [`${d.service}-prod`, d] as const))('%s', (ns, definition) => {
  const chart = new DeploymentChart(Testing.app(), 'Chart', { definition, environment: 'prod' });
  const env = chart.environmentDefinition;
  const am = objectOf(Testing.synth(chart) as Manifest[], 'AlertmanagerConfig');
  const file = writeConfig(
    operatorConfig([am], {
      [`${ns}-alerting-pager/value`]: 'test-routing-key-0000',
      [`${ns}-alerting-chat/value`]: 'https://hooks.slack.com/services/T000/B000/TEST',
      [`${ns}-alerting-heartbeat/value`]: 'https://hc-ping.example.invalid/test',
    }),
  );
  const routing = chart.alerting!;
  const scrape = env.kubernetes.scrapeInterval.toSeconds();
  const evaluation = chart.alerts.evaluationInterval.toSeconds();
  const watch = collectRunbookFacts(chart)
    .flatMap((f) => f.watch ?? [])
    .join('\n');
  const route = (alert: string) => am.spec.route.routes.find((r: Manifest) => r.matchers.some((m: Manifest) => m.value === alert)) ?? {};
  const seconds = (d: string) => Number(/^(\d+)s$/.exec(d)?.[1] ?? Number(/^(\d+)m$/.exec(d)?.[1]) * 60);

  test('the app is down at 3 a.m.: DeadMansSwitch fires (promtool), routes to the pager (amtool), pages within the stated minutes', () => {
    const deadMan = chart.alerts.alerts.find((a) => a.kind === AlarmKind.DEAD_MANS_SWITCH)!;
    const bounds = deadMansSwitchBounds(deadMan.window!.plus(deadMan.holdFor), chart.alerts.evaluationInterval);
    // 03:00 is 10800 s after midnight; the series run from 02:50 so the last good scrape is at 03:00.
    const lastGood = 600;
    const series = trafficSeries(
      chart.alerts.signals,
      [{ hash: 'stable', requests: () => 1000, up: (t) => (t <= lastGood ? 1 : 0) }],
      scrape,
      END,
      2.5,
    );
    const fired = new PromqlEngine(scrape, series, evaluation).firingTimes(chart.alerts.spec, alertNameOf(AlarmKind.DEAD_MANS_SWITCH), END);
    expect(fired.length).toBeGreaterThan(0);
    const receivers = routesTest(file, { alertname: deadMan.rule.alert, ...deadMan.rule.labels });
    expect(receivers).toEqual([`${ns}/${ns}-alerting/pager`]);
    // The critical route has no group_wait of its own: it inherits the top route's.
    expect(route('critical').groupWait).toBeUndefined();
    const paged = notifications(
      prometheusSends(fired[0], END, { evaluationInterval: evaluation }),
      { groupWait: seconds(am.spec.route.groupWait), groupInterval: 300, repeatInterval: 3600 },
      END,
    )[0];
    const minutes = (paged - lastGood) / 60;
    expect(paged - lastGood).toBeLessThanOrEqual(bounds.latest.plus(routing.pageDelay).toSeconds());
    expect(watch).toContain(`A critical alert reaches the pager ${routing.pageDelay} after it fires`);
    // No time intervals anywhere: the routing is the same at 3 a.m. as at 3 p.m.
    expect(JSON.stringify(am.spec)).not.toMatch(/TimeIntervals/);
    process.stdout.write(
      `${ns}: app down → pager paged ${minutes.toFixed(1)} min after the last good scrape (stated: ${bounds.latest} + ${routing.pageDelay})\n`,
    );
  });

  test('Prometheus is down: the Watchdog (amtool: heartbeat receiver) stops reaching the heartbeat service, which pages within the stated minutes', () => {
    const watchdog = chart.alerts.alerts.find((a) => a.kind === AlarmKind.WATCHDOG)!;
    expect(routesTest(file, { alertname: watchdog.rule.alert, ...watchdog.rule.labels })).toEqual([
      `${ns}/${ns}-alerting/heartbeat`,
      'null',
    ]);
    const r = route('Watchdog');
    const timing = { groupWait: seconds(r.groupWait), groupInterval: seconds(r.groupInterval), repeatInterval: seconds(r.repeatInterval) };
    // Prometheus runs from 0 and dies at 30 min; Watchdog fires at every evaluation while it runs.
    const dies = 1800;
    const pings = notifications(prometheusSends(0, dies, { evaluationInterval: evaluation }), timing, END);
    const whileUp = pings.filter((t) => t <= dies);
    const gaps = whileUp.slice(1).map((t, i) => t - whileUp[i]);
    const { period, grace, silentAfter, pagedWithin } = routing.prometheusDown;
    // While Prometheus runs the service hears a ping every period: no false page.
    expect(Math.max(...gaps)).toBeLessThanOrEqual(period.toSeconds());
    const last = pings.at(-1)!;
    expect(last - dies).toBeLessThanOrEqual(silentAfter.toSeconds());
    // The heartbeat service pages when a period and the grace pass without a ping.
    const paged = last + period.toSeconds() + grace.toSeconds();
    expect(paged - dies).toBeLessThanOrEqual(pagedWithin.toSeconds());
    expect(watch).toContain(`a dead Prometheus pages within ${pagedWithin}`);
    process.stdout.write(
      `${ns}: Prometheus down → heartbeat service pages ${((paged - dies) / 60).toFixed(1)} min later (stated: within ${pagedWithin})\n`,
    );
  });

  test('with repeat_interval equal to group_interval the pings would come every other minute (why 50s)', () => {
    const pings = notifications(
      prometheusSends(0, 1800, { evaluationInterval: evaluation }),
      { groupWait: 0, groupInterval: 60, repeatInterval: 60 },
      1800,
    );
    expect(pings.slice(1, 4).map((t, i) => t - pings[i])).toEqual([120, 120, 120]);
  });
});
