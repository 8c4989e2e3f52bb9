import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';

/**
 * What the prometheus-operator makes of an `AlertmanagerConfig` (monitoring.coreos.com/v1alpha1)
 * when it merges it into the Alertmanager's configuration, written from the operator's source
 * (prometheus-operator `pkg/alertmanager/amcfg.go`, commit 6adcebc5):
 *
 * - `convertRoute`: every receiver (and mute interval) name becomes `<namespace>/<name>/<receiver>`
 *   (`makeNamespacedString`); matchers with a `matchType` are written `name="value"`
 *   (`Matcher.String()` in `pkg/apis/monitoring/v1alpha1/alertmanager_config_types.go`).
 * - `namespaceEnforcer.processRoute` (the default `OnNamespace` matcher strategy, Alertmanager ≥
 *   0.22): appends `namespace="<namespace>"` to the top route's matchers;
 *   `continueToNextRoute` sets `continue: true` on it.
 * - `namespaceEnforcer.processInhibitRule`: appends `namespace="<namespace>"` to the source and
 *   target matchers of every inhibit rule.
 * - `AddAlertmanagerConfigs`: the converted routes go *before* the main configuration's routes;
 *   the receivers and inhibit rules are appended.
 * - `convertReceiver`: credentials are read from the Secrets the selectors name, in the
 *   AlertmanagerConfig's namespace, and written inline (`routing_key`, `api_key`, `url`, `api_url`,
 *   `webhook_url`).
 */

type Json = Record<string, any>;

/**
 * kube-prometheus-stack's default Alertmanager configuration (`alertmanager.config` in
 * charts/kube-prometheus-stack/values.yaml): everything, Watchdog included, goes to `null`.
 */
export const KUBE_PROMETHEUS_STACK_DEFAULT: Json = {
  global: { resolve_timeout: '5m' },
  inhibit_rules: [
    { source_matchers: ['severity = critical'], target_matchers: ['severity =~ warning|info'], equal: ['namespace', 'alertname'] },
    { source_matchers: ['severity = warning'], target_matchers: ['severity = info'], equal: ['namespace', 'alertname'] },
    { source_matchers: ['alertname = InfoInhibitor'], target_matchers: ['severity = info'], equal: ['namespace'] },
    { target_matchers: ['alertname = InfoInhibitor'] },
  ],
  route: {
    group_by: ['namespace'],
    group_wait: '30s',
    group_interval: '5m',
    repeat_interval: '12h',
    receiver: 'null',
    routes: [{ receiver: 'null', matchers: ['alertname = "Watchdog"'] }],
  },
  receivers: [{ name: 'null' }],
};

const matcher = (m: { name: string; value: string; matchType: string }) => `${m.name}${m.matchType}"${m.value}"`;

