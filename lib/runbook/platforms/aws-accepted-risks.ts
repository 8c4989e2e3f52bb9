import { environmentOf, type ServiceDefinition } from '../../model/service-definition';
import { TlsMode } from '../../model/tls';
import { HeartbeatSource } from '../../model/dead-mans-switch';
import { MigrationPhase } from '../../model/migrations';
import { compileEcsRollout } from '../../plan/rollout/ecs-schedule';
import { ResourceNames } from '../../plan/names';
import type { AcceptedRisk } from '../facts';
import { cdkLogicalId } from './aws-logical-id';
import { probed } from './aws-warnings';

/**
 * A policy finding acknowledged instead of fixed: the rule id as the validation plugin reports it
 * (cdk-nag v3, AWS Control Tower, glidepath's own) and why. The shape of aws-cdk-lib's
 * `Validations.of(x).acknowledge({ id, reason })`, so constructs pass these objects as they are.
 */
export interface Acknowledgement {
  readonly id: string;
  readonly reason: string;
}

/**
 * Every finding glidepath's AWS constructs acknowledge, with its reason: the one source the
 * constructs read when they acknowledge (`Validations.of(x).acknowledge(ACKNOWLEDGEMENTS.x)`) and
 * the runbook reads for its "Accepted risks" section (`awsAcceptedRisks`), so the section needs no
 * synthesis and cannot drift from what the stack acknowledges.
 */
