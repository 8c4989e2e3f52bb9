import { Duration as CdkDuration, RemovalPolicy } from 'aws-cdk-lib/core';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { SmokeTests } from '../../lib/model/smoke-tests';
import { platformSmokeTests, worstCaseMs, type PlatformSmokeTests } from '../../lib/smoke/inline';
import type { IRunbookContributor, RunbookFacts } from '../../lib/runbook/facts';
import { functionRole } from './private/function-role';
import { ecsHookSource, lambdaHookSource } from './private/smoke-hook-code';
import { awsCliOf } from './private/aws-cli';
import { ACKNOWLEDGEMENTS } from '../../lib/runbook/platforms/aws-accepted-risks';
import { acknowledge } from './private/acknowledge';

/** Kinds of `SmokeTestTarget`. */
enum TargetKind {
  TEST_LISTENER = 'test-listener',
  FUNCTION_VERSION = 'function-version',
}

/** What a `SmokeTestHook` checks: the ECS test listener, or a new Lambda version. */
export class SmokeTestTarget {
  /**
   * The test listener of an ECS native blue/green, canary or linear deployment, called from inside
   * the VPC through the load balancer's private address (the listener accepts the VPC only).
   */
  public static testListener(options: {
    readonly loadBalancer: elbv2.ApplicationLoadBalancer;
    readonly port: number;
    readonly vpc: ec2.IVpc;
    /**
     * The test listener serves HTTPS: the hook connects to the load balancer's private address
     * with this TLS server name (SNI and `Host`), and checks the certificate against it.
     * @default - plain HTTP
     */
    readonly tls?: { readonly serverName?: string };
  }): SmokeTestTarget {
    return new SmokeTestTarget(TargetKind.TEST_LISTENER, options.loadBalancer, options.port, options.vpc, undefined, options.tls);
  }

  /** A new Lambda version, invoked directly with an HTTP API (payload 2.0) event per check. */
  public static functionVersion(version: lambda.IVersion): SmokeTestTarget {
    return new SmokeTestTarget(TargetKind.FUNCTION_VERSION, undefined, undefined, undefined, version);
  }

  private constructor(
    /** @internal */ public readonly _kind: TargetKind,
    /** @internal */ public readonly _loadBalancer?: elbv2.ApplicationLoadBalancer,
    /** @internal */ public readonly _port?: number,
    /** @internal */ public readonly _vpc?: ec2.IVpc,
    /** @internal */ public readonly _version?: lambda.IVersion,
    /** @internal */ public readonly _tls?: { readonly serverName?: string },
  ) {}
}

/** Props for `SmokeTestHook`. */
export interface SmokeTestHookProps {
  /** Physical name of the hook function, e.g. `checkout-prod-smoke-tests`. */
  readonly functionName: string;
  /** The checks (from the definition's `smokeTests`). */
  readonly tests: SmokeTests;
  /** What to check. */
  readonly target: SmokeTestTarget;
  /** Log retention. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Removal of the log group. @default RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE (kept, except when the first create fails) */
  readonly removalPolicy?: RemovalPolicy;
}

/** The longest a hook may run: Lambda's limit, less a margin to report. */
const MAX_HOOK_MS = 14 * 60 * 1000;

/**
 * A Lambda function that runs the smoke tests inside the platform before production traffic
 * reaches a new version: as an ECS deployment lifecycle hook at `POST_TEST_TRAFFIC_SHIFT`
 * (`ecsLifecycleHook()`), or as a CodeDeploy pre-traffic hook (`LambdaDeploymentGroup.addPreHook`).
 * A failed check rolls the deployment back. The check logic is the one `glidepath smoke-test`
 * runs, inlined.
 */
