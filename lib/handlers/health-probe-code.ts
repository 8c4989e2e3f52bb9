import { inlineSmokeCheckSource } from '../smoke/inline';

/** CloudWatch namespace and metric of the probe's heartbeat. */
export const PROBE_NAMESPACE = 'Glidepath';
export const PROBE_METRIC = 'HealthProbe';

/**
 * Inline source of the dead-man's switch probe (Node.js 24, AWS SDK v3 from the runtime), run
 * every minute by a schedule: it sends one check (`PROBE_CHECK`, `{ check, settings }`) the way
 * users reach the service — through the load balancer at `PROBE_URL`, or by invoking the live
 * alias `PROBE_FUNCTION` with an HTTP API (payload 2.0) event — with the same `runSmokeCheck` as
 * `glidepath smoke-test`, and publishes `Glidepath/HealthProbe` (`Service` = `SERVICE`) only when
 * the check passes. The switch alarms on the metric's absence, so silence means down whatever the
 * user traffic is: a quiet night still gets a datapoint a minute.
 */
export function healthProbeSource(): string {
  return [
    "const { CloudWatchClient, PutMetricDataCommand } = require('@aws-sdk/client-cloudwatch');",
    "const { LambdaClient, InvokeCommand } = require('@aws-sdk/client-lambda');",
    `const runSmokeCheck = ${inlineSmokeCheckSource()};`,
    'const invoke = async (url, init) => {',
    'const u = new URL(url);',
    "const ev = { version: '2.0', rawPath: u.pathname, rawQueryString: u.search.slice(1), headers: init.headers, requestContext: { http: { method: init.method, path: u.pathname } }, body: init.body };",
    'const out = await new LambdaClient({}).send(new InvokeCommand({ FunctionName: process.env.PROBE_FUNCTION, Payload: JSON.stringify(ev) }), { abortSignal: init.signal });',
    'const text = Buffer.from(out.Payload || []).toString();',
    'if (out.FunctionError) return { status: 502, text: async () => text };',
    'let p; try { p = JSON.parse(text); } catch (e) { p = { body: text }; }',
    "return { status: (p && p.statusCode) || 200, text: async () => (p && typeof p.body == 'string' ? p.body : JSON.stringify(p)) };",
    '};',
    'exports.handler = async () => {',
    'const { check, settings } = JSON.parse(process.env.PROBE_CHECK);',
    'const fn = process.env.PROBE_FUNCTION;',
    "const r = await runSmokeCheck(fn ? 'http://function' : process.env.PROBE_URL, check, settings, {}, fn ? invoke : undefined);",
    'console.log(JSON.stringify(r));',
    'if (!r.passed) return false;',
    "await new CloudWatchClient({}).send(new PutMetricDataCommand({ Namespace: 'Glidepath', MetricData: [{ MetricName: 'HealthProbe', Dimensions: [{ Name: 'Service', Value: process.env.SERVICE }], Value: 1, Unit: 'Count' }] }));",
    'return true;',
    '};',
  ].join('\n');
}
