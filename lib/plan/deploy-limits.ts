import type { EnvironmentDefinition } from '../model/environment';
import { formatPath, problem, type Problem } from '../model/problems';
import type { ServiceDefinition } from '../model/service-definition';
import { platformSmokeTests } from '../smoke/inline';
import { compileEcsRollout } from './rollout/ecs-schedule';
import {
  ALARM_NAME_MAX,
  APPCONFIG_NAME_MAX,
  CODEDEPLOY_NAME_MAX,
  DASHBOARD_NAME_MAX,
  ECS_CLOUDFORMATION_DEPLOYMENT_MINUTES_MAX,
  ECS_NAME_MAX,
  EVENT_RULE_NAME_MAX,
  fargateMemoryText,
  isFargateSize,
  LAMBDA_ENVIRONMENT_BYTES_MAX,
  LAMBDA_FUNCTION_NAME_MAX,
  LAMBDA_RESERVED_VARIABLES,
  LOG_GROUP_NAME_MAX,
  PIPELINE_NAME_MAX,
  SECRET_NAME_MAX,
  STACK_NAME_MAX,
  TOPIC_NAME_MAX,
  CHATBOT_CONFIGURATION_NAME_MAX,
  IAM_POLICY_NAME_MAX,
  IAM_ROLE_NAME_MAX,
} from './limits';
import { pipelineName, ResourceNames } from './names';
import { secretArnVariable } from './secret-bindings';

/** One physical name a target derives, the limit it must respect and the field that makes it long. */
export interface PhysicalName {
  /** What it names, e.g. "AppConfig deployment strategy". */
  readonly what: string;
  readonly name: string;
  readonly limit: number;
  /** The field to shorten, as `formatPath` writes it. */
  readonly field: readonly PropertyKey[];
  /** Environment it belongs to, if any. */
  readonly environment?: string;
  /**
   * Whether the name must be unique in the account and region (created, not referenced, and not
   * scoped inside another resource such as an AppConfig application). @default true
   */
  readonly unique?: boolean;
}

/** Alarm kinds the AWS target creates (the longest decide); see constructs/aws/alarm-set.ts. */
const ALARM_KINDS = [
  'rollback-error-rate',
  'critical-error-rate',
  'critical-latency-p99',
  'warning-error-rate',
  'warning-latency-p95',
  'warning-cpu',
  'warning-memory',
  'dead-mans-switch',
];
/** Severities of the alert topics; see constructs/aws/alert-topics.ts. */
const TOPIC_SEVERITIES = ['critical', 'warning'];
/** Longest ARN partition ("aws-iso-b") and region ("ap-southeast-7"), for ARNs only known after deployment. */
const ARN_PARTITION = 'aws-iso-b';
const LONGEST_REGION = 'ap-southeast-7';
/**
 * Longest value of the smoke-test hook's token variables: LOAD_BALANCER (`app/<32>/<16 hex>`) and
 * TEST_PORT, or TARGET_VERSION (a function ARN with its version).
 */
const HOOK_TOKEN_BYTES = 160;

/**
 * Every physical name the AWS targets derive from a definition (stack, functions, AppConfig,
 * secrets, alarms, topics, log groups, ECS, CodeDeploy, dashboard, pipeline), with its documented
 * limit and the field that sets it. Target groups, the load balancer and IAM roles are not named
 * by glidepath (CloudFormation generates their names), so they have no entry.
 */
