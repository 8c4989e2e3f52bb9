import type { AwsCall } from '../aws-command-model';
import { Fail } from './templates';

/**
 * Enum values of the options the runbooks pass, from the AWS SDK for JavaScript v3 clients (each
 * exports its enums as objects: `ServiceDeploymentStatus`, `DeploymentStatus`, ...). The SDK
 * schema types these members as plain strings, so the link option → enum is written here; the
 * values themselves come from the SDK, never from this file.
 */
const OPTION_ENUMS: Record<string, [pkg: string, enumName: string]> = {
  'ecs list-service-deployments --status': ['@aws-sdk/client-ecs', 'ServiceDeploymentStatus'],
  'ecs stop-service-deployment --stop-type': ['@aws-sdk/client-ecs', 'StopServiceDeploymentStopType'],
  'ecs list-task-definitions --status': ['@aws-sdk/client-ecs', 'TaskDefinitionStatus'],
  'ecs list-task-definitions --sort': ['@aws-sdk/client-ecs', 'SortOrder'],
  'ecs list-tasks --desired-status': ['@aws-sdk/client-ecs', 'DesiredStatus'],
  'ecs run-task --launch-type': ['@aws-sdk/client-ecs', 'LaunchType'],
  'deploy list-deployments --include-only-statuses': ['@aws-sdk/client-codedeploy', 'DeploymentStatus'],
  'codepipeline retry-stage-execution --retry-mode': ['@aws-sdk/client-codepipeline', 'StageRetryMode'],
  'codepipeline disable-stage-transition --transition-type': ['@aws-sdk/client-codepipeline', 'StageTransitionType'],
  'codepipeline enable-stage-transition --transition-type': ['@aws-sdk/client-codepipeline', 'StageTransitionType'],
  'cloudwatch describe-alarm-history --history-item-type': ['@aws-sdk/client-cloudwatch', 'HistoryItemType'],
  'cloudwatch describe-alarms --state-value': ['@aws-sdk/client-cloudwatch', 'StateValue'],
  'cloudwatch get-metric-statistics --statistics': ['@aws-sdk/client-cloudwatch', 'Statistic'],
};

/** The values of an SDK enum. */
export function sdkEnum(pkg: string, name: string): string[] {
  const e = (require(pkg) as Record<string, Record<string, string> | undefined>)[name];
  if (!e) throw new Error(`${pkg} exports no enum ${name}`);
  return Object.values(e);
}

/** Fails a call that passes an enum option a value the SDK model does not have. */
export function checkEnums(call: AwsCall): void {
  for (const [option, values] of call.options) {
    const e = OPTION_ENUMS[`${call.service} ${call.operation} ${option}`];
    if (!e) continue;
    const allowed = sdkEnum(...e);
    for (const v of values) {
      // A value known only when the command runs (a variable, read as written) is checked then.
      if (!v.includes('$') && !allowed.includes(v)) throw new Fail(`${option} ${v} is not one of ${allowed.join(', ')} (${e[1]})`);
    }
  }
  // put-approval-result --result "summary=...,status=Approved" (shorthand syntax).
  if (call.service === 'codepipeline' && call.operation === 'put-approval-result') {
    const status = /(?:^|,)status=([^,]*)/.exec(call.options.get('--result')?.[0] ?? '')?.[1];
    const allowed = sdkEnum('@aws-sdk/client-codepipeline', 'ApprovalStatus');
    if (!status || !allowed.includes(status))
      throw new Fail(`--result status=${status} is not one of ${allowed.join(', ')} (ApprovalStatus)`);
  }
}