export class SmokeTestHook extends Construct implements IRunbookContributor {
  /** The hook function. */
  public readonly function: lambda.Function;
  /** The checks the hook runs (credential-needing checks are left out). */
  public readonly checks: PlatformSmokeTests;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: SmokeTestHookProps,
  ) {
    super(scope, id);
    this.checks = platformSmokeTests(props.tests);
    if (this.checks.checks.length === 0) {
      throw new Error(
        `smokeTests.checks: every check of ${props.functionName} needs a credential header (${this.checks.skipped.join(', ')}), so none can run inside the platform; add a check without credentials (e.g. the health check)`,
      );
    }
    const worst = worstCaseMs(this.checks);
    if (worst > MAX_HOOK_MS) {
      throw new Error(
        `smokeTests: ${this.checks.checks.length} checks × ${this.checks.settings.attempts} attempts × ${this.checks.settings.timeoutMs} ms timeout can take ${Math.ceil(worst / 1000)}s, longer than a hook may run (${MAX_HOOK_MS / 1000}s); lower "attempts" or "timeout"`,
      );
    }
    const target = props.target;
    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${props.functionName}`,
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    const role = functionRole(this, 'Role', logGroup, `Runs the smoke tests of ${props.functionName}`);
    const inVpc = target._kind === TargetKind.TEST_LISTENER;
    this.function = new lambda.Function(this, 'Resource', {
      functionName: props.functionName,
      description: `Smoke tests (${this.checks.checks.map((c) => c.name).join(', ')}) before production traffic`,
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(inVpc ? ecsHookSource() : lambdaHookSource()),
      timeout: CdkDuration.seconds(Math.ceil(worst / 1000) + 60),
      memorySize: 256,
      role,
      logGroup,
      environment: {
        SMOKE_TESTS: JSON.stringify({ checks: this.checks.checks, settings: this.checks.settings }),
        ...(inVpc
          ? {
              LOAD_BALANCER: target._loadBalancer!.loadBalancerFullName,
              TEST_PORT: String(target._port),
              ...(target._tls ? { TEST_SCHEME: 'https', TLS_SERVER_NAME: target._tls.serverName ?? '' } : {}),
            }
          : { TARGET_VERSION: target._version!.functionArn }),
      },
      ...(inVpc ? { vpc: target._vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }, allowPublicSubnet: false } : {}),
    });
    if (inVpc) {
      // DescribeNetworkInterfaces supports no resource-level permissions.
      role.addToPolicy(new iam.PolicyStatement({ actions: ['ec2:DescribeNetworkInterfaces'], resources: ['*'] }));
      acknowledge(role, ACKNOWLEDGEMENTS.smokeHookNetwork);
      acknowledge(role, ACKNOWLEDGEMENTS.smokeHookVpcAccess);
    } else {
      target._version!.grantInvoke(this.function);
    }
  }

  /** The ECS lifecycle hook target running this function after test traffic moved to the new revision. */
  public ecsLifecycleHook(): ecs.DeploymentLifecycleLambdaTarget {
    // Our own role, allowed to invoke this function only (the default also allows every version).
    const role = new iam.Role(this, 'EcsInvokeRole', {
      assumedBy: new iam.ServicePrincipal('ecs.amazonaws.com'),
      description: `Lets ECS run the smoke tests ${this.props.functionName} during deployments`,
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.function.functionArn] }));
    return new ecs.DeploymentLifecycleLambdaTarget(this.function, 'SmokeTests', {
      role,
      lifecycleStages: [ecs.DeploymentLifecycleStage.POST_TEST_TRAFFIC_SHIFT],
    });
  }

  public runbookFacts(): RunbookFacts {
    const name = this.props.functionName;
    const where =
      this.props.target._kind === TargetKind.TEST_LISTENER
        ? `ECS runs ${name} after test traffic moves to the new revision (POST_TEST_TRAFFIC_SHIFT) and before production traffic; a failed check rolls the deployment back`
        : `CodeDeploy runs ${name} against the new version before shifting any traffic (BeforeAllowTraffic); a failed check rolls the deployment back`;
    return {
      smoke: [
        {
          description: `Automatic: ${where}. Read what it found`,
          command: awsCliOf(this)`logs tail /aws/lambda/${name} --since 30m`,
          expected: 'one JSON line per check with "passed": true, then "all N smoke tests passed"',
        },
      ],
      notes:
        this.checks.skipped.length > 0
          ? [
              `smoke checks ${this.checks.skipped.join(', ')} need credentials from the environment, so they run only with glidepath smoke-test, not in the ${name} hook`,
            ]
          : [],
      resources: [{ type: 'AWS::Lambda::Function', name }],
    };
  }
}
