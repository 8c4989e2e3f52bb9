import { ArnFormat, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib/core';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { LambdaTrafficRouting } from '../../lib/plan/rollout/codedeploy-schedule';
import type { CompiledSchedule } from '../../lib/plan/rollout/schedule';
import type { IRunbookContributor, RunbookFacts } from '../../lib/runbook/facts';
import { lambdaFunctionRunbookFacts } from '../../lib/runbook/platforms/lambda';
import { secretArnVariable } from '../../lib/plan/secret-bindings';
import { functionRole } from './private/function-role';
import { grantImportedKeyDecrypt } from './private/secret-key-decrypt';
import { literalRegion } from './private/aws-cli';
import { literalName } from './private/literal-names';
import { MINIMUM_REQUESTS } from '../../lib/plan/version-error-rate';
import { aliasSignals } from './private/function-alias-signals';
import { routingSlug } from '../../lib/plan/function-release-spec';
import { checkedRouting, checkedSchedule, trafficRoutingOf } from './private/lambda-traffic-routing';
import type { ServiceSignals } from './service-signals';
import { ACKNOWLEDGEMENTS } from '../../lib/runbook/platforms/aws-accepted-risks';
import { acknowledge } from './private/acknowledge';

/** A Secrets Manager secret handed to a `ProgressiveFunction` by reference. */
export interface ProgressiveFunctionSecret {
  /**
   * Stem of the environment variable that carries the secret's ARN: `DB_PASSWORD` becomes
   * `DB_PASSWORD_SECRET_ARN`. Letters, digits and underscores, not starting with a digit.
   */
  readonly envVar: string;
  /**
   * The secret. Prefer a secret owned by the stack or imported by its complete ARN: a secret
   * imported by name has a partial ARN, and its grant ends in a `-??????` wildcard.
   */
  readonly secret: secretsmanager.ISecret;
}

/** Construction properties of `ProgressiveFunction`. */
export interface ProgressiveFunctionProps {
  /**
   * Physical name of the function, e.g. `payments-api-prod`. It also names the CodeDeploy
   * application, the deployment group, the deployment config and the log group, so runbook
   * commands can use it. 1–64 letters, digits, hyphens or underscores; a literal, not a token.
   */
  readonly functionName: string;
  /** The Lambda runtime. */
  readonly runtime: lambda.Runtime;
  /** The handler, e.g. `index.handler`. */
  readonly handler: string;
  /** The function's code. */
  readonly code: lambda.Code;
  /**
   * Memory in MiB.
   * @default 256
   */
  readonly memoryMiB?: number;
  /**
   * How long one invocation may run.
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * Plain, non-secret environment variables. Never put a secret value here: use `secrets`.
   * @default - no variables besides the secret ARNs
   */
  readonly environment?: Record<string, string>;
  /**
   * Secrets the function reads at run time. Lambda has no native secret injection, so the
   * function receives each secret's ARN in `<envVar>_SECRET_ARN` (never the value) and is granted
   * `secretsmanager:GetSecretValue` and `DescribeSecret` on that secret only (plus `kms:Decrypt`
   * through Secrets Manager when the secret has its own key). Read the value at cold start with
   * the AWS SDK or the AWS Parameters and Secrets Lambda Extension.
   * @default - no secrets
   */
  readonly secrets?: readonly ProgressiveFunctionSecret[];
  /**
   * How CodeDeploy shifts the alias to a new version, as compiled by `compileLambdaRollout`.
   * Becomes a custom `LambdaDeploymentConfig`.
   */
  readonly routing: LambdaTrafficRouting;
  /**
   * The schedule `routing` was compiled with, for the runbook. Must be a
   * `lambda-codedeploy` schedule that starts with the routing's first step.
   * @default - the runbook gets a one-sentence summary of the routing but no schedule
   */
  readonly schedule?: CompiledSchedule;
  /**
   * Alarms that stop the deployment and roll it back when any of them fires. More can be added
   * with `addRollbackAlarm()`; at least one is required by synth time.
   * @default - none yet
   */
  readonly rollbackAlarms?: readonly cloudwatch.IAlarm[];
  /**
   * A function CodeDeploy runs against the new version before shifting any traffic. It must
   * report back with `codedeploy:PutLifecycleEventHookExecutionStatus`, which is granted.
   * @default - no pre-traffic hook
   */
  readonly preTrafficHook?: lambda.IFunction;
  /**
   * A function CodeDeploy runs after all traffic has shifted; granted like `preTrafficHook`.
   * @default - no post-traffic hook
   */
  readonly postTrafficHook?: lambda.IFunction;
  /**
   * How long the function's logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the log group when it leaves the stack.
   * @default RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE (kept, except when the first create fails)
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Customer-managed key for the log group. The key policy is extended to let CloudWatch Logs
   * use it for this log group only (a no-op on imported keys, whose policy you manage). The
   * environment holds no secret values, so it keeps Lambda's default encryption.
   * @default - CloudWatch Logs' default encryption
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Name of the alias that serves traffic and that CodeDeploy shifts.
   * @default 'live'
   */
  readonly aliasName?: string;
  /**
   * Invocations a version needs in one alarm period before its own error rate counts (see
   * `ServiceSignals.versionErrorRatePercent`).
   * @default 10
   */
  readonly minimumRequests?: number;
}

/**
 * A Lambda function released by CodeDeploy: a version per change, an alias that serves traffic,
 * and a `LambdaDeploymentGroup` that shifts the alias by a custom deployment config and rolls it
 * back when the deployment fails, is stopped, or a rollback alarm fires.
 *
 * Every name a runbook command uses is physical and derived from `functionName`: the function,
 * its log group `/aws/lambda/<functionName>`, the CodeDeploy application and deployment group
 * (`<functionName>`), and the deployment config (`<functionName>-<routing>`, e.g.
 * `payments-api-prod-canary-10pct-5m`; the routing is part of the name because CodeDeploy
 * configs are immutable and CloudFormation cannot replace a resource with a fixed name).
 * Versions are retained on replacement so level-2 rollback can point the alias back at them.
 *
 * Secrets never enter the environment: see `ProgressiveFunctionProps.secrets`.
 *
 * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html#deployment-configuration-lambda
 */
export class ProgressiveFunction extends Construct implements IRunbookContributor {
  /** The function. */
  public readonly function: lambda.Function;
  /** The alias that serves traffic; invoke and alarm on this, not on the function. */
  public readonly alias: lambda.Alias;
  /** The deployment group that shifts the alias. */
  public readonly deploymentGroup: codedeploy.LambdaDeploymentGroup;
  /** The custom deployment config compiled from `routing`. */
  public readonly deploymentConfig: codedeploy.LambdaDeploymentConfig;
  /** The function's log group. */
  public readonly logGroup: logs.LogGroup;
  /** Name of the log group, `/aws/lambda/<functionName>`. */
  public readonly logGroupName: string;
  /** Health signals measured on the alias, for alarms and dashboards. */
  public readonly signals: ServiceSignals;
  /** Physical name of the function, as in the template and the runbook. */
  public readonly functionName: string;
  /** Name of the alias, e.g. `live`. */
  public readonly aliasName: string;
  /** Name of the CodeDeploy application. */
  public readonly applicationName: string;
  /** Name of the CodeDeploy deployment group. */
  public readonly deploymentGroupName: string;
  /** Name of the CodeDeploy deployment config. */
  public readonly deploymentConfigName: string;

  private readonly routing: LambdaTrafficRouting;
  private readonly schedule?: CompiledSchedule;
  private readonly secrets: readonly ProgressiveFunctionSecret[];
  private readonly rollbackAlarms: cloudwatch.IAlarm[] = [];

  constructor(scope: Construct, id: string, props: ProgressiveFunctionProps) {
    super(scope, id);
    this.functionName = checkedFunctionName(props.functionName);
    this.aliasName = checkedAliasName(props.aliasName ?? 'live');
    this.routing = checkedRouting(props.routing);
    this.schedule = props.schedule && checkedSchedule(props.schedule, this.routing);
    this.secrets = props.secrets ?? [];
    this.applicationName = this.functionName;
    this.deploymentGroupName = this.functionName;
    this.deploymentConfigName = `${this.functionName}-${routingSlug(this.routing)}`;
    this.logGroupName = `/aws/lambda/${this.functionName}`;

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: this.logGroupName,
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
      encryptionKey: props.encryptionKey,
    });
    if (props.encryptionKey) {
      const stack = Stack.of(this);
      props.encryptionKey.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
          actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
          resources: ['*'], // in a key policy, '*' is the key itself
          conditions: {
            ArnEquals: {
              'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
                service: 'logs',
                resource: 'log-group',
                resourceName: this.logGroupName,
                arnFormat: ArnFormat.COLON_RESOURCE_NAME,
              }),
            },
          },
        }),
      );
    }

    const role = functionRole(this, 'ServiceRole', this.logGroup, `Runs ${this.functionName}`);
    // Tracing is on: X-Ray's PutTraceSegments and PutTelemetryRecords have no resource to scope to.
    acknowledge(role, ACKNOWLEDGEMENTS.functionTracing);
    this.function = new lambda.Function(this, 'Resource', {
      functionName: this.functionName,
      role,
      runtime: props.runtime,
      handler: props.handler,
      code: props.code,
      memorySize: props.memoryMiB ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
      environment: secretEnvironment(props.environment ?? {}, this.secrets),
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      // CloudFormation deletes a replaced version by default; keep it so the alias can go back to it.
      currentVersionOptions: { removalPolicy: RemovalPolicy.RETAIN },
    });
    for (const { secret } of this.secrets) {
      secret.grantRead(this.function);
      grantImportedKeyDecrypt(secret, this.function);
    }

    this.alias = new lambda.Alias(this, 'Alias', { aliasName: this.aliasName, version: this.function.currentVersion });

    this.deploymentConfig = new codedeploy.LambdaDeploymentConfig(this, 'DeploymentConfig', {
      deploymentConfigName: this.deploymentConfigName,
      trafficRouting: trafficRoutingOf(this.routing),
    });
    const application = new codedeploy.LambdaApplication(this, 'Application', { applicationName: this.applicationName });
    this.deploymentGroup = new codedeploy.LambdaDeploymentGroup(this, 'DeploymentGroup', {
      application,
      deploymentGroupName: this.deploymentGroupName,
      alias: this.alias,
      deploymentConfig: this.deploymentConfig,
      preHook: props.preTrafficHook,
      postHook: props.postTrafficHook,
      // deploymentInAlarm is left to its default, which turns on once an alarm is added: `true`
      // makes aws-cdk-lib fail synth with a resolution error before the validation below can say why.
      autoRollback: { failedDeployment: true, stoppedDeployment: true },
    });
    acknowledge(this.deploymentGroup, ACKNOWLEDGEMENTS.codeDeployRole);
    for (const alarm of props.rollbackAlarms ?? []) {
      this.addRollbackAlarm(alarm);
    }
    this.node.addValidation({
      validate: () =>
        this.rollbackAlarms.length > 0
          ? []
          : [
              `ProgressiveFunction '${this.functionName}' has no rollback alarms, so CodeDeploy could not stop a bad version; ` +
                `pass 'rollbackAlarms' or call addRollbackAlarm() (for example with the error-rate alarm built on 'signals')`,
            ],
    });

    this.signals = aliasSignals(
      this.alias,
      this.function.currentVersion,
      `Lambda alias ${this.functionName}:${this.aliasName}`,
      props.minimumRequests ?? MINIMUM_REQUESTS,
    );
  }

  /** Adds an alarm that stops the deployment and rolls it back when it fires. */
  public addRollbackAlarm(alarm: cloudwatch.IAlarm): void {
    this.rollbackAlarms.push(alarm);
    this.deploymentGroup.addAlarm(alarm);
  }

  /** Rollout, deploy commands, the level-2 rollback, and every name those commands use (text in lib/runbook/platforms/lambda.ts). */
  public runbookFacts(): RunbookFacts {
    return lambdaFunctionRunbookFacts({
      region: literalRegion(this),
      functionName: this.functionName,
      aliasName: this.aliasName,
      logGroupName: this.logGroupName,
      applicationName: this.applicationName,
      deploymentGroupName: this.deploymentGroupName,
      deploymentConfigName: this.deploymentConfigName,
      routing: this.routing,
      schedule: this.schedule,
      secrets: this.secrets.map(({ envVar, secret }) => ({ name: secretNameOf(secret), arnVariable: secretArnVariable(envVar) })),
      rollbackAlarms: this.rollbackAlarms.flatMap((a) => literalName(a, a.alarmName, 'alarmName') ?? []),
      signalsSource: this.signals.source,
    });
  }
}

