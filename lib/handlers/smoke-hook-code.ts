import { inlineSmokeCheckSource } from '../smoke/inline';

/**
 * Inline source of the hook functions (Node.js 24, AWS SDK v3 from the runtime). Both read the
 * checks from `SMOKE_TESTS` (`{ checks, settings }`), run them with the same `runSmokeCheck` as
 * `glidepath smoke-test`, and log one JSON line per check.
 */
const RUN_ALL = [
  'async function runAll(base, send) {',
  'const t = JSON.parse(process.env.SMOKE_TESTS);',
  'const results = [];',
  'for (const c of t.checks) results.push(await runSmokeCheck(base, c, t.settings, {}, send));',
  'for (const r of results) console.log(JSON.stringify(r));',
  'const failed = results.filter((r) => !r.passed).map((r) => r.name);',
  "console.log(failed.length ? 'FAILED: ' + failed : 'all ' + results.length + ' smoke tests passed');",
  'return !failed.length;',
  '}',
].join('\n');

/**
 * HTTPS to the load balancer's private address with the certificate's name: SNI and `Host` carry
 * `TLS_SERVER_NAME` and the certificate is checked against it (fetch cannot set SNI). Without a
 * name (an imported certificate for an unknown domain) the chain is still verified, the host name
 * is not: the address is the load balancer's own, inside the VPC.
 */
const SEND_TLS = [
  'const sendTls = (url, i) => new Promise((ok, no) => {',
  'const u = new URL(url), n = process.env.TLS_SERVER_NAME;',
  "const r = require('https').request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method: i.method, signal: i.signal,",
  'headers: { ...i.headers, host: n || u.hostname }, servername: n || undefined, checkServerIdentity: n ? undefined : () => undefined },',
  "(s) => { let b = ''; s.on('data', (c) => (b += c)); s.on('end', () => ok({ status: s.statusCode, text: async () => b })); });",
  "r.on('error', no); r.end(i.body);",
  '});',
].join('\n');

/**
 * ECS deployment lifecycle hook (POST_TEST_TRAFFIC_SHIFT): runs the checks against the test
 * listener through the load balancer's private address, from inside the VPC, and answers
 * `{ hookStatus: "SUCCEEDED" | "FAILED" }` (FAILED rolls the deployment back).
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/lambda-lifecycle-hooks.html
 */
export function ecsHookSource(): string {
  return [
    "const { EC2Client, DescribeNetworkInterfacesCommand } = require('@aws-sdk/client-ec2');",
    `const runSmokeCheck = ${inlineSmokeCheckSource()};`,
    RUN_ALL,
    SEND_TLS,
    'exports.handler = async (event) => {',
    'console.log(JSON.stringify({ stage: event.lifecycleStage, revision: event.executionDetails && event.executionDetails.targetServiceRevisionArn }));',
    "const enis = await new EC2Client({}).send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'description', Values: ['ELB ' + process.env.LOAD_BALANCER] }] }));",
    'const ips = (enis.NetworkInterfaces || []).map((n) => n.PrivateIpAddress).filter(Boolean).sort();',
    "if (ips.length === 0) { console.log('no private address of ' + process.env.LOAD_BALANCER); return { hookStatus: 'FAILED' }; }",
    "const tls = process.env.TEST_SCHEME == 'https';",
    "const ok = await runAll((tls ? 'https://' : 'http://') + ips[0] + ':' + process.env.TEST_PORT, tls && sendTls);",
    "return { hookStatus: ok ? 'SUCCEEDED' : 'FAILED' };",
    '};',
  ].join('\n');
}

/**
 * CodeDeploy pre-traffic hook (BeforeAllowTraffic): invokes the new version (`TARGET_VERSION`)
 * once per check with an HTTP API (payload 2.0) event built from the check, and reports the result
 * with `PutLifecycleEventHookExecutionStatus` (Failed rolls the deployment back). Any error reports
 * Failed, so CodeDeploy never waits for the hook's one-hour timeout.
 *
 * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-hooks.html#appspec-hooks-lambda
 */
export function lambdaHookSource(): string {
  return [
    "const { LambdaClient, InvokeCommand } = require('@aws-sdk/client-lambda');",
    "const { CodeDeployClient, PutLifecycleEventHookExecutionStatusCommand } = require('@aws-sdk/client-codedeploy');",
    `const runSmokeCheck = ${inlineSmokeCheckSource()};`,
    RUN_ALL,
    'const lambda = new LambdaClient({});',
    'const send = async (url, init) => {',
    'const u = new URL(url);',
    "const ev = { version: '2.0', rawPath: u.pathname, rawQueryString: u.search.slice(1), headers: init.headers, requestContext: { http: { method: init.method, path: u.pathname } }, body: init.body };",
    'const out = await lambda.send(new InvokeCommand({ FunctionName: process.env.TARGET_VERSION, Payload: JSON.stringify(ev) }), { abortSignal: init.signal });',
    'const text = Buffer.from(out.Payload || []).toString();',
    'if (out.FunctionError) return { status: 502, text: async () => text };',
    'let p; try { p = JSON.parse(text); } catch (e) { p = { body: text }; }',
    "return { status: (p && p.statusCode) || 200, text: async () => (p && typeof p.body == 'string' ? p.body : JSON.stringify(p)) };",
    '};',
    'exports.handler = async (event) => {',
    'let ok = false;',
    "try { ok = await runAll('http://function', send); } catch (e) { console.log(e.message); }",
    "await new CodeDeployClient({}).send(new PutLifecycleEventHookExecutionStatusCommand({ deploymentId: event.DeploymentId, lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId, status: ok ? 'Succeeded' : 'Failed' }));",
    "return ok ? 'Succeeded' : 'Failed';",
    '};',
  ].join('\n');
}