export function physicalNames(def: ServiceDefinition): PhysicalName[] {
  const out: PhysicalName[] = [];
  def.environments.forEach((env, i) => {
    const names = new ResourceNames(def.service, env.name);
    const envField = ['environments', i, 'name'];
    const add = (what: string, name: string, limit: number, field: readonly PropertyKey[] = envField, unique = true) =>
      out.push({ what, name, limit, field, environment: env.name, unique });
    add('CloudFormation stack', names.stack, STACK_NAME_MAX);
    add('log group', names.logGroup, LOG_GROUP_NAME_MAX);
    for (const kind of ALARM_KINDS) add('CloudWatch alarm', names.alarm(kind), ALARM_NAME_MAX);
    for (const severity of TOPIC_SEVERITIES) add('SNS topic', names.topic(severity), TOPIC_NAME_MAX);
    add('CloudWatch dashboard', names.dashboard, DASHBOARD_NAME_MAX);
    if (env.receivers.critical) {
      add('Lambda function forwarding pages', names.pagerFunction, LAMBDA_FUNCTION_NAME_MAX);
      add('log group', names.lambdaLogGroup(names.pagerFunction), LOG_GROUP_NAME_MAX);
    }
    if (env.receivers.warning) {
      add('AWS Chatbot configuration of the alert channel', names.chat.configuration, CHATBOT_CONFIGURATION_NAME_MAX);
      add('IAM role of the alert channel', names.chat.role, IAM_ROLE_NAME_MAX);
      add('IAM policy guarding the alert channel', names.chat.guardrail, IAM_POLICY_NAME_MAX);
    }
    if (def.workload.container) {
      add('ECS cluster, service and task family', names.ecsService, ECS_NAME_MAX);
      add('log group', names.ecsLogGroup, LOG_GROUP_NAME_MAX);
      def.migrations.forEach((m, j) => {
        const field = ['migrations', j, 'name'];
        add('ECS task family of a migration', names.migrationFamily(m.name), ECS_NAME_MAX, field);
        add('log group', `/ecs/${names.migrationFamily(m.name)}`, LOG_GROUP_NAME_MAX, field);
        add('Lambda function running a migration', names.migrationRunner(m.name), LAMBDA_FUNCTION_NAME_MAX, field);
        add('log group', names.lambdaLogGroup(names.migrationRunner(m.name)), LOG_GROUP_NAME_MAX, field);
      });
    } else {
      add('Lambda function', names.function, LAMBDA_FUNCTION_NAME_MAX);
      add('log group', names.lambdaLogGroup(names.function), LOG_GROUP_NAME_MAX);
      add('CodeDeploy application and deployment group', names.function, CODEDEPLOY_NAME_MAX);
      // The deployment config adds a routing slug such as "-linear-10pct-every-10m" (at most ~30 characters).
      add('CodeDeploy deployment config', `${names.function}-linear-100pct-every-1440m`, CODEDEPLOY_NAME_MAX);
    }
    if (def.smokeTests) {
      add('Lambda function running the smoke tests', names.smokeTestsFunction, LAMBDA_FUNCTION_NAME_MAX);
      add('log group', names.lambdaLogGroup(names.smokeTestsFunction), LOG_GROUP_NAME_MAX);
    }
    if (env.deadMansSwitch.enabled) {
      // The probe exists only where it can reach the service; its name is checked either way.
      add("Lambda function probing for the dead-man's switch", names.healthProbeFunction, LAMBDA_FUNCTION_NAME_MAX);
      add('log group', names.lambdaLogGroup(names.healthProbeFunction), LOG_GROUP_NAME_MAX);
    }
    if (def.featureFlags.length > 0) {
      add('AppConfig application', names.appConfigApplication, APPCONFIG_NAME_MAX);
      add('AppConfig environment', env.name, APPCONFIG_NAME_MAX, envField, false);
      for (const strategy of names.appConfigStrategies) add('AppConfig deployment strategy', strategy, APPCONFIG_NAME_MAX);
      if (def.workload.container) add('log group', names.appConfigAgentLogGroup, LOG_GROUP_NAME_MAX);
    }
    // env.secrets keeps the order of the definition's "secrets".
    env.secrets.forEach((s, k) => {
      const field = s.generated ? envField : ['secrets', k, 'existing', 'secretName'];
      // An existing secret is referenced, and may well be shared; a generated one is created.
      add('Secrets Manager secret', s.secretName, SECRET_NAME_MAX, field, s.generated);
    });
  });
  if (def.delivery) {
    const name = pipelineName(def.service);
    const field = ['service'];
    out.push({ what: 'CloudFormation stack of the pipeline', name, limit: STACK_NAME_MAX, field });
    out.push({ what: 'CodePipeline pipeline', name, limit: PIPELINE_NAME_MAX, field });
    out.push({ what: 'EventBridge rule', name: `${name}-failed`, limit: EVENT_RULE_NAME_MAX, field });
    for (const severity of TOPIC_SEVERITIES)
      out.push({ what: 'SNS topic of the pipeline', name: `${name}-${severity}`, limit: TOPIC_NAME_MAX, field });
  }
  return out;
}

