/**
 * Inline source of the hand-written app's Lambda functions (Node.js 24, AWS SDK v3 from the
 * runtime), as a platform team would keep them next to their stack.
 */

/** A minimal rotation function for opaque secrets (the four-step protocol, value from GetRandomPassword). */
export const ROTATION_HANDLER = `
const sm = require('@aws-sdk/client-secrets-manager');
const client = new sm.SecretsManagerClient({});
exports.handler = async ({ SecretId: id, ClientRequestToken: token, Step: step }) => {
  const meta = await client.send(new sm.DescribeSecretCommand({ SecretId: id }));
  const versions = meta.VersionIdsToStages || {};
  if (!versions[token] || versions[token].includes('AWSCURRENT')) return;
  if (step === 'createSecret') {
    const random = await client.send(new sm.GetRandomPasswordCommand({ PasswordLength: 48, ExcludePunctuation: true }));
    await client.send(new sm.PutSecretValueCommand({ SecretId: id, ClientRequestToken: token, SecretString: random.RandomPassword, VersionStages: ['AWSPENDING'] }));
  } else if (step === 'finishSecret') {
    const current = Object.keys(versions).find((v) => versions[v].includes('AWSCURRENT'));
    await client.send(new sm.UpdateSecretVersionStageCommand({ SecretId: id, VersionStage: 'AWSCURRENT', MoveToVersionId: token, RemoveFromVersionId: current }));
  }
};
`;

/**
 * ECS deployment lifecycle hook (POST_TEST_TRAFFIC_SHIFT): finds the load balancer's private
 * address, runs the checks in SMOKE_TESTS against the test listener with retries, logs one JSON
 * line per check and answers SUCCEEDED or FAILED (FAILED rolls the deployment back).
 */
export const SMOKE_TEST_HANDLER = `
const { EC2Client, DescribeNetworkInterfacesCommand } = require('@aws-sdk/client-ec2');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function check(base, c, s) {
  let last = { status: 0, latencyMs: 0, detail: 'not run' };
  for (let attempt = 1; attempt <= s.attempts; attempt++) {
    if (attempt > 1) await sleep(s.backoffMs * 2 ** (attempt - 2));
    const started = Date.now();
    try {
      const res = await fetch(base + c.path, { method: c.method, headers: c.headers, body: c.body, redirect: 'manual', signal: AbortSignal.timeout(s.timeoutMs) });
      const text = await res.text();
      const latencyMs = Date.now() - started;
      const problem = res.status !== c.expectedStatus ? 'status ' + res.status + ', expected ' + c.expectedStatus
        : c.bodyContains && !text.includes(c.bodyContains) ? 'body lacks "' + c.bodyContains + '"'
        : latencyMs > c.maxLatencyMs ? 'took ' + latencyMs + ' ms, limit ' + c.maxLatencyMs : '';
      last = { status: res.status, latencyMs, detail: problem || 'ok' };
      if (!problem) return { name: c.name, passed: true, attempts: attempt, ...last };
    } catch (e) {
      last = { status: 0, latencyMs: Date.now() - started, detail: e.name === 'TimeoutError' ? 'no answer within ' + s.timeoutMs + ' ms' : e.message };
    }
  }
  return { name: c.name, passed: false, attempts: s.attempts, ...last };
}
exports.handler = async (event) => {
  console.log(JSON.stringify({ stage: event.lifecycleStage, revision: event.executionDetails && event.executionDetails.targetServiceRevisionArn }));
  const enis = await new EC2Client({}).send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'description', Values: ['ELB ' + process.env.LOAD_BALANCER] }] }));
  const ips = (enis.NetworkInterfaces || []).map((n) => n.PrivateIpAddress).filter(Boolean).sort();
  if (ips.length === 0) { console.log('no private address of ' + process.env.LOAD_BALANCER); return { hookStatus: 'FAILED' }; }
  const { checks, settings } = JSON.parse(process.env.SMOKE_TESTS);
  const results = [];
  for (const c of checks) results.push(await check('http://' + ips[0] + ':' + process.env.TEST_PORT, c, settings));
  results.forEach((r) => console.log(JSON.stringify(r)));
  const failed = results.filter((r) => !r.passed).map((r) => r.name);
  console.log(failed.length ? 'FAILED: ' + failed : 'all ' + results.length + ' smoke tests passed');
  return { hookStatus: failed.length ? 'FAILED' : 'SUCCEEDED' };
};
`;

/**
 * Custom resource handler for an expand migration: on Create and Update it starts the migration
 * task, polls it every 10 seconds until it stops and reports SUCCESS only for exit code 0; on
 * Delete it does nothing. It answers CloudFormation through the pre-signed ResponseURL, and gives
 * up 20 seconds before its own timeout.
 */
export const MIGRATION_RUNNER_HANDLER = `
const { ECSClient, RunTaskCommand, DescribeTasksCommand } = require('@aws-sdk/client-ecs');
const https = require('https');
const ecs = new ECSClient({});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function respond(event, status, reason, data) {
  const body = JSON.stringify({ Status: status, Reason: String(reason).slice(0, 3000), PhysicalResourceId: event.PhysicalResourceId || event.ResourceProperties.Migration,
    StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId, Data: data });
  return new Promise((resolve, reject) => {
    const req = https.request(event.ResponseURL, { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } }, (res) => { res.resume(); res.on('end', resolve); });
    req.on('error', reject);
    req.end(body);
  });
}
async function run(p, context) {
  const started = await ecs.send(new RunTaskCommand({ cluster: p.Cluster, taskDefinition: p.TaskDefinition, launchType: 'FARGATE', count: 1, startedBy: 'migration',
    networkConfiguration: { awsvpcConfiguration: { subnets: p.Subnets, securityGroups: p.SecurityGroups, assignPublicIp: 'DISABLED' } } }));
  const task = started.tasks && started.tasks[0];
  if (!task) throw new Error('migration ' + p.Migration + ' did not start: ' + JSON.stringify(started.failures || []));
  console.log('started ' + task.taskArn);
  while (context.getRemainingTimeInMillis() > 20000) {
    await sleep(10000);
    const t = (await ecs.send(new DescribeTasksCommand({ cluster: p.Cluster, tasks: [task.taskArn] }))).tasks[0];
    if (t && t.lastStatus === 'STOPPED') {
      const c = (t.containers || []).find((x) => x.name === 'migrate') || {};
      if (c.exitCode === 0) return { TaskArn: task.taskArn };
      throw new Error('migration ' + p.Migration + ' failed (exit code ' + c.exitCode + ', ' + (t.stoppedReason || c.reason || 'no reason') + '); logs: ' + p.LogGroup);
    }
  }
  throw new Error('migration ' + p.Migration + ' still running at the time limit (' + task.taskArn + '); logs: ' + p.LogGroup);
}
exports.handler = async (event, context) => {
  console.log(JSON.stringify({ RequestType: event.RequestType, Migration: event.ResourceProperties.Migration }));
  try {
    await respond(event, 'SUCCESS', 'ok', event.RequestType === 'Delete' ? {} : await run(event.ResourceProperties, context));
  } catch (e) {
    console.log(e.message);
    await respond(event, 'FAILED', e.message, {});
  }
};
`;
