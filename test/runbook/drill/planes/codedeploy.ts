import type { AwsCall } from '../aws-command-model';
import { sdkEnum } from './sdk-enums';
import { Fail, StateFail, iso, type Clock, type DeployedStack, type Templates } from './templates';

const STATUS = Object.fromEntries(sdkEnum('@aws-sdk/client-codedeploy', 'DeploymentStatus').map((s) => [s, s])) as Record<string, string>;

interface Deployment {
  readonly id: string;
  readonly createTime: number;
  readonly current: number;
  readonly target: number;
  /** Seconds the traffic shift runs (the deployment configuration's interval). */
  readonly work: number;
  stoppedAt?: number;
  rollbackDeploymentId?: string;
  readonly rollbackTriggeringDeploymentId?: string;
  readonly byRunbook?: boolean;
}

interface Group {
  readonly fn: string;
  readonly alias: string;
  readonly region: string;
  readonly deployments: Deployment[];
  /** Alias version set by hand (`update-alias`) after the deployments. */
  manualAlias?: number;
}

/**
 * Lambda aliases shifted by CodeDeploy, as the control plane keeps them.
 *
 * Rules, from the CodeDeploy documentation:
 * - A rollback, automatic or on stop, is a NEW deployment with a new id that redeploys the last
 *   known good revision; the failed deployment records it in `rollbackInfo.rollbackDeploymentId`
 *   and the new one records `rollbackTriggeringDeploymentId`
 *   (https://docs.aws.amazon.com/codedeploy/latest/userguide/deployments-rollback-and-redeploy.html,
 *   https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_RollbackInfo.html).
 * - `stop-deployment --deployment-id` (required) with `--auto-rollback-enabled` stops a deployment in
 *   flight and rolls it back (https://docs.aws.amazon.com/cli/latest/reference/deploy/stop-deployment.html).
 * - `list-deployments --include-only-statuses` filters by DeploymentStatus; no order is documented,
 *   so this model lists oldest first. `get-deployment-group` names `lastSuccessfulDeployment` and
 *   `lastAttemptedDeployment` (https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_DeploymentGroupInfo.html).
 * - The AppSpec of a Lambda deployment names the alias, CurrentVersion and TargetVersion
 *   (https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-resources.html).
 */
/**
 * The deployment group an alias's `UpdatePolicy.CodeDeployLambdaAliasUpdate` names: CloudFormation
 * shifts that alias through that group
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatepolicy.html#cfn-attributes-updatepolicy-codedeploylambdaaliasupdate).
 */
function shiftedBy(stack: DeployedStack, aliasLogicalId: string): string | undefined {
  const raw = stack.template.Resources[aliasLogicalId] as {
    UpdatePolicy?: { CodeDeployLambdaAliasUpdate?: { DeploymentGroupName?: unknown } };
  };
  const name = raw.UpdatePolicy?.CodeDeployLambdaAliasUpdate?.DeploymentGroupName as { Ref?: string } | undefined;
  return name?.Ref;
}

export class CodeDeployPlane {
  private readonly groups = new Map<string, Group>();
  /** The version that fails every call (the bad release), if any. */
  private bad?: number;
  /**
   * Reserved concurrency by function (none: the unreserved pool, as the stacks declare). 0 throttles
   * every invocation (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html).
   */
  public readonly reserved = new Map<string, number>();

  constructor(
    private readonly t: Templates,
    private readonly clock: Clock,
  ) {
    for (const g of t.all('AWS::CodeDeploy::DeploymentGroup')) {
      const name = String(g.props.DeploymentGroupName);
      // The alias this group shifts is the one whose UpdatePolicy names it; the function is the one
      // that alias points at (its FunctionName), not just any function of the stack (a health probe
      // or a smoke-test hook is a Lambda function too).
      const aliases = t.all('AWS::Lambda::Alias', g.stack.region).filter((a) => a.stack === g.stack);
      const alias = aliases.find((a) => shiftedBy(g.stack, a.logicalId) === g.logicalId) ?? aliases[0];
      const fn = alias && t.ref(g.stack, alias.props.FunctionName);
      if (!fn || !alias) continue;
      this.groups.set(name, {
        fn: String(fn.props.FunctionName),
        alias: String(alias.props.Name),
        region: g.stack.region,
        deployments: [
          { id: 'd-A000001', createTime: -14 * 86400, current: 1, target: 2, work: 600 },
          // Default: release 3 is shifting now and is good.
          { id: 'd-A000002', createTime: 0, current: 2, target: 3, work: 600 },
        ],
      });
    }
  }

