/**
 * Source of the function that shifts a Lambda alias through CodeDeploy during `pulumi up`: the
 * Pulumi counterpart of CloudFormation's `CodeDeployLambdaAliasUpdate` update policy (Pulumi has
 * no update policy, and `aws.lambda.Alias` would move all traffic at once). An
 * `aws.lambda.Invocation` runs it whenever the function publishes a new version.
 *
 * It reads the version the alias serves, starts a deployment of the target version with the
 * deployment group's config (and the pre-traffic hook), and waits: Succeeded returns, Failed or
 * Stopped throws (so `pulumi up` fails, as the CloudFormation update would; CodeDeploy has already
 * moved the alias back). A deployment still shifting when the invocation nears Lambda's 15-minute
 * limit is answered `InProgress`; the next invocation of the release gets that answer as
 * `waitFor` and waits for the same deployment (see `alias-shift.ts`), so `pulumi up` ends only
 * when the shift has.
 */
export const ALIAS_DEPLOYER_SOURCE = `
const cd = require('@aws-sdk/client-codedeploy');
const lambda = require('@aws-sdk/client-lambda');
const deploy = new cd.CodeDeployClient({});
exports.handler = async (event, context) => {
  const e = typeof event === 'string' ? JSON.parse(event) : event;
  const previous = typeof e.waitFor === 'string' ? JSON.parse(e.waitFor) : e.waitFor;
  if (previous && previous.status !== 'InProgress') return previous;
  if (previous) return watch(previous.deploymentId, e, previous.from, context);
  const alias = await new lambda.LambdaClient({}).send(new lambda.GetAliasCommand({ FunctionName: e.functionName, Name: e.aliasName }));
  if (alias.FunctionVersion === e.targetVersion) return { status: 'Unchanged', version: e.targetVersion };
  const appSpec = {
    version: 0.0,
    Resources: [{ [e.functionName]: { Type: 'AWS::Lambda::Function', Properties: { Name: e.functionName, Alias: e.aliasName, CurrentVersion: alias.FunctionVersion, TargetVersion: e.targetVersion } } }],
    Hooks: e.beforeAllowTraffic ? [{ BeforeAllowTraffic: e.beforeAllowTraffic }] : [],
  };
  const { deploymentId } = await deploy.send(new cd.CreateDeploymentCommand({
    applicationName: e.applicationName,
    deploymentGroupName: e.deploymentGroupName,
    description: 'pulumi up: ' + e.functionName + ' version ' + alias.FunctionVersion + ' -> ' + e.targetVersion,
    revision: { revisionType: 'AppSpecContent', appSpecContent: { content: JSON.stringify(appSpec) } },
  }));
  console.log(JSON.stringify({ deploymentId, from: alias.FunctionVersion, to: e.targetVersion }));
  return watch(deploymentId, e, alias.FunctionVersion, context);
};
async function watch(deploymentId, e, from, context) {
  while (context.getRemainingTimeInMillis() > 30000) {
    await new Promise((resolve) => setTimeout(resolve, 15000));
    const { deploymentInfo: d } = await deploy.send(new cd.GetDeploymentCommand({ deploymentId }));
    if (d.status === 'Succeeded') return { status: 'Succeeded', deploymentId, version: e.targetVersion };
    if (d.status === 'Failed' || d.status === 'Stopped') {
      throw new Error('CodeDeploy deployment ' + deploymentId + ' ' + d.status + ' (' + ((d.errorInformation && d.errorInformation.message) || 'no detail') + '); alias ' + e.aliasName + ' is back on version ' + from);
    }
  }
  return { status: 'InProgress', deploymentId, from, version: e.targetVersion };
}
`;