/** The secret's name when it is known at synth time: imported by name, or owned with a fixed name. */
function secretNameOf(secret: secretsmanager.ISecret): string | undefined {
  return literalName(secret, secret.secretName, 'name');
}

function secretEnvironment(environment: Record<string, string>, secrets: readonly ProgressiveFunctionSecret[]): Record<string, string> {
  const result = { ...environment };
  secrets.forEach(({ envVar, secret }, i) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(envVar)) {
      throw new Error(
        `'secrets[${i}].envVar' (${JSON.stringify(envVar)}) must be letters, digits and underscores, not starting with a digit, e.g. 'DB_PASSWORD'`,
      );
    }
    const name = secretArnVariable(envVar);
    if (name in result) {
      throw new Error(
        `'secrets[${i}].envVar' (${JSON.stringify(envVar)}) sets ${name}, which 'environment' or an earlier secret already sets; give each secret its own envVar`,
      );
    }
    result[name] = secret.secretArn;
  });
  return result;
}

function checkedFunctionName(name: string): string {
  if (Token.isUnresolved(name)) {
    throw new Error(`'functionName' must be a literal string, not a token: runbook commands print it`);
  }
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
    throw new Error(
      `'functionName' (${JSON.stringify(name)}) must be 1–64 letters, digits, hyphens or underscores, e.g. 'payments-api-prod'`,
    );
  }
  return name;
}

function checkedAliasName(name: string): string {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(name) || /^[0-9]+$/.test(name)) {
    throw new Error(
      `'aliasName' (${JSON.stringify(name)}) must be 1–128 letters, digits, hyphens or underscores and not only digits, e.g. 'live'`,
    );
  }
  return name;
}