  /** The incident's starting point: version 3 is bad. */
  public releaseWentBad(how: 'auto-rolled-back' | 'in-flight' | 'completed'): void {
    this.bad = 3;
    for (const g of this.groups.values()) {
      g.deployments.pop();
      if (how === 'auto-rolled-back') {
        g.deployments.push(
          { id: 'd-A000002', createTime: -1500, current: 2, target: 3, work: 600, stoppedAt: -1200, rollbackDeploymentId: 'd-A000003' },
          // The rollback redeploys the last known good revision: the AppSpec of d-A000001 (1 → 2).
          { id: 'd-A000003', createTime: -1200, current: 1, target: 2, work: 0, rollbackTriggeringDeploymentId: 'd-A000002' },
        );
      } else {
        g.deployments.push({ id: 'd-A000002', createTime: how === 'in-flight' ? -120 : -3600, current: 2, target: 3, work: 600 });
      }
    }
  }

  private statusOf(d: Deployment): string {
    if (d.stoppedAt !== undefined && this.clock.now >= d.stoppedAt) return STATUS.Stopped;
    if (this.clock.now < d.createTime) return STATUS.Created;
    return this.clock.now - d.createTime >= d.work ? STATUS.Succeeded : STATUS.InProgress;
  }

  /** The version the alias serves, and the weight still on the target while a shift runs. */
  public aliasOf(group: string): { version: number; weights: Record<string, number> | null } {
    const g = this.groups.get(group)!;
    if (g.manualAlias !== undefined) return { version: g.manualAlias, weights: null };
    const d = g.deployments[g.deployments.length - 1];
    const s = this.statusOf(d);
    if (s === STATUS.Succeeded) return { version: d.target, weights: null };
    if (s === STATUS.InProgress) return { version: d.current, weights: { [String(d.target)]: 0.1 } };
    return { version: d.current, weights: null };
  }

  public groupNames(): string[] {
    return [...this.groups.keys()];
  }

  /** Deployments and alias moves made by runbook commands. */
  public changesByRunbook(group: string): number {
    const g = this.groups.get(group)!;
    return g.deployments.filter((d) => d.byRunbook).length + (g.manualAlias !== undefined ? 1 : 0);
  }

  private group(call: AwsCall, region: string): [string, Group] {
    this.t.need('AWS::CodeDeploy::Application', call.options.get('--application-name')?.[0], region);
    const name = call.options.get('--deployment-group-name')?.[0];
    this.t.need('AWS::CodeDeploy::DeploymentGroup', name, region);
    return [name!, this.groups.get(name!)!];
  }

  private find(id: string | undefined): [Group, Deployment] {
    for (const g of this.groups.values()) {
      const d = g.deployments.find((x) => x.id === id);
      if (d) return [g, d];
    }
    throw new Fail(`DeploymentDoesNotExistException: no deployment ${id}`);
  }