export const ACKNOWLEDGEMENTS = {
  /** DeploymentStack: retention and encryption of its log groups (Control Tower CT.LOGS.PR.2 asks for a customer-managed key). */
  logGroups: (base: string, production: boolean): Acknowledgement => ({
    id: 'CT.LOGS.PR.2',
    reason:
      `Log groups of ${base} keep ${production ? 'one year' : 'one month'} of logs (${production ? 'production' : 'non-production'} retention) and are encrypted at rest by CloudWatch Logs with AWS-owned keys; ` +
      'they hold no secret values (secrets reach the workload by reference), so a customer-managed key would add a key policy to keep right without protecting anything more',
  }),
  /** AlertTopics: paging switched off with a reason. */
  pagingOptOut: (reason: string): Acknowledgement => ({ id: 'glidepath-paging', reason: `Nobody is paged: ${reason}` }),
  /** AlertSubscriptions: the pager forwarder reads its one secret, whose ARN ends in six random characters. */
  pagerSecret: (secretName: string): Acknowledgement => ({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${secretName}-??????]`,
    reason: 'Secrets Manager appends six random characters to a secret ARN; the wildcard matches only that suffix of the one pager secret',
  }),
  /** AlertSubscriptions: the chat channel's guardrail policy. */
  chatGuardrail: {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'CloudWatch DescribeAlarms, DescribeAlarmHistory and GetMetricData support no resource-level permissions; the actions are read-only',
  } as Acknowledgement,
  /** ManagedSecret: the stack's rotation function. */
  secretRotation: {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'secretsmanager:GetRandomPassword does not support resource-level permissions; every other action is scoped to the secrets',
  } as Acknowledgement,
  /** ProgressiveFargateService: plain configuration in the task definition. */
  taskEnvironment: {
    id: 'AwsSolutions-ECS2',
    reason:
      'Only plain, non-secret configuration is set as environment variables (the definition refuses credential-looking values); secrets come from Secrets Manager',
  } as Acknowledgement,
  /** ProgressiveFargateService: an internet-facing load balancer. */
  publicLoadBalancer: {
    id: 'AwsSolutions-EC23',
    reason: 'An internet-facing load balancer accepts users from anywhere on its listener port; the test listener is open to the VPC only',
  } as Acknowledgement,
  /** ProgressiveFargateService: the access-log bucket logs no access of its own. */
  accessLogBucket: {
    id: 'AwsSolutions-S1',
    reason: 'This bucket holds the load balancer access logs; logging access to the log bucket itself would only log the log delivery',
  } as Acknowledgement,
  /** ProgressiveFargateService: the infrastructure role of ECS native traffic-shifting deployments. */
  ecsLoadBalancerRole: {
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers]',
    reason: 'ECS native blue/green, canary and linear deployments need this AWS-managed policy to move traffic between the target groups',
  } as Acknowledgement,
  /** DeploymentStack: `tls: { enabled: false, reason }`. */
  plainHttp: (reason: string): Acknowledgement => ({ id: 'glidepath-https', reason: `Plain HTTP on purpose: ${reason}` }),
  /** MigrationTask: the workload's plain configuration. */
  migrationEnvironment: {
    id: 'AwsSolutions-ECS2',
    reason:
      'The migration gets the same plain, non-secret configuration as the workload (the definition refuses credential-looking values); secrets come from Secrets Manager',
  } as Acknowledgement,
  /** MigrationTask: the expand runner reads the task it started (partition, region and account literal or `<AWS::…>`). */
  migrationRunner: (arn: { partition: string; region: string; account: string }, clusterName: string): Acknowledgement => ({
    id: `AwsSolutions-IAM5[Resource::arn:${arn.partition}:ecs:${arn.region}:${arn.account}:task/${clusterName}/*]`,
    reason: `The runner reads the state of the migration task it started; task IDs are only known at run time, so DescribeTasks is limited to tasks of cluster ${clusterName}`,
  }),
  /** SmokeTestHook in the VPC (ECS test listener): network interfaces. */
  smokeHookNetwork: {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'ec2:DescribeNetworkInterfaces (to find the private address of the load balancer) and the VPC network-interface actions of a Lambda function in a VPC support no resource-level permissions',
  } as Acknowledgement,
  /** SmokeTestHook in the VPC: the AWS-managed VPC access policy. */
  smokeHookVpcAccess: {
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
    reason:
      'A Lambda function in a VPC needs this AWS-managed policy to create its network interfaces; the smoke-test hook runs in the VPC to reach the test listener, which accepts the VPC only',
  } as Acknowledgement,
  /** HealthProbe: publishing its metric. */
  healthProbe: {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'cloudwatch:PutMetricData supports no resource-level permissions; the cloudwatch:namespace condition limits it to Glidepath',
  } as Acknowledgement,
  /** ProgressiveFunction: X-Ray tracing. */
  functionTracing: {
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions',
  } as Acknowledgement,
  /** ProgressiveFunction: CodeDeploy's service role. */
  codeDeployRole: {
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
    reason: 'CodeDeploy needs this AWS-managed service-role policy to shift Lambda aliases; AWS scopes and maintains it',
  } as Acknowledgement,
  /** DeploymentStack (function): CodeDeploy may invoke the pre-traffic hook `<logicalId>` and its versions. */
  preTrafficHook: (hookLogicalId: string): Acknowledgement => ({
    id: `AwsSolutions-IAM5[Resource::<${hookLogicalId}.Arn>:*]`,
    reason:
      'aws-cdk-lib lets CodeDeploy invoke the pre-traffic hook function and its versions; it is one function in this stack that only runs the smoke tests',
  }),
} as const;

/**
 * What aws-cdk-lib acknowledges by itself in a `DeploymentStack`, copied from its source so the
 * runbook lists them without synthesis (the plan-versus-synthesis test fails when a new
 * aws-cdk-lib words them differently): `Stack.availabilityZones` (core/lib/stack.ts,
 * `_silenceLiteralAzWarning`) and the VPC flow log (aws-ec2/lib/vpc-flow-logs.ts).
 */
const AWS_CDK_LIB = {
  literalAzs: {
    id: 'CloudFormation-Validate::W3010',
    reason: 'Literal AZs in template are the result of accessing stack.availabilityZones, this is expected and safe',
  },
  flowLogCase: (rule: string): Acknowledgement => ({
    id: `CloudFormation-Validate::${rule}`,
    reason: 'AWS::EC2::FlowLog DestinationOptions accepts properties in camelCase, even they are listed as PascalCase in the spec',
  }),
} as const;

/**
 * The ARN partition of a region, as aws-cdk-lib's region facts give it (`Stack.partition` with
 * the partition-literals feature flag); unknown without a region.
 */
function partitionOf(region: string | undefined): string {
  if (!region) return '<AWS::Partition>';
  const prefixes: readonly [string, string][] = [
    ['cn-', 'aws-cn'],
    ['us-gov-', 'aws-us-gov'],
    ['us-isob-', 'aws-iso-b'],
    ['us-isof-', 'aws-iso-f'],
    ['eu-isoe-', 'aws-iso-e'],
    ['us-iso-', 'aws-iso'],
  ];
  return prefixes.find(([prefix]) => region.startsWith(prefix))?.[1] ?? 'aws';
}

/**
 * The policy findings a `DeploymentStack` of the environment acknowledges (its defaults: its own
 * VPC and cluster), as `collectRunbookFacts` reads them from the synthesized tree: in tree order,
 * each with the construct path it sits on. From the definition alone, without aws-cdk-lib.
 */
export function awsAcceptedRisks(definition: ServiceDefinition, environment: string): AcceptedRisk[] {
  const def = definition;
  const env = environmentOf(def, environment);
  const names = new ResourceNames(def.service, env.name);
  const stack = names.stack;
  const risks: AcceptedRisk[] = [];
  const add = (path: string, ...acks: Acknowledgement[]) =>
    risks.push(...acks.map((a) => ({ rule: a.id, resource: path ? `${stack}/${path}` : stack, reason: a.reason })));
  const container = def.workload.container;

  // The stack itself: the VPC reads its availability zones while the stack is built, the log groups at the end.
  add('', ...(container ? [AWS_CDK_LIB.literalAzs] : []), ACKNOWLEDGEMENTS.logGroups(names.base, env.production));
  const receivers = env.receivers;
  if (receivers.optOutReason !== undefined) add('AlertTopics/Critical', ACKNOWLEDGEMENTS.pagingOptOut(receivers.optOutReason));
  if (receivers.critical) add('AlertTopics/Receivers/PagerRole', ACKNOWLEDGEMENTS.pagerSecret(receivers.critical.secretName));
  if (receivers.warning) add('AlertTopics/Receivers/ChatGuardrail', ACKNOWLEDGEMENTS.chatGuardrail);
  if (env.secrets.some((s) => s.generated)) add('GlidepathSecretRotationRole', ACKNOWLEDGEMENTS.secretRotation);

  const hasSmokeTests = def.smokeTests !== undefined;
  if (container) {
    const settings = compileEcsRollout(env).settings;
    const shifting = settings.strategy !== 'ROLLING';
    const environmentVariables = Object.keys(container.environment).length > 0 || def.featureFlags.length > 0;
    add('Vpc/all', AWS_CDK_LIB.flowLogCase('F3002'), AWS_CDK_LIB.flowLogCase('F3003'));
    if (environmentVariables) add('Service/TaskDefinition', ACKNOWLEDGEMENTS.taskEnvironment);
    add('Service/LoadBalancer', ACKNOWLEDGEMENTS.publicLoadBalancer);
    if (env.tls?.mode === TlsMode.DISABLED) {
      add(`Service/LoadBalancer/Http`, ACKNOWLEDGEMENTS.plainHttp(env.tls.reason!));
    }
    // Access logs need a literal region (without one the stack warns instead).
    if (env.region) add('Service/AccessLogs', ACKNOWLEDGEMENTS.accessLogBucket);
    if (shifting) add('Service/Resource', ACKNOWLEDGEMENTS.ecsLoadBalancerRole);
    const arn = { partition: partitionOf(env.region), region: env.region ?? '<AWS::Region>', account: env.account ?? '<AWS::AccountId>' };
    for (const m of def.migrations) {
      if (Object.keys(container.environment).length > 0) add(`Migration-${m.name}/TaskDefinition`, ACKNOWLEDGEMENTS.migrationEnvironment);
      if (m.phase === MigrationPhase.EXPAND) add(`Migration-${m.name}/RunnerRole`, ACKNOWLEDGEMENTS.migrationRunner(arn, names.base));
    }
    if (hasSmokeTests && shifting) add('SmokeTests/Role', ACKNOWLEDGEMENTS.smokeHookNetwork, ACKNOWLEDGEMENTS.smokeHookVpcAccess);
  } else {
    add('Function/ServiceRole', ACKNOWLEDGEMENTS.functionTracing);
    add(
      'Function/DeploymentGroup',
      ACKNOWLEDGEMENTS.codeDeployRole,
      ...(hasSmokeTests ? [ACKNOWLEDGEMENTS.preTrafficHook(cdkLogicalId(['SmokeTests', 'Resource', 'Resource']))] : []),
    );
  }
  if (env.deadMansSwitch.enabled && env.deadMansSwitch.source !== HeartbeatSource.HEARTBEAT && probed(def, env)) {
    add('HealthProbe/Role', ACKNOWLEDGEMENTS.healthProbe);
  }
  return risks;
}
