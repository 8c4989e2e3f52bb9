import type { AwsCli } from '../aws-cli';
import type { RunbookCommand } from '../command';

/** What the AWS incident facts name. */
export interface AwsIncidentNames {
  readonly aws: AwsCli;
  readonly stack: string;
  /** The prefix every alarm of the environment starts with, e.g. `checkout-prod-`. */
  readonly alarmPrefix: string;
  /** Alarms users feel: error rate and latency. */
  readonly userFacingAlarms: readonly string[];
  readonly ecs?: { readonly cluster: string; readonly service: string };
  readonly lambda?: {
    readonly functionName: string;
    readonly alias: string;
    readonly application: string;
    readonly deploymentGroup: string;
  };
  readonly flags?: { readonly application: string; readonly environment: string };
  readonly rotatedSecrets: readonly string[];
  readonly pipeline?: { readonly name: string };
}

/** "What changed?" on AWS: deploys, flag deployments, rotations, dependencies. */
export function awsWhatChanged(n: AwsIncidentNames): RunbookCommand[] {
  const { aws } = n;
  return [
    {
      description: 'Stack updates (a release, or a change by hand)',
      command: aws`cloudformation describe-stack-events --stack-name ${n.stack} --query "StackEvents[?ResourceType=='AWS::CloudFormation::Stack'] | [:5].[Timestamp,ResourceStatus]" --output text`,
      expected: 'the newest stack updates with their times',
    },
    ...(n.ecs
      ? [
          {
            description: 'Service deployments, newest last (ECS lists them in no documented order)',
            command: aws`ecs list-service-deployments --cluster ${n.ecs.cluster} --service ${n.ecs.service} --query 'sort_by(serviceDeployments, &createdAt)[-3:].[createdAt,status]' --output text`,
            expected: 'when each deployment started and how it ended (ROLLBACK_* means ECS rolled it back)',
          },
        ]
      : []),
    ...(n.lambda
      ? [
          {
            description: 'The last deployment CodeDeploy attempted on the alias',
            command: aws`deploy get-deployment-group --application-name ${n.lambda.application} --deployment-group-name ${n.lambda.deploymentGroup} --query 'deploymentGroupInfo.lastAttemptedDeployment'`,
          },
        ]
      : []),
    ...(n.flags
      ? [
          {
            description: 'Flag deployments in AppConfig, newest first',
            command: [
              `APP_ID=$(${aws`appconfig list-applications --query "Items[?Name=='${n.flags.application}'].Id" --output text`})`,
              `ENV_ID=$(${aws`appconfig list-environments --application-id "$APP_ID" --query "Items[?Name=='${n.flags.environment}'].Id" --output text`})`,
              aws`appconfig list-deployments --application-id "$APP_ID" --environment-id "$ENV_ID" --query 'Items[:3].[DeploymentNumber,State,ConfigurationVersion]' --output text`,
            ].join('\n'),
            expected: 'one line per deployment: its number, state and configuration version',
          },
        ]
      : []),
    ...n.rotatedSecrets.map((s) => ({
      description: `When secret ${s} last rotated`,
      command: aws`secretsmanager describe-secret --secret-id ${s} --query '[LastRotatedDate,LastChangedDate]' --output text`,
      expected: 'two times: the last rotation and the last change',
    })),
    {
      description:
        'Dependencies: every alarm in ALARM in this account and region now (a shared database or a downstream service shows here)',
      command: aws`cloudwatch describe-alarms --state-value ALARM --query 'MetricAlarms[].[AlarmName,StateUpdatedTimestamp]' --output text`,
      expected: "one line per alarm in ALARM and when it went there; another service's alarm names the dependency",
    },
  ];
}

/** Mitigations besides rollback on AWS. */
export function awsMitigations(n: AwsIncidentNames): RunbookCommand[] {
  const { aws } = n;
  return [
    ...(n.ecs
      ? [
          {
            description: 'Saturated (CPU, memory, connections): scale out to twice the tasks running now',
            command: [
              `DESIRED=$(${aws`ecs describe-services --cluster ${n.ecs.cluster} --services ${n.ecs.service} --query 'services[0].desiredCount' --output text`})`,
              aws`ecs update-service --cluster ${n.ecs.cluster} --service ${n.ecs.service} --desired-count $(( DESIRED * 2 )) --query service.desiredCount --output text`,
            ].join('\n'),
            expected: 'the new desired count; the next deployment from the stack sets it back: fold it into the definition',
          },
          {
            description: 'Stuck tasks (leaked connections, a bad cache): replace every task with the same revision',
            command: aws`ecs update-service --cluster ${n.ecs.cluster} --service ${n.ecs.service} --force-new-deployment --query service.serviceName --output text`,
          },
        ]
      : []),
    {
      description: 'Shed load: turn off the most expensive feature behind a flag (level 1); nothing else is wired to drop requests here',
      command: 'echo "see Rollback, level 1"',
    },
  ];
}

/** Rollback verification against what users see on AWS. */
export function awsVerification(n: AwsIncidentNames): RunbookCommand[] {
  return [
    {
      description: 'The alarms users feel (error rate and latency) are OK again; each clears after its evaluation periods',
      command: n.aws`cloudwatch describe-alarms --alarm-names ${n.userFacingAlarms.join(' ')} --query 'MetricAlarms[].[AlarmName,StateValue]' --output text`,
      expected: 'OK on every line',
    },
  ];
}

/** Post-incident checks on AWS. */
export function awsAfterwards(n: AwsIncidentNames): RunbookCommand[] {
  return [
    {
      description: 'No alarm of the environment is left with its actions disabled',
      command: n.aws`cloudwatch describe-alarms --alarm-name-prefix ${n.alarmPrefix} --query 'MetricAlarms[?ActionsEnabled==\`false\`].AlarmName' --output text`,
      expected: 'nothing',
    },
    ...(n.pipeline
      ? [
          {
            description: 'No pipeline transition is left disabled',
            command: n.aws`codepipeline get-pipeline-state --name ${n.pipeline.name} --query 'stageStates[?inboundTransitionState.enabled==\`false\`].stageName' --output text`,
            expected: 'nothing',
          },
        ]
      : []),
  ];
}
