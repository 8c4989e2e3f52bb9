/**
 * Documented AWS limits that glidepath's physical names and settings feed, in one place, each with
 * the page that states it. `glidepath validate` refuses a definition that would exceed one, naming
 * the field to change, instead of letting `cdk synth` or CloudFormation fail later.
 */

/** Stack names. @see https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html */
export const STACK_NAME_MAX = 128;
/** Lambda function names. @see https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html */
export const LAMBDA_FUNCTION_NAME_MAX = 64;
/**
 * All environment variables of one Lambda function together (keys and values).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
export const LAMBDA_ENVIRONMENT_BYTES_MAX = 4096;
/**
 * Environment variables Lambda sets itself; CreateFunction refuses a function that sets one.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
 */
export const LAMBDA_RESERVED_VARIABLES: ReadonlySet<string> = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
]);
/** AppConfig application, environment and deployment strategy names. @see https://docs.aws.amazon.com/appconfig/2019-10-09/APIReference/API_CreateDeploymentStrategy.html */
export const APPCONFIG_NAME_MAX = 64;
/** Secrets Manager secret names. @see https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html */
export const SECRET_NAME_MAX = 512;
/** CloudWatch alarm names. @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html */
export const ALARM_NAME_MAX = 255;
/** SNS topic names. @see https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html */
export const TOPIC_NAME_MAX = 256;
/** CloudWatch Logs log group names. @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html */
export const LOG_GROUP_NAME_MAX = 512;
/** ECS cluster, service and task definition family names. @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html */
export const ECS_NAME_MAX = 255;
/** CodeDeploy application, deployment group and deployment config names. @see https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_CreateApplication.html */
export const CODEDEPLOY_NAME_MAX = 100;
/** CloudWatch dashboard names. @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutDashboard.html */
export const DASHBOARD_NAME_MAX = 255;
/** CodePipeline pipeline names. @see https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_PipelineDeclaration.html */
export const PIPELINE_NAME_MAX = 100;
/** IAM role names. @see https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html */
export const IAM_ROLE_NAME_MAX = 64;
/** IAM managed policy names. @see https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html */
export const IAM_POLICY_NAME_MAX = 128;
/** AWS Chatbot channel configuration names. @see https://docs.aws.amazon.com/chatbot/latest/APIReference/API_CreateSlackChannelConfiguration.html */
export const CHATBOT_CONFIGURATION_NAME_MAX = 128;
/** EventBridge rule names. @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html */
export const EVENT_RULE_NAME_MAX = 64;
/**
 * CloudFormation refuses an ECS canary or linear deployment whose computed time (bake time plus
 * canary bake time, or plus step bake time × steps) exceeds 33 hours, because its operations time
 * out after 36. @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-service-canaryconfiguration.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-ecs-service-linearconfiguration.html
 */
export const ECS_CLOUDFORMATION_DEPLOYMENT_MINUTES_MAX = 33 * 60;
/**
 * Fargate task sizes: memory (MiB) allowed for each CPU value.
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
 */
export const FARGATE_MEMORY_MIB: Readonly<
  Record<number, { readonly min: number; readonly max: number; readonly step: number; readonly extra?: readonly number[] }>
> = {
  256: { min: 1024, max: 2048, step: 1024, extra: [512] },
  512: { min: 1024, max: 4096, step: 1024 },
  1024: { min: 2048, max: 8192, step: 1024 },
  2048: { min: 4096, max: 16384, step: 1024 },
  4096: { min: 8192, max: 30720, step: 1024 },
  8192: { min: 16384, max: 61440, step: 4096 },
  16384: { min: 32768, max: 122880, step: 8192 },
};

/** Whether Fargate runs a task of `cpu` units with `memoryMiB`. */
export function isFargateSize(cpu: number, memoryMiB: number): boolean {
  const sizes = FARGATE_MEMORY_MIB[cpu];
  if (!sizes) return false;
  return (
    (sizes.extra ?? []).includes(memoryMiB) ||
    (memoryMiB >= sizes.min && memoryMiB <= sizes.max && (memoryMiB - sizes.min) % sizes.step === 0)
  );
}

/** The memory sizes Fargate allows for `cpu`, for a message. */
export function fargateMemoryText(cpu: number): string {
  const sizes = FARGATE_MEMORY_MIB[cpu];
  if (!sizes) return 'none';
  return `${sizes.extra ? `${sizes.extra.join(', ')}, ` : ''}${sizes.min} to ${sizes.max} in steps of ${sizes.step}`;
}