  public respond(call: AwsCall, region: string): unknown {
    switch (call.operation) {
      case 'list-deployments': {
        const [, g] = this.group(call, region);
        const only = call.options.get('--include-only-statuses');
        return { deployments: g.deployments.filter((d) => !only || only.includes(this.statusOf(d))).map((d) => d.id) };
      }
      case 'get-deployment-group': {
        const [name, g] = this.group(call, region);
        const info = (d: Deployment | undefined) => d && { deploymentId: d.id, status: this.statusOf(d), createTime: iso(d.createTime) };
        return {
          deploymentGroupInfo: {
            deploymentGroupName: name,
            lastAttemptedDeployment: info(g.deployments[g.deployments.length - 1]),
            lastSuccessfulDeployment: info([...g.deployments].reverse().find((d) => this.statusOf(d) === STATUS.Succeeded)),
          },
        };
      }
      case 'get-deployment': {
        const [g, d] = this.find(call.options.get('--deployment-id')?.[0]);
        const appSpec = {
          version: 0.0,
          Resources: [
            {
              fn: {
                Type: 'AWS::Lambda::Function',
                Properties: { Name: g.fn, Alias: g.alias, CurrentVersion: String(d.current), TargetVersion: String(d.target) },
              },
            },
          ],
        };
        return {
          deploymentInfo: {
            deploymentId: d.id,
            status: this.statusOf(d),
            createTime: iso(d.createTime),
            revision: { revisionType: 'AppSpecContent', appSpecContent: { content: JSON.stringify(appSpec) } },
            rollbackInfo:
              d.rollbackDeploymentId || d.rollbackTriggeringDeploymentId
                ? { rollbackDeploymentId: d.rollbackDeploymentId, rollbackTriggeringDeploymentId: d.rollbackTriggeringDeploymentId }
                : undefined,
          },
        };
      }
      case 'stop-deployment': {
        const [g, d] = this.find(call.options.get('--deployment-id')?.[0]);
        if (this.statusOf(d) !== STATUS.InProgress && this.statusOf(d) !== STATUS.Created)
          throw new StateFail(`DeploymentAlreadyCompletedException: deployment ${d.id} is ${this.statusOf(d)}`);
        d.stoppedAt = this.clock.now;
        if (call.options.has('--auto-rollback-enabled')) {
          const good = [...g.deployments].reverse().find((x) => x !== d && this.statusOf(x) === STATUS.Succeeded)!;
          const id = `d-A00000${g.deployments.length + 1}`;
          d.rollbackDeploymentId = id;
          g.deployments.push({
            id,
            createTime: this.clock.now,
            current: good.current,
            target: good.target,
            work: 10,
            rollbackTriggeringDeploymentId: d.id,
            byRunbook: true,
          });
        }
        return { status: 'Pending', statusMessage: 'Stopping' };
      }
      default:
        throw new Fail(`the drill does not simulate aws deploy ${call.operation} yet: add it to CodeDeployPlane`);
    }
  }

  /** Lambda calls that read or move the alias. */
  public lambda(call: AwsCall, region: string, outfile: (content: string) => void): unknown {
    const fn = call.options.get('--function-name')?.[0];
    this.t.need('AWS::Lambda::Function', fn, region);
    const alias = call.options.get('--name')?.[0] ?? call.options.get('--qualifier')?.[0];
    if (alias) this.t.need('AWS::Lambda::Alias', alias, region);
    const [name, g] = [...this.groups].find(([, x]) => x.fn === fn) ?? [];
    const served = name ? this.aliasOf(name) : { version: 3, weights: null };
    switch (call.operation) {
      case 'get-alias':
        return {
          Name: alias,
          FunctionVersion: String(served.version),
          RoutingConfig: served.weights ? { AdditionalVersionWeights: served.weights } : null,
        };
      case 'update-alias': {
        const v = call.options.get('--function-version')?.[0] ?? '';
        if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 3)
          throw new Fail(`ResourceNotFoundException: function version "${v}" does not exist`);
        if (g) g.manualAlias = Number(v);
        return { Name: alias, FunctionVersion: v, RoutingConfig: null };
      }
      case 'list-versions-by-function':
        return { Versions: ['$LATEST', '1', '2', '3'].map((v) => ({ Version: v, LastModified: '2026-01-01', CodeSha256: `sha-${v}` })) };
      case 'invoke': {
        // Reserved concurrency 0: Lambda refuses the call (TooManyRequestsException, "Rate Exceeded").
        if (fn && this.reserved.get(fn) === 0) throw new StateFail('TooManyRequestsException: Rate Exceeded.');
        // A function error is a 200 answer with FunctionError set and the error as payload
        // (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html).
        if (served.version === this.bad) {
          outfile('{"errorType":"Error","errorMessage":"release 3 fails every call"}');
          return { StatusCode: 200, FunctionError: 'Unhandled', ExecutedVersion: String(served.version) };
        }
        outfile('{"statusCode":200}');
        return { StatusCode: 200, ExecutedVersion: String(served.version) };
      }
      case 'get-function-concurrency':
        // No ReservedConcurrentExecutions member when none is reserved (API_GetFunctionConcurrency).
        return this.reserved.has(fn!) ? { ReservedConcurrentExecutions: this.reserved.get(fn!) } : {};
      case 'delete-function-concurrency':
        this.reserved.delete(fn!);
        return undefined;
      default:
        throw new Fail(`the drill does not simulate aws lambda ${call.operation} yet: add it to CodeDeployPlane`);
    }
  }
}