/**
 * What the AWS targets would refuse at synthesis or deployment, found from the definition alone:
 * a physical name over its limit, two resources with one name, an environment whose stack is the
 * pipeline's, a Lambda environment over 4 KB (the function's own or the smoke-test hook's), an ECS
 * deployment CloudFormation refuses as too long, and a task size Fargate does not run. Each problem
 * names the field to change.
 */
export function deployLimitProblems(def: ServiceDefinition): Problem[] {
  const problems: Problem[] = [];
  const names = physicalNames(def);
  for (const n of names) {
    if (n.name.length > n.limit) {
      problems.push(
        problem(
          n.field,
          fieldValue(def, n),
          `it makes the ${n.what} name "${n.name.length > 120 ? `${n.name.slice(0, 117)}...` : n.name}" (${n.name.length} characters), over AWS's limit of ${n.limit}; shorten ${n.field[0] === 'environments' ? 'it or "service"' : 'it'} by ${n.name.length - n.limit} characters`,
        ),
      );
    }
  }
  // Two fields of one definition that make one name (e.g. migrations whose runner names are cut to 64 characters alike).
  const first = new Map<string, string>();
  for (const n of names) {
    if (n.unique === false) continue;
    const key = `${n.what}\u0000${n.name}`;
    const field = formatPath(n.field);
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, field);
    else if (earlier !== field)
      problems.push(
        problem(n.field, fieldValue(def, n), `it makes the ${n.what} "${n.name}", which ${earlier} makes too; rename one of them`),
      );
  }
  def.environments.forEach((env, i) => {
    if (env.name === 'pipeline') {
      problems.push(
        problem(
          ['environments', i, 'name'],
          env.name,
          `its stack would be "${pipelineName(def.service)}", the name of the delivery pipeline's stack; name the environment differently`,
        ),
      );
    }
    problems.push(...ecsDurationProblems(def, env, i));
  });
  problems.push(...functionEnvironmentProblems(def), ...smokeHookEnvironmentProblems(def));
  const container = def.workload.container;
  if (container && !isFargateSize(container.cpu, container.memoryMiB)) {
    problems.push(
      problem(
        ['workload', 'container', 'memoryMiB'],
        container.memoryMiB,
        `Fargate runs ${container.cpu} CPU units with ${fargateMemoryText(container.cpu)} MiB of memory; use one of those, or change "cpu"`,
      ),
    );
  }
  return problems;
}

/**
 * Names the AWS targets would give two resources of different definitions (or environments) in
 * one app: `checkout` + `prod-eu` and `checkout-prod` + `eu` both make `checkout-prod-eu`.
 * @param definitions each with the source it came from, named in the message
 */
export function nameCollisions(definitions: readonly { readonly source: string; readonly definition: ServiceDefinition }[]): Problem[] {
  const owners = new Map<string, { source: string; what: string; environment?: string }>();
  const problems: Problem[] = [];
  const reported = new Set<string>();
  for (const { source, definition } of definitions) {
    for (const n of physicalNames(definition)) {
      if (n.unique === false) continue;
      const key = `${n.what}\u0000${n.name}`;
      const owner = owners.get(key);
      const self = { source, what: n.what, environment: n.environment };
      if (!owner) {
        owners.set(key, self);
      } else if (
        (owner.source !== source || owner.environment !== n.environment) &&
        !reported.has(`${source}\u0000${formatPath(n.field)}`)
      ) {
        reported.add(`${source}\u0000${formatPath(n.field)}`);
        const where = formatPath(n.field);
        problems.push({
          path: where,
          message: `${source}: ${where} makes the ${n.what} "${n.name}", which ${owner.source}${owner.environment ? ` (environment "${owner.environment}")` : ''} makes too; rename the service or environment of one of them`,
        });
      }
    }
  }
  return problems;
}

