import * as fs from 'node:fs';
import * as path from 'node:path';
import * as jmespath from 'jmespath';
import { FLAGS_VERSION_OUTPUT } from '../../../lib/runbook/platforms/appconfig-flag-guard';
import { parseAwsCall } from './aws-command-model';
import { AlarmsPlane } from './planes/alarms';
import { AppConfigPlane } from './planes/appconfig';
import { CodeDeployPlane } from './planes/codedeploy';
import { CodePipelinePlane } from './planes/codepipeline';
import { EcsPlane } from './planes/ecs';
import { LogsPlane, ROTATION_AT } from './planes/logs';
import { checkEnums } from './planes/sdk-enums';
import { SecretsPlane } from './planes/secrets';
import { Clock, Fail, StateFail, Templates, iso, type DeployedStack, type StubResult } from './planes/templates';
import type { Evidence, Printed } from './screen';

export type { DeployedStack, StubResult } from './planes/templates';

/** Marks a problem caused by the service's state rather than by an invalid call. */
export const STATE_PREFIX = 'state: ';

/**
 * A simulated AWS account built from synthesized templates: every call is checked against the SDK
 * command model (options, required options, enum values), must name a region, and may only name
 * resources of a stack in that region. Each service is a stateful control plane (planes/*) whose
 * rules cite the service's documentation; answers are filtered by `--query` with JMESPath and
 * printed as `--output` would. Time advances only through `sleep`.
 */
export class AwsWorld {
  /** Everything that went wrong, one line each; the drill fails when this is not empty. */
  public readonly problems: string[] = [];
  public readonly calls: string[] = [];
  public readonly clockState = new Clock();
  public readonly templates: Templates;
  public readonly alarms: AlarmsPlane;
  public readonly ecs: EcsPlane;
  public readonly codedeploy: CodeDeployPlane;
  public readonly pipeline: CodePipelinePlane;
  public readonly appconfig: AppConfigPlane;
  public readonly secrets: SecretsPlane;
  public readonly logs: LogsPlane;
  /** Calls whose output reached the section's stdout: what the reader saw. */
  public readonly printed: Printed[] = [];
  /** Stacks not in UPDATE_COMPLETE: the incident's state. */
  public readonly stackStatus = new Map<string, { status: string; since: number }>();

  constructor(
    public readonly stacks: readonly DeployedStack[],
    releaseCommit: string,
    firing: readonly string[] = [],
    /** The commit a new pipeline execution releases (the branch head). */
    head: () => string = () => releaseCommit,
  ) {
    this.templates = new Templates(stacks);
    this.alarms = new AlarmsPlane(this.templates, this.clockState, [...firing]);
    this.ecs = new EcsPlane(this.templates, this.clockState);
    this.codedeploy = new CodeDeployPlane(this.templates, this.clockState);
    this.pipeline = new CodePipelinePlane(this.templates, this.clockState, head);
    this.appconfig = new AppConfigPlane(this.templates, this.clockState, this.alarms);
    this.secrets = new SecretsPlane(this.templates, this.clockState);
    this.logs = new LogsPlane(this.clockState, () => ({
      serviceErrors: this.alarms.firing.some((a) => /-(error-rate|latency-p\d+)$/.test(a)),
      probeFailing: this.alarms.firing.some((a) => a.endsWith('-dead-mans-switch')),
      failedRotations: this.secrets.failedRotationLogGroups(),
      // A migration that failed during the deploy the stack rolled back from, else the last run by the runbook.
      migration: (family) =>
        this.ecs.lastRunOf(family) ??
        ([...this.stackStatus].some(([stack, st]) => /ROLLBACK/.test(st.status) && family === `${stack}-migrate-add-order-notes`)
          ? { at: ROTATION_AT - 60, failed: true }
          : undefined),
    }));
    if (this.pipeline.name) this.pipeline.seed(releaseCommit);
  }

  /** What the reader must see in what a section prints: the incident's traces. */
  public evidence(): Evidence[] {
    const groups = [...new Set(this.printed.filter((p) => p.argv[0] === 'logs' && p.argv[1] === 'tail').map((p) => p.argv[2]))];
    return [...this.logs.evidence(groups), ...this.alarms.evidence()];
  }

  /** Seconds of simulated time (advanced by the `sleep` stub). */
  public get clock(): number {
    return this.clockState.now;
  }

  public set clock(seconds: number) {
    this.clockState.now = seconds;
  }

