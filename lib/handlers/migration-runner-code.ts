/**
 * Inline source of the custom resource that runs an expand migration during `cdk deploy`
 * (Node.js 24, AWS SDK v3 from the runtime): on Create and Update it starts the migration task,
 * polls it every 10 seconds until it stops, and reports SUCCESS only for exit code 0; on Delete
 * it does nothing (a schema is not un-migrated). It answers CloudFormation itself through the
 * pre-signed `ResponseURL`, and gives up 20 seconds before its own timeout so CloudFormation
 * never waits an hour for a lost answer; a task still running then is stopped, so a migration
 * CloudFormation counts as failed does not go on changing the schema.
 *
 * During `UPDATE_ROLLBACK_IN_PROGRESS` CloudFormation sends Update with the *previous* properties
 * (the previous image's migration, already applied): the runner answers SUCCESS without running
 * it, so a rollback is quick and cannot fail on a migration.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requesttypes-update.html
 */
export const MIGRATION_RUNNER_SOURCE = `const { ECSClient, RunTaskCommand, DescribeTasksCommand, StopTaskCommand } = require('@aws-sdk/client-ecs');
const https = require('https');
const ecs = new ECSClient({});
function respond(event, status, reason, data) {
  const body = JSON.stringify({ Status: status, Reason: String(reason).slice(0, 3000), PhysicalResourceId: event.PhysicalResourceId || event.ResourceProperties.Migration, StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId, Data: data });
  return new Promise((resolve, reject) => {
    const req = https.request(event.ResponseURL, { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } }, (res) => { res.resume(); res.on('end', resolve); });
    req.on('error', reject);
    req.end(body);
  });
}
async function run(p, context) {
  const started = await ecs.send(new RunTaskCommand({ cluster: p.Cluster, taskDefinition: p.TaskDefinition, launchType: 'FARGATE', count: 1, startedBy: 'glidepath-migration',
    networkConfiguration: { awsvpcConfiguration: { subnets: p.Subnets, securityGroups: p.SecurityGroups, assignPublicIp: 'DISABLED' } } }));
  const task = started.tasks && started.tasks[0];
  if (!task) throw new Error('migration ' + p.Migration + ' did not start: ' + JSON.stringify(started.failures || []));
  while (context.getRemainingTimeInMillis() > 20000) {
    await new Promise((r) => setTimeout(r, 10000));
    const t = (await ecs.send(new DescribeTasksCommand({ cluster: p.Cluster, tasks: [task.taskArn] }))).tasks[0];
    if (t && t.lastStatus === 'STOPPED') {
      const c = (t.containers || []).find((x) => x.name === 'migrate') || {};
      if (c.exitCode === 0) return { TaskArn: task.taskArn };
      throw new Error('migration ' + p.Migration + ' failed (exit code ' + c.exitCode + ', ' + (t.stoppedReason || c.reason || 'no reason') + '); logs: aws logs tail ' + p.LogGroup);
    }
  }
  await ecs.send(new StopTaskCommand({ cluster: p.Cluster, task: task.taskArn, reason: 'glidepath: time limit' }));
  throw new Error('migration ' + p.Migration + ' still running at the time limit; stopped ' + task.taskArn + '; logs: aws logs tail ' + p.LogGroup);
}
async function rollingBack(e) {
  if (e.RequestType !== 'Update') return false;
  const cf = require('@aws-sdk/client-cloudformation');
  const s = await new cf.CloudFormationClient({}).send(new cf.DescribeStacksCommand({ StackName: e.StackId }));
  return s.Stacks[0].StackStatus === 'UPDATE_ROLLBACK_IN_PROGRESS';
}
exports.handler = async (event, context) => {
  console.log(JSON.stringify({ RequestType: event.RequestType, Migration: event.ResourceProperties.Migration }));
  try {
    const skip = event.RequestType === 'Delete' || (await rollingBack(event));
    const data = skip ? {} : await run(event.ResourceProperties, context);
    await respond(event, 'SUCCESS', skip ? 'nothing to run' : 'ok', data);
  } catch (e) {
    console.log(e.message);
    await respond(event, 'FAILED', e.message, {});
  }
};
`;