/** Merges AlertmanagerConfig objects into a base configuration as the operator does. `secrets` maps `<Secret name>/<key>` to the value. */
export function operatorConfig(amConfigs: Json[], secrets: Record<string, string>, base: Json = KUBE_PROMETHEUS_STACK_DEFAULT): Json {
  const out = structuredClone(base);
  const routes: Json[] = [];
  for (const am of amConfigs) {
    const ns = am.metadata.namespace as string;
    const prefixed = (name: string) => `${ns}/${am.metadata.name}/${name}`;
    const secret = (ref: { name: string; key: string }) => {
      const value = secrets[`${ref.name}/${ref.key}`];
      if (value === undefined) throw new Error(`Secret ${ns}/${ref.name} has no key ${ref.key}; the operator would refuse the config`);
      return value;
    };
    const convertRoute = (r: Json): Json => ({
      receiver: prefixed(r.receiver),
      ...(r.groupBy ? { group_by: r.groupBy } : {}),
      ...(r.groupWait ? { group_wait: r.groupWait } : {}),
      ...(r.groupInterval ? { group_interval: r.groupInterval } : {}),
      ...(r.repeatInterval ? { repeat_interval: r.repeatInterval } : {}),
      ...(r.continue ? { continue: true } : {}),
      ...(r.matchers?.length ? { matchers: r.matchers.map(matcher) } : {}),
      ...(r.routes?.length ? { routes: r.routes.map(convertRoute) } : {}),
    });
    for (const rule of am.spec.inhibitRules ?? []) {
      (out.inhibit_rules ??= []).push({
        source_matchers: [...rule.sourceMatch.map(matcher), `namespace="${ns}"`],
        target_matchers: [...rule.targetMatch.map(matcher), `namespace="${ns}"`],
        ...(rule.equal ? { equal: rule.equal } : {}),
      });
    }
    const top = convertRoute(am.spec.route);
    top.matchers = [...(top.matchers ?? []), `namespace="${ns}"`];
    top.continue = true;
    routes.push(top);
    for (const r of am.spec.receivers) {
      out.receivers.push({
        name: prefixed(r.name),
        ...(r.pagerdutyConfigs
          ? {
              pagerduty_configs: r.pagerdutyConfigs.map((c: Json) => ({
                routing_key: secret(c.routingKey),
                send_resolved: c.sendResolved,
              })),
            }
          : {}),
        ...(r.opsgenieConfigs
          ? { opsgenie_configs: r.opsgenieConfigs.map((c: Json) => ({ api_key: secret(c.apiKey), send_resolved: c.sendResolved })) }
          : {}),
        ...(r.webhookConfigs
          ? { webhook_configs: r.webhookConfigs.map((c: Json) => ({ url: secret(c.urlSecret), send_resolved: c.sendResolved })) }
          : {}),
        ...(r.slackConfigs
          ? {
              slack_configs: r.slackConfigs.map((c: Json) => ({
                api_url: secret(c.apiURL),
                send_resolved: c.sendResolved,
                ...(c.channel ? { channel: c.channel } : {}),
              })),
            }
          : {}),
        ...(r.msteamsConfigs
          ? { msteams_configs: r.msteamsConfigs.map((c: Json) => ({ webhook_url: secret(c.webhookUrl), send_resolved: c.sendResolved })) }
          : {}),
      });
    }
  }
  out.route.routes = [...routes, ...(out.route.routes ?? [])];
  return out;
}

/**
 * Whether amtool is on the PATH; throws when it is not: these tests prove behaviour with the real
 * Alertmanager code, so they fail rather than skip (Debian's `prometheus-alertmanager`; `.ci/run`
 * installs it).
 */
export function amtoolVersion(): string {
  const r = spawnSync('amtool', ['--version'], { encoding: 'utf8' });
  if (r.status !== 0)
    throw new Error('amtool is missing: install it (apt-get install -y prometheus-alertmanager); the amtool tests fail rather than skip');
  return /version (\S+)/.exec(`${r.stdout}${r.stderr}`)?.[1] ?? 'unknown';
}

/** Writes an Alertmanager configuration to a temporary file and returns its path. */
export function writeConfig(config: Json): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-am-'));
  const file = path.join(dir, 'alertmanager.yaml');
  fs.writeFileSync(file, stringify(config));
  return file;
}

/** `amtool check-config <file>`: exit status and output. */
export function checkConfig(file: string): { status: number; output: string } {
  const r = spawnSync('amtool', ['check-config', file], { encoding: 'utf8' });
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

/**
 * `amtool config routes test --config.file=<file> <labels>`: the receivers Alertmanager's own
 * routing code picks for an alert with these labels, in order.
 */
export function routesTest(file: string, labels: Record<string, string>): string[] {
  const args = ['config', 'routes', 'test', `--config.file=${file}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)];
  const r = spawnSync('amtool', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`amtool ${args.join(' ')} failed (${r.status}): ${r.stdout}${r.stderr}`);
  return r.stdout
    .trim()
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