  /** Handles one `aws` invocation. */
  public aws(argv: readonly string[], cwd: string): StubResult {
    this.calls.push(`aws ${argv.join(' ')}`);
    const { call, problems } = parseAwsCall(argv);
    if (problems.length > 0 || !call) {
      this.problems.push(...problems);
      return { stdout: problems.join('\n'), status: 252 };
    }
    const region = call.options.get('--region')?.[0];
    if (!region || !this.stacks.some((s) => s.region === region)) {
      this.problems.push(
        `aws ${argv.slice(0, 2).join(' ')}: ${region ? `region ${region} holds no stack of this runbook` : 'no --region'}`,
      );
      return { stdout: '', status: 253 };
    }
    this.payload = '';
    try {
      checkEnums(call);
      const response = this.respond(call.service, call, region, cwd);
      if (call.operation === 'wait') return { stdout: '', status: 0, waited: (response as { waited: number }).waited };
      const printed = format(query(response, call.options.get('--query')?.[0]), call.options.get('--output')?.[0] ?? 'json');
      return { stdout: `${this.payload}${printed}`, status: 0 };
    } catch (e) {
      if (!(e instanceof Fail)) throw e;
      this.problems.push(`${e instanceof StateFail ? STATE_PREFIX : ''}aws ${argv.slice(0, 2).join(' ')}: ${e.message}`);
      return { stdout: e.message, status: 254 };
    }
  }

  /** What the CLI process wrote to its own stdout through an outfile of `/dev/stdout`. */
  private payload = '';

  /**
   * Writes an outfile (`lambda invoke`, `appconfig get-configuration`, ...) as the CLI process that
   * was called writes it, not as this simulator would: `/dev/stdout` is the caller's stdout (the
   * payload comes before the response the CLI prints), `/dev/null` and `/dev/stderr` are not files
   * of the working directory. Opening `/dev/stdout` here would open the test runner's stdout, which
   * is a socket in a jest worker (ENXIO) and a file or terminal when jest runs in band: the
   * drill then passed or failed depending on how jest scheduled it.
   */
  private outfile(file: string | undefined, cwd: string): (content: string) => void {
    return (content) => {
      if (file === undefined) throw new Fail('outfile missing');
      if (file === '/dev/stdout' || file === '/proc/self/fd/1') this.payload += content;
      else if (file !== '/dev/null' && file !== '/dev/stderr') fs.writeFileSync(path.resolve(cwd, file), content);
    };
  }

  /**
   * The ReleaseCommit output as CloudFormation reports it. A stack the pipeline deploys was
   * synthesized by the pipeline's build from a source zip without `.git`
   * (https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CodestarConnectionSource.html:
   * the default output artifact format is a zip of the files), so the value is the commit only when
   * the build passes CodeBuild's CODEBUILD_RESOLVED_SOURCE_VERSION to synthesis
   * (https://docs.aws.amazon.com/codebuild/latest/userguide/build-env-ref-env-vars.html); otherwise "unknown".
   */
  private releaseCommitOutput(stack: string, value: unknown): string {
    const stage = stack.replace(/^.*-/, '');
    const deployed = this.pipeline.deployed.get(stage);
    if (deployed === undefined) return typeof value === 'string' ? value : 'unknown';
    const pipeline = this.stacks.find((s) => s.name.endsWith('-pipeline'));
    const text = JSON.stringify(pipeline?.template ?? {});
    return text.includes('GLIDEPATH_RELEASE_COMMIT') && text.includes('CODEBUILD_RESOLVED_SOURCE_VERSION') ? deployed : 'unknown';
  }

