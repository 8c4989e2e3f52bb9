import type { LambdaTrafficRouting } from '../../plan/rollout/codedeploy-schedule';
import type { CompiledSchedule } from '../../plan/rollout/schedule';
import { awsCli } from '../aws-cli';
import type { NamedResource, RollbackLevelFact, RunbookCommand, RunbookFacts } from '../facts';
import { lambdaLevel2 } from '../procedures/lambda-rollback';

/** What the Lambda runbook text needs about one function: plain data, no constructs. */
export interface LambdaFunctionRunbookInput {
  /** AWS region of the stack, when literal. @default - `"$AWS_REGION"` in commands */
  readonly region?: string;
  readonly functionName: string;
  readonly aliasName: string;
  readonly logGroupName: string;
  readonly applicationName: string;
  readonly deploymentGroupName: string;
  readonly deploymentConfigName: string;
  readonly routing: LambdaTrafficRouting;
  /** The schedule that will really run, when compiled from a definition. @default - the summary goes to the notes */
  readonly schedule?: CompiledSchedule;
  /** Secrets by the variable holding their ARN; `name` when the secret's name is known at synthesis. */
  readonly secrets: readonly { readonly name?: string; readonly arnVariable: string }[];
  /** Names of the alarms that roll a deployment back. */
  readonly rollbackAlarms: readonly string[];
  /** Where the health signals are measured, e.g. `Lambda alias payments-api-prod:live`. */
  readonly signalsSource: string;
}

function minutes(n: number): string {
  return n === 1 ? '1 minute' : `${n} minutes`;
}

/** The CodeDeploy traffic shift in one sentence. */
export function lambdaRolloutSummary(input: LambdaFunctionRunbookInput): string {
  const target = `alias ${input.aliasName} of ${input.functionName}`;
  const guard = 'if the deployment fails, is stopped, or a rollback alarm fires, CodeDeploy moves all traffic back to the previous version';
  const routing = input.routing;
  switch (routing.type) {
    case 'canary':
      return `CodeDeploy (${input.deploymentConfigName}) shifts ${routing.percentage}% of ${target} to the new version, waits ${minutes(routing.intervalMinutes)}, then shifts the remaining ${100 - routing.percentage}%; ${guard}.`;
    case 'linear': {
      const shifts = Math.ceil(100 / routing.percentage);
      return `CodeDeploy (${input.deploymentConfigName}) shifts ${routing.percentage}% more of ${target} to the new version every ${minutes(routing.intervalMinutes)} until all traffic has moved (${shifts} shifts over ${minutes((shifts - 1) * routing.intervalMinutes)}); ${guard}.`;
    }
    case 'all-at-once':
      return `CodeDeploy (${input.deploymentConfigName}) shifts all of ${target} to the new version at once; ${guard}.`;
  }
}

/** Level 2, safe after CodeDeploy's own rollback (a new deployment) and setting DEPLOYMENT_ID for its verify (issue 25 item 2). */
function rollbackLevel(input: LambdaFunctionRunbookInput): RollbackLevelFact {
  const { commands, verify } = lambdaLevel2({
    aws: awsCli(input.region),
    functionName: input.functionName,
    alias: input.aliasName,
    application: input.applicationName,
    deploymentGroup: input.deploymentGroupName,
  });
  return {
    level: 2,
    afterwards:
      'the alias was moved outside CloudFormation (by hand or by CodeDeploy): revert the release commit and deploy the revert (level 3), so the next deployment does not shift traffic back to the bad version.',
    title: `Move alias ${input.aliasName} of ${input.functionName} back to the version the bad release replaced`,
    when: 'The new version misbehaves. While CodeDeploy is still shifting, stop the deployment and CodeDeploy rolls back; after it finished, point the alias at the version that deployment replaced. Safe right after CodeDeploy rolled back by itself: it then changes nothing.',
    commands,
    verify,
  };
}

