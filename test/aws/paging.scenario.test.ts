import * as path from 'node:path';
import { synthesizeAws } from '../../constructs/aws/synthesize';
import { PROBE_METRIC, PROBE_NAMESPACE } from '../../lib/handlers/health-probe-code';
import { loadDefinitionFile, type ServiceDefinition } from '../../lib/model';
import { alarmDeliveries, delivered } from './support/alarm-delivery';
import { alarmFromTemplate, simulateAlarm, type MetricFeed } from './support/cloudwatch-alarm-simulator';

/*
 * Issue 26's AWS scenarios, end to end for the production environment of each AWS example: the
 * CloudWatch alarm simulator says when the alarm goes to ALARM, the policy evaluation says
 * CloudWatch may publish its notification (topic and key), and the topic's subscription says who
 * hears it: the declared pager, within the minutes the runbook states.
 */

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');
const DEFINITIONS: ServiceDefinition[] = [
  loadDefinitionFile(path.join(EXAMPLES, 'checkout', 'definition.yaml')),
  loadDefinitionFile(path.join(EXAMPLES, 'payments-api', 'definition.ts')),
];
/** Minutes of healthy traffic before the incident. */
const ONSET = 10;
const MINUTES = 60;
const ACCOUNT = '111111111111';

/**
 * Healthy until ONSET, then half the requests fail (or, with `silent`, the service cannot be reached:
 * nothing is published at all, not even the health probe's datapoint).
 */
function incident(kind: 'errors' | 'silent'): MetricFeed {
  return (metric, i) => {
    const after = i >= ONSET;
    if (kind === 'silent' && after) return undefined;
    // The dead-man's switch watches the HealthProbe (constructs/aws/health-probe.ts): a scheduled
    // function checks the service each minute and publishes one sample when the check passes.
    if (metric.namespace === PROBE_NAMESPACE && metric.metricName === PROBE_METRIC) return 1;
    const requests = 10_000;
    const errors = after ? requests / 2 : 0;
    switch (metric.metricName) {
      case 'RequestCount':
      case 'Invocations':
        return metric.stat === 'SampleCount' ? 60 : requests;
      case 'HTTPCode_Target_5XX_Count':
      case 'Errors':
        return errors === 0 ? undefined : errors;
      case 'HTTPCode_ELB_5XX_Count':
        return undefined;
      case 'CPUUtilization':
        return metric.stat === 'SampleCount' ? 60 : 20;
      default:
        return undefined;
    }
  };
}

/** The "fires about N" the runbook states for an alarm, in seconds. */
function statedBound(runbook: string, alarmName: string): number {
  const row = runbook.split('\n').find((l) => l.startsWith(`| [${alarmName}]`) && /fires about/.test(l));
  const m = row && /fires about (\d+)([sm]) after/.exec(row);
  if (!m) throw new Error(`the runbook states no detection time for ${alarmName}`);
  return Number(m[1]) * (m[2] === 'm' ? 60 : 1);
}

describe.each(DEFINITIONS.map((d) => [`${d.service}-prod`, d] as const))('%s', (stack, definition) => {
  const out = synthesizeAws(definition, ['prod']);
  const template = JSON.parse(out.templates[`${stack}.template.json`]);
  const runbook = out.runbooks[`${stack}.md`];
  const env = definition.environments.find((e) => e.name === 'prod')!;
  const at = { account: ACCOUNT, region: env.region! };
  const pager = (alarmName: string) => {
    const d = alarmDeliveries(template, at).find((x) => x.alarmName === alarmName)!;
    expect(d.alarmActions).toHaveLength(1);
    expect(delivered(d.alarmActions[0])).toBe(true);
    return d.alarmActions[0].receivers;
  };
  const PAGER = new RegExp(`^lambda:${stack}-pager$`);

  test('a critical alarm fires: ALARM within the stated minutes, CloudWatch may publish, the pager is subscribed', () => {
    const name = `${stack}-critical-error-rate`;
    const result = simulateAlarm(alarmFromTemplate(template, name), incident('errors'), { datapoints: MINUTES });
    expect(result.firstAlarmSeconds).toBeDefined();
    const after = result.firstAlarmSeconds! - ONSET * 60;
    expect(after).toBeLessThanOrEqual(statedBound(runbook, name));
    const receivers = pager(name);
    expect(receivers).toHaveLength(1);
    expect(receivers[0]).toMatch(PAGER);
    process.stdout.write(`${stack}: critical error rate → ALARM ${(after / 60).toFixed(1)} min after onset → ${receivers[0]}\n`);
  });

  test("the service goes silent: the dead-man's switch pages the pager after missingFor", () => {
    const name = `${stack}-dead-mans-switch`;
    const alarm = alarmFromTemplate(template, name);
    // The feed above publishes the probe's datapoint: the switch must watch exactly that metric.
    expect(alarm.queries.map((q) => q.metric && [q.metric.namespace, q.metric.metricName, q.metric.stat])).toContainEqual([
      PROBE_NAMESPACE,
      PROBE_METRIC,
      'SampleCount',
    ]);
    const result = simulateAlarm(alarm, incident('silent'), { datapoints: MINUTES });
    expect(result.firstAlarmSeconds).toBeDefined();
    const after = result.firstAlarmSeconds! - ONSET * 60;
    const missing = env.deadMansSwitch.missingFor.toSeconds();
    // N missing 1-minute datapoints, then the evaluation a minute later.
    expect(after).toBeLessThanOrEqual(missing + 60);
    expect(after).toBeGreaterThanOrEqual(missing);
    expect(pager(name)[0]).toMatch(PAGER);
    process.stdout.write(`${stack}: silent → dead-man's switch ALARM ${(after / 60).toFixed(1)} min after the last datapoint\n`);
  });

  test('healthy traffic fires neither', () => {
    const healthy: MetricFeed = (m, i) => incident('errors')(m, Math.min(i, ONSET - 1));
    expect(
      simulateAlarm(alarmFromTemplate(template, `${stack}-critical-error-rate`), healthy, { datapoints: MINUTES }).firstAlarmSeconds,
    ).toBeUndefined();
    expect(
      simulateAlarm(alarmFromTemplate(template, `${stack}-dead-mans-switch`), healthy, { datapoints: MINUTES }).firstAlarmSeconds,
    ).toBeUndefined();
  });
});