  private respond(service: string, call: Parameters<EcsPlane['respond']>[0], region: string, cwd: string): unknown {
    switch (service) {
      case 'ecs':
        return this.ecs.respond(call, region);
      case 'deploy':
        return this.codedeploy.respond(call, region);
      case 'lambda':
        if (call.operation === 'get-function-configuration') {
          const resource = this.templates.need('AWS::Lambda::Function', call.options.get('--function-name')?.[0], region);
          const qualifier = call.options.get('--qualifier')?.[0];
          if (qualifier) this.templates.need('AWS::Lambda::Alias', qualifier, region);
          const layers = ((resource.props.Layers as unknown[]) ?? []).filter((l): l is string => typeof l === 'string');
          return { FunctionName: resource.props.FunctionName, Layers: layers.map((arn) => ({ Arn: arn })) };
        }
        return this.codedeploy.lambda(call, region, this.outfile(call.positionals[0], cwd));
      case 'codepipeline':
        return this.pipeline.respond(call, region, this.templates);
      case 'appconfig':
      case 'appconfigdata':
        return this.appconfig.respond(call, region, cwd, this.outfile(call.positionals[0], cwd));
      case 'secretsmanager':
        return this.secrets.respond(call, region);
      case 'cloudwatch':
        return this.alarms.respond(call, region);
      case 'elbv2': {
        const arn = call.options.get('--listener-arn')?.[0] ?? '';
        if (!new RegExp(`^arn:aws:elasticloadbalancing:${region}:\\d{12}:listener/app/[^/]+/[0-9a-f]+/[0-9a-f]+$`).test(arn))
          throw new Fail(`--listener-arn "${arn}" is not a listener ARN`);
        return { Rules: [{ IsDefault: true, Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ Weight: 100 }] } }] }] };
      }
      case 'logs': {
        // `logs tail GROUP` names it as a positional, `delete-log-group` and the others as --log-group-name.
        const group = call.positionals[0] ?? call.options.get('--log-group-name')?.[0];
        if (!this.secrets.logGroups().includes(group)) this.templates.need('AWS::Logs::LogGroup', group, region);
        if (call.operation === 'tail') {
          this.payload = this.logs.tail(call, group!);
          return undefined;
        }
        return undefined;
      }
      case 'cloudformation': {
        const name = call.options.get('--stack-name')?.[0];
        const stack = this.stacks.find((s) => s.name === name && s.region === region);
        if (!stack) throw new Fail(`no stack ${name} in ${region}`);
        // CloudFormation stack states (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/view-stack-events.html):
        // a rollback that cannot finish stops in UPDATE_ROLLBACK_FAILED until continue-update-rollback
        // (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/troubleshooting.html#troubleshooting-errors-update-rollback-failed).
        const status = this.stackStatus.get(name!) ?? { status: 'UPDATE_COMPLETE', since: -86400 };
        if (call.operation === 'continue-update-rollback') {
          if (status.status !== 'UPDATE_ROLLBACK_FAILED')
            throw new StateFail(`ValidationError: Stack ${name} is in ${status.status} state and can not continue update rollback`);
          this.stackStatus.set(name!, { status: 'UPDATE_ROLLBACK_IN_PROGRESS', since: this.clock });
          return undefined;
        }
        if (status.status === 'UPDATE_ROLLBACK_IN_PROGRESS' && this.clock - status.since >= 120)
          this.stackStatus.set(name!, { status: 'UPDATE_ROLLBACK_COMPLETE', since: status.since + 120 });
        const current = this.stackStatus.get(name!)?.status ?? status.status;
        if (call.operation === 'describe-stack-events') return { StackEvents: stackEvents(stack, this.stackStatus.get(name!)) };
        const outputs = Object.entries(stack.template.Outputs ?? {}).map(([k, o]) => ({
          OutputKey: k,
          OutputValue:
            k === 'ReleaseCommit'
              ? this.releaseCommitOutput(name!, o.Value)
              : k === FLAGS_VERSION_OUTPUT && this.appconfig.stackVersion() !== undefined
                ? String(this.appconfig.stackVersion())
                : typeof o.Value === 'string'
                  ? o.Value
                  : k === 'ServiceUrl'
                    ? `http://${name}-123.${region}.elb.amazonaws.com`
                    : `<${k}>`,
        }));
        return { Stacks: [{ StackName: name, StackStatus: current, Outputs: outputs }] };
      }
      default:
        throw new Fail(`the drill does not simulate aws ${service} yet`);
    }
  }
}

function query(response: unknown, expression: string | undefined): unknown {
  if (!expression) return response ?? null;
  return jmespath.search(response ?? {}, expression);
}

/** Prints a value the way the AWS CLI's `--output` does (text: awscli's text formatter, below). */
function format(value: unknown, output: string): string {
  if (output === 'table') return table(value);
  if (output === 'json' || output === 'yaml') return value === null || value === undefined ? '' : JSON.stringify(value, null, 4);
  if (value === null || value === undefined) return 'None';
  const lines: string[] = [];
  formatText(value, lines);
  return lines.join('\n');
}

type Json = null | undefined | string | number | boolean | Json[] | { [k: string]: Json };

/** A scalar as Python's str() prints it (the CLI is Python): None, True, False. */
function pyStr(v: unknown): string {
  return v === null || v === undefined ? 'None' : v === true ? 'True' : v === false ? 'False' : String(v);
}

const isNested = (v: unknown): boolean => v !== null && typeof v === 'object';

/**
 * `--output text`, as aws/aws-cli awscli/text.py formats a response: a dict prints its scalars on
 * one tab-separated line (sorted by key, after the upper-cased key that holds it), then each nested
 * value on its own lines; a list of dicts prints each with the scalar keys of all; a list of scalars
 * prints on one line, or one line each under a key (https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-output-format.html#text-output).
 */