/** Lambda + CodeDeploy: rollout, deploy commands, the level-2 rollback, and every name those commands use. */
export function lambdaFunctionRunbookFacts(input: LambdaFunctionRunbookInput): RunbookFacts {
  const aws = awsCli(input.region);
  const fn = input.functionName;
  const group = `--application-name ${input.applicationName} --deployment-group-name ${input.deploymentGroupName}`;
  const findInFlight: RunbookCommand = {
    description: 'Find the deployment in flight and keep its id in DEPLOYMENT_ID',
    command: `DEPLOYMENT_ID=$(${aws`deploy list-deployments ${group} --include-only-statuses Created Queued InProgress Ready --query 'deployments[0]' --output text`}) && echo "$DEPLOYMENT_ID"`,
    expected: 'a deployment id such as d-AB12CD34E; None when nothing is in flight',
  };
  const getAlias: RunbookCommand = {
    description: `Show which version alias ${input.aliasName} serves and any weight still on another version`,
    command: aws`lambda get-alias --function-name ${fn} --name ${input.aliasName} --query '{version: FunctionVersion, weights: RoutingConfig.AdditionalVersionWeights}'`,
    expected: 'JSON: during a shift, weights maps the new version to its share (0.1 = 10%); afterwards weights is null',
  };
  const secrets = input.secrets.flatMap(({ name, arnVariable }) => (name ? [{ name, envVar: arnVariable }] : []));
  const unnamed = input.secrets.filter(({ name }) => !name).map(({ arnVariable }) => arnVariable);
  const alarmNames = input.rollbackAlarms;
  const notes = [
    `A manual update-alias leaves the stack believing the alias serves the bad version; ship the fix or the revert with cdk deploy so template and alias agree again.`,
  ];
  if (unnamed.length > 0) {
    notes.push(
      `${unnamed.join(', ')} ${unnamed.length === 1 ? 'points at a secret' : 'point at secrets'} without a fixed name; give ${unnamed.length === 1 ? 'it' : 'them'} a name so the runbook can show it.`,
    );
  }
  const summary = lambdaRolloutSummary(input);
  if (!input.schedule) {
    notes.unshift(summary);
  }
  const resources: NamedResource[] = [
    { type: 'AWS::Lambda::Function', name: fn },
    { type: 'AWS::Lambda::Alias', name: input.aliasName },
    { type: 'AWS::Logs::LogGroup', name: input.logGroupName },
    { type: 'AWS::CodeDeploy::Application', name: input.applicationName },
    { type: 'AWS::CodeDeploy::DeploymentGroup', name: input.deploymentGroupName },
    { type: 'AWS::CodeDeploy::DeploymentConfig', name: input.deploymentConfigName },
  ];
  return {
    rollout: input.schedule ? { schedule: input.schedule, summary } : undefined,
    deploy: [
      findInFlight,
      {
        description: 'Follow the deployment: status, config, and the error if it failed',
        command: `[ "$DEPLOYMENT_ID" = None ] || ${aws`deploy get-deployment --deployment-id "$DEPLOYMENT_ID" --query 'deploymentInfo.{status: status, config: deploymentConfigName, created: createTime, error: errorInformation, rollback: rollbackInfo}'`}`,
        expected: 'JSON: status InProgress while shifting, Succeeded at the end; error is null',
      },
      getAlias,
      {
        description: 'Tail the function logs',
        command: aws`logs tail ${input.logGroupName} --since 15m`,
      },
    ],
    rollback: [rollbackLevel(input)],
    automaticRollback:
      alarmNames.length > 0
        ? `Automatic: CodeDeploy stops and rolls back ${input.deploymentGroupName} when any of these alarms fires during a deployment: ${alarmNames.join(', ')}.`
        : undefined,
    deploymentAlarms: [...alarmNames],
    watch: [`${input.signalsSource}: Errors, Invocations and Duration p99 (AWS/Lambda, dimension Resource=${fn}:${input.aliasName})`],
    secrets: secrets.length > 0 ? secrets : undefined,
    resources,
    notes,
  };
}