/** The function's own variables plus glidepath's (flags URL, secret ARNs), in its largest environment. */
function functionEnvironmentProblems(def: ServiceDefinition): Problem[] {
  const fn = def.workload.function;
  if (!fn) return [];
  const reserved = Object.keys(fn.environment)
    .filter((key) => LAMBDA_RESERVED_VARIABLES.has(key))
    .map((key) =>
      problem(
        ['workload', 'function', 'environment', key],
        key,
        'Lambda sets this variable itself and refuses a function that sets it; rename it',
      ),
    );
  const bytes = Math.max(
    ...def.environments.map((env) => {
      const names = new ResourceNames(def.service, env.name);
      const variables: Record<string, string> = { ...fn.environment };
      if (def.featureFlags.length > 0)
        variables.GLIDEPATH_FLAGS_URL = `http://localhost:2772/applications/${names.base}/environments/${env.name}/configurations/feature-flags`;
      for (const s of env.secrets) variables[secretArnVariable(s.envVar)] = secretArn(env, s.secretName);
      return environmentBytes(variables);
    }),
  );
  if (bytes <= LAMBDA_ENVIRONMENT_BYTES_MAX) return reserved;
  return [
    ...reserved,
    problem(
      ['workload', 'function', 'environment'],
      `<${Object.keys(fn.environment).length} variables>`,
      `with glidepath's own variables (flags URL, secret ARNs) the function gets up to ${bytes} bytes of environment variables, over Lambda's limit of ${LAMBDA_ENVIRONMENT_BYTES_MAX}; move large values into the code or AppConfig`,
    ),
  ];
}

/** The smoke-test hook carries its checks in its environment; the same in every environment. */
function smokeHookEnvironmentProblems(def: ServiceDefinition): Problem[] {
  if (!def.smokeTests) return [];
  const tests = platformSmokeTests(def.smokeTests);
  const bytes = environmentBytes({ SMOKE_TESTS: JSON.stringify({ checks: tests.checks, settings: tests.settings }) }) + HOOK_TOKEN_BYTES;
  if (bytes <= LAMBDA_ENVIRONMENT_BYTES_MAX) return [];
  return [
    problem(
      ['smokeTests', 'checks'],
      `<${def.smokeTests.checks.length} checks>`,
      `the smoke-test function carries the checks in its environment, about ${bytes} bytes, over Lambda's limit of ${LAMBDA_ENVIRONMENT_BYTES_MAX}; keep fewer or shorter checks (paths, bodies and headers count)`,
    ),
  ];
}

function ecsDurationProblems(def: ServiceDefinition, env: EnvironmentDefinition, i: number): Problem[] {
  if (!def.workload.container) return [];
  const { settings } = compileEcsRollout(env);
  let minutes: number | undefined;
  if (settings.strategy === 'CANARY') {
    minutes = (settings.bakeMinutes ?? 0) + (settings.stepBakeMinutes ?? 0);
  } else if (settings.strategy === 'LINEAR' && settings.stepPercent) {
    const steps = 100 % settings.stepPercent === 0 ? 100 / settings.stepPercent - 1 : Math.floor(100 / settings.stepPercent);
    minutes = (settings.bakeMinutes ?? 0) + (settings.stepBakeMinutes ?? 0) * steps;
  }
  if (minutes === undefined || minutes <= ECS_CLOUDFORMATION_DEPLOYMENT_MINUTES_MAX) return [];
  const hours = Math.round((minutes / 60) * 10) / 10;
  return [
    problem(
      ['environments', i, 'rollout', 'stages'],
      `<bake times adding up to ${hours}h>`,
      `ECS runs these bake times as one deployment of ${hours}h, and CloudFormation refuses ECS ${settings.strategy.toLowerCase()} deployments longer than 33h (its operations time out after 36h); shorten the bake times`,
    ),
  ];
}

function environmentBytes(variables: Record<string, string>): number {
  const encoder = new TextEncoder();
  return Object.entries(variables).reduce((sum, [k, v]) => sum + encoder.encode(k).length + encoder.encode(v).length, 0);
}

function secretArn(env: EnvironmentDefinition, secretName: string): string {
  // A generated secret's ARN ends in "-" and 6 random characters.
  return `arn:${ARN_PARTITION}:secretsmanager:${env.region ?? LONGEST_REGION}:123456789012:secret:${secretName}-abcdef`;
}

/** The value of the field a name comes from, for quoting it. */
function fieldValue(def: ServiceDefinition, n: PhysicalName): unknown {
  switch (n.field[0]) {
    case 'environments':
      return n.environment;
    case 'service':
      return def.service;
    case 'migrations':
      return def.migrations[n.field[1] as number]?.name;
    default:
      return n.name;
  }
}