function formatText(item: unknown, out: string[], identifier?: string, scalarKeys?: string[]): void {
  if (Array.isArray(item)) {
    if (item.length === 0) return;
    if (item.some((e) => isNested(e) && !Array.isArray(e))) {
      const keys = [
        ...new Set(
          item.flatMap((e) =>
            isNested(e) && !Array.isArray(e)
              ? Object.entries(e as object)
                  .filter(([, v]) => !isNested(v))
                  .map(([k]) => k)
              : [],
          ),
        ),
      ].sort();
      for (const e of item) formatText(e, out, identifier, keys);
    } else if (item.some((e) => Array.isArray(e))) {
      const scalars = item.filter((e) => !isNested(e));
      if (scalars.length > 0) scalarList(scalars, out, identifier);
      for (const e of item.filter((x) => isNested(x))) formatText(e, out, identifier);
    } else scalarList(item, out, identifier);
  } else if (isNested(item)) {
    const dict = item as Record<string, Json>;
    const scalars: string[] = [];
    const nested: [string, Json][] = [];
    if (scalarKeys === undefined) {
      for (const [k, v] of Object.entries(dict).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        if (isNested(v)) nested.push([k, v]);
        else scalars.push(pyStr(v));
    } else {
      for (const k of scalarKeys) scalars.push(k in dict ? pyStr(dict[k]) : '');
      for (const k of Object.keys(dict)
        .filter((x) => !scalarKeys.includes(x))
        .sort())
        nested.push([k, dict[k]]);
    }
    if (scalars.length > 0) out.push([...(identifier !== undefined ? [identifier.toUpperCase()] : []), ...scalars].join('\t'));
    for (const [k, v] of nested) formatText(v, out, k);
  } else out.push(pyStr(item));
}

function scalarList(elements: readonly unknown[], out: string[], identifier?: string): void {
  if (identifier !== undefined) for (const e of elements) out.push(`${identifier.toUpperCase()}\t${pyStr(e)}`);
  else out.push(elements.map(pyStr).join('\t'));
}

/**
 * `--output table`: one row a line between `|` borders, cells of a row side by side
 * (https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-output-format.html#table-output): plain text.
 */
function table(value: unknown): string {
  if (value === null || value === undefined) return '';
  const cell = (v: unknown): string => (v === null || v === undefined ? 'None' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const rows: string[][] = (Array.isArray(value) ? value : [value]).map((r) =>
    Array.isArray(r) ? r.map(cell) : r !== null && typeof r === 'object' ? Object.values(r as object).map(cell) : [cell(r)],
  );
  return rows.map((r) => `|  ${r.join('  |  ')}  |`).join('\n');
}

/**
 * A stack's events, newest first, as `describe-stack-events` pages through all of them
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/view-stack-events.html): each of
 * the last eight updates (one every two days) updated every resource of the template, then, in an
 * incident's stack, the update that failed at the migration and its rollback.
 */
function stackEvents(stack: DeployedStack, incident?: { status: string; since: number }): Record<string, string>[] {
  const events: Record<string, string>[] = [];
  const event = (at: number, id: string, type: string, status: string, reason?: string) =>
    events.push({
      StackName: stack.name,
      EventId: `${id}-${status}-${at}`,
      LogicalResourceId: id,
      ResourceType: type,
      Timestamp: iso(at),
      ResourceStatus: status,
      ...(reason ? { ResourceStatusReason: reason } : {}),
    });
  const resources = Object.entries(stack.template.Resources);
  for (let n = 8; n >= 1; n--) {
    const at = -n * 2 * 86400;
    event(at, stack.name, 'AWS::CloudFormation::Stack', 'UPDATE_IN_PROGRESS', 'User Initiated');
    resources.forEach(([id, r], i) => {
      event(at + 10 + i, id, r.Type, 'UPDATE_IN_PROGRESS');
      event(at + 20 + i, id, r.Type, 'UPDATE_COMPLETE');
    });
    event(at + 600, stack.name, 'AWS::CloudFormation::Stack', 'UPDATE_COMPLETE');
  }
  if (incident) {
    const at = incident.since - 600;
    event(at, stack.name, 'AWS::CloudFormation::Stack', 'UPDATE_IN_PROGRESS', 'User Initiated');
    event(at + 60, 'MigrationaddordernotesRun', 'Custom::Migration', 'UPDATE_FAILED', 'migration task exited 1');
    event(
      at + 61,
      stack.name,
      'AWS::CloudFormation::Stack',
      'UPDATE_ROLLBACK_IN_PROGRESS',
      'The following resource(s) failed to update: [MigrationaddordernotesRun].',
    );
    event(incident.since, stack.name, 'AWS::CloudFormation::Stack', incident.status);
  }
  return events.reverse();
}
