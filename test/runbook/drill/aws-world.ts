import * as fs from 'node:fs';
import * as path from 'node:path';
import * as jmespath from 'jmespath';
import { parseAwsCall, type AwsCall } from './aws-command-model';

/** One synthesized CloudFormation stack, where it is deployed. */
export interface DeployedStack {
  readonly name: string;
  readonly region: string;
  readonly template: {
    Resources: Record<
      string,
      { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string }
    >;
    Outputs?: Record<string, { Value: unknown }>;
  };
}

/** What a call printed and its exit status. */
export interface StubResult {
  readonly stdout: string;
  readonly status: number;
}

type Resource = { stack: DeployedStack; logicalId: string; type: string; props: Record<string, unknown> };

/** The physical-name property of each resource type the runbooks name. */
const NAME_PROPERTY: Record<string, string> = {
  'AWS::ECS::Cluster': 'ClusterName',
  'AWS::ECS::Service': 'ServiceName',
  'AWS::ECS::TaskDefinition': 'Family',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::CloudWatch::Dashboard': 'DashboardName',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::AppConfig::Application': 'Name',
  'AWS::AppConfig::Environment': 'Name',
  'AWS::AppConfig::ConfigurationProfile': 'Name',
  'AWS::AppConfig::DeploymentStrategy': 'Name',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::Lambda::Alias': 'Name',
  'AWS::CodeDeploy::Application': 'ApplicationName',
  'AWS::CodeDeploy::DeploymentGroup': 'DeploymentGroupName',
  'AWS::CodePipeline::Pipeline': 'Name',
};

class Fail extends Error {}

/**
 * A simulated AWS account built from synthesized templates: every call is checked against the SDK
 * command model, must name a region, and may only name resources of a stack in that region; the
 * answers have the shape of the real service's and are filtered by `--query` with JMESPath, then
 * printed as `--output` would. State (deployments, revisions, alarm actions, flag versions) lives
 * here; time advances only through `sleep`, so waits are checked against the work they wait for.
 */
export class AwsWorld {
  /** Everything that went wrong, one line each; the drill fails when this is not empty. */
  public readonly problems: string[] = [];
  public readonly calls: string[] = [];
  /** Seconds of simulated time (advanced by the `sleep` stub). */
  public clock = 0;
  private readonly byLogicalId = new Map<string, Resource>();
  private readonly ecs = new Map<string, { revisions: number[]; current: number; startedAt: number; work: number; inFlight: boolean }>();
  private readonly alarmActions = new Map<string, boolean>();
  private readonly flagVersions: string[] = [];
  private deployedVersion = 1;
  private readonly appconfigDeployments: { state: string; version: number }[] = [];
  private readonly tasks = new Map<string, number>();

  constructor(
    public readonly stacks: readonly DeployedStack[],
    private readonly releaseCommit: string,
    /** Alarms in ALARM: the incident the runbook is followed for. */
    private readonly firing: readonly string[] = [],
  ) {
    for (const stack of stacks) {
      for (const [logicalId, r] of Object.entries(stack.template.Resources)) {
        this.byLogicalId.set(`${stack.name}/${logicalId}`, { stack, logicalId, type: r.Type, props: r.Properties ?? {} });
      }
    }
    for (const r of this.all('AWS::ECS::Service')) {
      const family = this.nameOf(this.ref(r.stack, r.props.TaskDefinition)) ?? String(r.props.ServiceName);
      const td = this.all('AWS::ECS::TaskDefinition').find((t) => t.props.Family === family);
      // Three releases so far. CloudFormation deregisters replaced revisions unless retained.
      const retained = td && td.stack.template.Resources[td.logicalId].UpdateReplacePolicy === 'Retain';
      this.ecs.set(String(r.props.ServiceName), {
        revisions: retained ? [1, 2, 3] : [3],
        current: 3,
        startedAt: 0,
        work: this.deploymentSeconds(r.props),
        inFlight: true,
      });
    }
    const hosted = this.all('AWS::AppConfig::HostedConfigurationVersion')[0];
    if (hosted) {
      // Version 1 is deployed; version 2 was created by hand and never deployed.
      const content = JSON.parse(String(hosted.props.Content));
      this.flagVersions.push(
        JSON.stringify(content),
        JSON.stringify({ ...content, values: Object.fromEntries(Object.keys(content.values).map((k) => [k, { enabled: true }])) }),
      );
      this.appconfigDeployments.push({ state: 'COMPLETE', version: 1 });
    }
  }

  /** Time an ECS deployment runs with the synthesized configuration, start to the old revision stopping. */
  private deploymentSeconds(props: Record<string, unknown>): number {
    const c = (props.DeploymentConfiguration ?? {}) as Record<string, unknown>;
    const bake = Number(c.BakeTimeInMinutes ?? 0) * 60;
    const canary = c.CanaryConfiguration as { CanaryBakeTimeInMinutes?: number } | undefined;
    const linear = c.LinearConfiguration as { StepBakeTimeInMinutes?: number; StepPercent?: number } | undefined;
    const steps = canary
      ? Number(canary.CanaryBakeTimeInMinutes ?? 0) * 60
      : linear
        ? (Math.ceil(100 / Number(linear.StepPercent ?? 100)) - 1) * Number(linear.StepBakeTimeInMinutes ?? 0) * 60
        : 0;
    // Starting and health-checking tasks takes about two minutes.
    return bake + steps + 120;
  }

  private all(type: string, region?: string): Resource[] {
    return [...this.byLogicalId.values()].filter((r) => r.type === type && (!region || r.stack.region === region));
  }

  private ref(stack: DeployedStack, value: unknown): Resource | undefined {
    const v = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] } | undefined;
    const id = v?.Ref ?? v?.['Fn::GetAtt']?.[0];
    return id ? this.byLogicalId.get(`${stack.name}/${id}`) : undefined;
  }

  private nameOf(r: Resource | undefined): string | undefined {
    const n = r?.props[NAME_PROPERTY[r.type]];
    return typeof n === 'string' ? n : undefined;
  }

  /** The resource of a type with that physical name in the region, or a failure naming what is missing. */
  private need(type: string, name: string | undefined, region: string): Resource {
    const found = this.all(type, region).find((r) => this.nameOf(r) === name);
    if (!found) {
      const elsewhere = this.all(type).find((r) => this.nameOf(r) === name);
      throw new Fail(
        elsewhere ? `${type} ${name} is in ${elsewhere.stack.region}, not ${region}` : `no ${type} named ${name} in ${region}`,
      );
    }
    return found;
  }

  private one(call: AwsCall, option: string): string {
    const v = call.options.get(option)?.[0];
    if (v === undefined) throw new Fail(`aws ${call.service} ${call.operation}: ${option} missing`);
    return v;
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
    try {
      const response = this.respond(call, region, cwd);
      return { stdout: format(query(response, call.options.get('--query')?.[0]), call.options.get('--output')?.[0] ?? 'json'), status: 0 };
    } catch (e) {
      if (!(e instanceof Fail)) throw e;
      this.problems.push(`aws ${argv.slice(0, 2).join(' ')}: ${e.message}`);
      return { stdout: '', status: 254 };
    }
  }

  private respond(call: AwsCall, region: string, cwd: string): unknown {
    const op = `${call.service} ${call.operation}`;
    const arnPrefix = `arn:aws:ecs:${region}:111111111111`;
    const outfile = (content: string) => fs.writeFileSync(path.resolve(cwd, call.positionals[0]), content);
    switch (op) {
      case 'ecs describe-services':
      case 'ecs list-service-deployments':
      case 'ecs update-service': {
        const clusterName = this.one(call, '--cluster');
        this.need('AWS::ECS::Cluster', clusterName, region);
        const services = call.options.get('--services') ?? [this.one(call, '--service')];
        return {
          services: services.map((name) => {
            this.need('AWS::ECS::Service', name, region);
            const s = this.ecs.get(name)!;
            if (op === 'ecs update-service') {
              const arn = this.one(call, '--task-definition');
              const m = new RegExp(`^${arnPrefix}:task-definition/${name}:(\\d+)$`).exec(arn);
              if (!m || !s.revisions.includes(Number(m[1])))
                throw new Fail(`task definition ${arn} is not an ACTIVE revision of ${name}: ECS cannot deploy it`);
              Object.assign(s, { current: Number(m[1]), startedAt: this.clock, inFlight: true });
            }
            const stable = this.clock - s.startedAt >= s.work;
            if (stable) s.inFlight = false;
            if (op === 'ecs list-service-deployments') return undefined;
            return {
              serviceName: name,
              clusterArn: `${arnPrefix}:cluster/${clusterName}`,
              taskDefinition: `${arnPrefix}:task-definition/${name}:${s.current}`,
              desiredCount: 2,
              runningCount: 2,
              deployments: stable ? [{ status: 'PRIMARY' }] : [{ status: 'PRIMARY' }, { status: 'ACTIVE' }],
              networkConfiguration: {
                awsvpcConfiguration: { subnets: ['subnet-1', 'subnet-2'], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' },
              },
            };
          }),
          serviceDeployments: services.flatMap((name) => {
            const s = this.ecs.get(name)!;
            const status = call.options.get('--status')?.[0];
            const d = {
              serviceDeploymentArn: `${arnPrefix}:service-deployment/${clusterName}/${name}/d${s.startedAt}`,
              status: s.inFlight ? 'IN_PROGRESS' : 'SUCCESSFUL',
            };
            return !status || status === d.status ? [d] : [];
          }),
        };
      }
      case 'ecs stop-service-deployment': {
        const arn = this.one(call, '--service-deployment-arn');
        const m = /:service-deployment\/([^/]+)\/([^/]+)\//.exec(arn);
        if (!m) throw new Fail(`${arn} is not a service deployment ARN`);
        this.need('AWS::ECS::Service', m[2], region);
        return { serviceDeploymentArn: arn };
      }
      case 'ecs list-task-definitions': {
        const family = this.one(call, '--family-prefix');
        this.need('AWS::ECS::TaskDefinition', family, region);
        const s = this.ecs.get(family);
        const revisions = [...(s?.revisions ?? [1])].sort((a, b) => (call.options.get('--sort')?.[0] === 'DESC' ? b - a : a - b));
        return { taskDefinitionArns: revisions.map((r) => `${arnPrefix}:task-definition/${family}:${r}`) };
      }
      case 'ecs describe-task-definition': {
        const family = this.one(call, '--task-definition');
        const td = this.need('AWS::ECS::TaskDefinition', family, region);
        const containers = (td.props.ContainerDefinitions as { Name: string; Image: unknown }[]) ?? [];
        return {
          taskDefinition: {
            family,
            containerDefinitions: containers.map((c) => ({
              name: c.Name,
              image: typeof c.Image === 'string' ? c.Image : `111111111111.dkr.ecr.${region}.amazonaws.com/${family}:latest`,
            })),
          },
        };
      }
      case 'ecs run-task': {
        this.need('AWS::ECS::Cluster', this.one(call, '--cluster'), region);
        const family = this.one(call, '--task-definition');
        this.need('AWS::ECS::TaskDefinition', family, region);
        const net = JSON.parse(this.one(call, '--network-configuration'));
        if (!net?.awsvpcConfiguration?.subnets) throw new Fail('--network-configuration has no awsvpcConfiguration.subnets');
        const arn = `${arnPrefix}:task/${this.one(call, '--cluster')}/${this.tasks.size + 1}`;
        this.tasks.set(arn, this.clock);
        return { tasks: [{ taskArn: arn }] };
      }
      case 'ecs describe-tasks': {
        this.need('AWS::ECS::Cluster', this.one(call, '--cluster'), region);
        return {
          tasks: (call.options.get('--tasks') ?? []).map((arn) => {
            const started = this.tasks.get(arn);
            if (started === undefined) throw new Fail(`no task ${arn}`);
            const stopped = this.clock - started >= 90;
            return {
              taskArn: arn,
              lastStatus: stopped ? 'STOPPED' : 'RUNNING',
              containers: [{ name: 'migrate', exitCode: stopped ? 0 : null }],
            };
          }),
        };
      }
      case 'logs tail': {
        this.need('AWS::Logs::LogGroup', call.positionals[0], region);
        return undefined;
      }
      case 'cloudwatch describe-alarm-history':
        this.need('AWS::CloudWatch::Alarm', this.one(call, '--alarm-name'), region);
        return {
          AlarmHistoryItems: [
            { AlarmName: this.one(call, '--alarm-name'), HistoryItemType: 'StateUpdate', HistorySummary: 'Alarm updated from OK to ALARM' },
          ],
        };
      case 'cloudwatch describe-alarms':
        return {
          MetricAlarms: (call.options.get('--alarm-names') ?? []).map((n) => {
            this.need('AWS::CloudWatch::Alarm', n, region);
            return {
              AlarmName: n,
              StateValue: 'ALARM',
              StateReason: 'Threshold Crossed: no datapoints were received for 5 periods',
              ActionsEnabled: this.alarmActions.get(n) ?? true,
            };
          }),
          CompositeAlarms: [],
        };
      case 'cloudwatch disable-alarm-actions':
      case 'cloudwatch enable-alarm-actions':
        for (const n of call.options.get('--alarm-names') ?? []) {
          this.need('AWS::CloudWatch::Alarm', n, region);
          this.alarmActions.set(n, op.endsWith('enable-alarm-actions'));
        }
        return undefined;
      case 'cloudwatch get-metric-statistics': {
        for (const d of call.options.get('--dimensions') ?? []) {
          const m = /^Name=FunctionName,Value=(.+)$/.exec(d);
          if (m) this.need('AWS::Lambda::Function', m[1], region);
        }
        return { Label: this.one(call, '--metric-name'), Datapoints: [] };
      }
      case 'cloudformation describe-stacks': {
        const name = this.one(call, '--stack-name');
        const stack = this.stacks.find((s) => s.name === name && s.region === region);
        if (!stack) throw new Fail(`no stack ${name} in ${region}`);
        const outputs = Object.entries(stack.template.Outputs ?? {}).map(([k, o]) => ({
          OutputKey: k,
          OutputValue:
            typeof o.Value === 'string' ? o.Value : k === 'ServiceUrl' ? `http://${name}-123.${region}.elb.amazonaws.com` : `<${k}>`,
        }));
        return { Stacks: [{ StackName: name, StackStatus: 'UPDATE_COMPLETE', Outputs: outputs }] };
      }
      case 'secretsmanager describe-secret': {
        const id = this.one(call, '--secret-id');
        const managed = this.all('AWS::SecretsManager::Secret', region).some((r) => r.props.Name === id);
        const referenced = this.stacks.some((s) => s.region === region && JSON.stringify(s.template).includes(`:secret:${id}`));
        if (!managed && !referenced) throw new Fail(`no secret ${id} in ${region}`);
        return { Name: id, ARN: `arn:aws:secretsmanager:${region}:111111111111:secret:${id}-AbCdEf` };
      }
      case 'lambda get-function-configuration': {
        const fn = this.one(call, '--function-name');
        const resource = this.need('AWS::Lambda::Function', fn, region);
        const qualifier = call.options.get('--qualifier')?.[0];
        if (qualifier) this.need('AWS::Lambda::Alias', qualifier, region);
        const layers = ((resource.props.Layers as unknown[]) ?? []).filter((l): l is string => typeof l === 'string');
        return { FunctionName: fn, Layers: layers.map((arn) => ({ Arn: arn })) };
      }
      case 'lambda get-alias':
      case 'lambda update-alias':
      case 'lambda list-versions-by-function':
      case 'lambda invoke': {
        const fn = this.one(call, '--function-name');
        this.need('AWS::Lambda::Function', fn, region);
        const alias = call.options.get('--name')?.[0] ?? call.options.get('--qualifier')?.[0];
        if (alias) this.need('AWS::Lambda::Alias', alias, region);
        if (op === 'lambda invoke') {
          outfile('{"statusCode":200}');
          return { StatusCode: 200, ExecutedVersion: '3' };
        }
        if (op === 'lambda update-alias' && !/^\d+$/.test(this.one(call, '--function-version')))
          throw new Fail(`--function-version ${this.one(call, '--function-version')} is not a version number`);
        return op === 'lambda list-versions-by-function'
          ? { Versions: ['$LATEST', '1', '2', '3'].map((v) => ({ Version: v, LastModified: '2026-01-01', CodeSha256: 'x' })) }
          : { Name: alias, FunctionVersion: call.options.get('--function-version')?.[0] ?? '3', RoutingConfig: null };
      }
      case 'deploy list-deployments':
        this.need('AWS::CodeDeploy::Application', this.one(call, '--application-name'), region);
        this.need('AWS::CodeDeploy::DeploymentGroup', this.one(call, '--deployment-group-name'), region);
        return { deployments: ['d-ABCDEF123'] };
      case 'deploy get-deployment':
      case 'deploy stop-deployment':
        if (this.one(call, '--deployment-id') !== 'd-ABCDEF123') throw new Fail(`no deployment ${this.one(call, '--deployment-id')}`);
        return {
          status: 'Pending',
          deploymentInfo: {
            status: 'Succeeded',
            revision: {
              revisionType: 'AppSpecContent',
              appSpecContent: {
                content: JSON.stringify({
                  version: 0.0,
                  Resources: [
                    {
                      fn: {
                        Type: 'AWS::Lambda::Function',
                        Properties: { Name: 'fn', Alias: 'live', CurrentVersion: '2', TargetVersion: '3' },
                      },
                    },
                  ],
                }),
              },
            },
          },
        };
      default:
        if (call.service === 'appconfig' || call.service === 'appconfigdata') return this.appconfig(call, region, op, outfile, cwd);
        if (call.service === 'codepipeline') return this.codepipeline(call, region, op);
        throw new Fail(`the drill does not simulate aws ${op} yet: add it to AwsWorld`);
    }
  }

  private appconfig(call: AwsCall, region: string, op: string, outfile: (c: string) => void, cwd: string): unknown {
    const appId = (r: Resource) => `app-${r.logicalId}`;
    const app = () => {
      const id = this.one(call, '--application-id');
      const r = this.all('AWS::AppConfig::Application', region).find((a) => appId(a) === id);
      if (!r) throw new Fail(`no AppConfig application with id ${id} in ${region}`);
      return r;
    };
    const items = (type: string, filter?: (r: Resource) => boolean) => ({
      Items: this.all(type, region)
        .filter((r) => !filter || filter(r))
        .map((r) => ({ Id: `${type.split('::')[2].toLowerCase()}-${r.logicalId}`, Name: this.nameOf(r) })),
    });
    const inApp = (r: Resource) => this.ref(r.stack, r.props.ApplicationId)?.logicalId === app().logicalId;
    switch (op) {
      case 'appconfig list-applications':
        return { Items: this.all('AWS::AppConfig::Application', region).map((r) => ({ Id: appId(r), Name: this.nameOf(r) })) };
      case 'appconfig list-environments':
        return items('AWS::AppConfig::Environment', inApp);
      case 'appconfig list-configuration-profiles':
        return items('AWS::AppConfig::ConfigurationProfile', inApp);
      case 'appconfig list-deployment-strategies':
        return items('AWS::AppConfig::DeploymentStrategy');
      case 'appconfig list-deployments':
        app();
        return {
          Items: this.appconfigDeployments
            .map((d, i) => ({
              DeploymentNumber: i + 1,
              State: d.state,
              ConfigurationName: this.nameOf(this.all('AWS::AppConfig::ConfigurationProfile', region)[0]),
              ConfigurationVersion: String(d.version),
            }))
            .reverse(),
        };
      case 'appconfig list-hosted-configuration-versions':
        app();
        return { Items: this.flagVersions.map((_, i) => ({ VersionNumber: i + 1 })) };
      case 'appconfig get-hosted-configuration-version': {
        app();
        const v = Number(this.one(call, '--version-number'));
        if (!this.flagVersions[v - 1]) throw new Fail(`no hosted configuration version ${this.one(call, '--version-number')}`);
        outfile(this.flagVersions[v - 1]);
        return { VersionNumber: v, ContentType: 'application/json' };
      }
      case 'appconfig create-hosted-configuration-version': {
        app();
        const file = this.one(call, '--content').replace(/^fileb:\/\//, '');
        const content = JSON.parse(fs.readFileSync(path.resolve(cwd, file), 'utf8'));
        const deployed = JSON.parse(this.flagVersions[this.deployedVersion - 1]);
        // A kill switch must keep every flag the deployed version already has off, off.
        for (const [flag, value] of Object.entries(deployed.values as Record<string, { enabled?: boolean }>)) {
          if (value.enabled === false && content.values[flag]?.enabled !== false)
            throw new Fail(`the new version turns flag ${flag} back on (it is off in the deployed version ${this.deployedVersion})`);
        }
        this.flagVersions.push(JSON.stringify(content));
        outfile('');
        return { VersionNumber: this.flagVersions.length };
      }
      case 'appconfig start-deployment': {
        const env = this.all('AWS::AppConfig::Environment', region).find(
          (e) => `environment-${e.logicalId}` === this.one(call, '--environment-id'),
        );
        if (!env || !inApp(env))
          throw new Fail(`no environment ${this.one(call, '--environment-id')} in application ${this.one(call, '--application-id')}`);
        const version = Number(this.one(call, '--configuration-version'));
        if (!this.flagVersions[version - 1]) throw new Fail(`no configuration version ${version}`);
        if (this.appconfigDeployments.some((d) => d.state === 'DEPLOYING'))
          throw new Fail('ConflictException: a deployment is already in progress in this environment');
        // AppConfig rolls back a deployment while a monitor alarm with enabled actions is in ALARM.
        const monitors = ((env.props.Monitors ?? []) as { AlarmArn: unknown }[]).map((m) => this.nameOf(this.ref(env.stack, m.AlarmArn)));
        const undoneBy = monitors.find((m) => m && this.firing.includes(m) && (this.alarmActions.get(m) ?? true));
        this.appconfigDeployments.push({ state: undoneBy ? 'ROLLED_BACK' : 'COMPLETE', version });
        if (!undoneBy) this.deployedVersion = version;
        return { DeploymentNumber: this.appconfigDeployments.length, State: 'DEPLOYING' };
      }
      case 'appconfig get-deployment': {
        const d = this.appconfigDeployments[Number(this.one(call, '--deployment-number')) - 1];
        if (!d) throw new Fail(`no deployment ${this.one(call, '--deployment-number')}`);
        return { State: d.state, ConfigurationVersion: String(d.version) };
      }
      case 'appconfigdata start-configuration-session': {
        const name = (t: string, o: string) => this.need(t, this.one(call, o), region);
        name('AWS::AppConfig::Application', '--application-identifier');
        name('AWS::AppConfig::Environment', '--environment-identifier');
        name('AWS::AppConfig::ConfigurationProfile', '--configuration-profile-identifier');
        return { InitialConfigurationToken: 'token-1' };
      }
      case 'appconfigdata get-latest-configuration':
        outfile(this.flagVersions[this.deployedVersion - 1]);
        return { ContentType: 'application/json' };
      default:
        throw new Fail(`the drill does not simulate aws ${op} yet: add it to AwsWorld`);
    }
  }

  private codepipeline(call: AwsCall, region: string, op: string): unknown {
    const name = call.options.get('--name')?.[0] ?? call.options.get('--pipeline-name')?.[0];
    const pipeline = this.need('AWS::CodePipeline::Pipeline', name, region);
    const stages = (pipeline.props.Stages as { Name: string; Actions: { Name: string }[] }[]) ?? [];
    const stage = call.options.get('--stage-name')?.[0];
    if (stage && !stage.startsWith('$') && !stages.some((s) => s.Name === stage)) throw new Fail(`pipeline ${name} has no stage ${stage}`);
    const action = call.options.get('--action-name')?.[0];
    if (action && !stages.find((s) => s.Name === stage)?.Actions.some((a) => a.Name === action))
      throw new Fail(`stage ${stage} of ${name} has no action ${action}`);
    switch (op) {
      case 'codepipeline get-pipeline-state':
        return {
          pipelineName: name,
          stageStates: stages.map((s, i) => ({
            stageName: s.Name,
            latestExecution: { pipelineExecutionId: 'exec-1', status: i === stages.length - 1 ? 'Failed' : 'Succeeded' },
            actionStates: s.Actions.map((a) => ({
              actionName: a.Name,
              // Manual approvals (category Approval, e.g. `checkout-prod.Approve` between change set and execution) wait with a token.
              latestExecution:
                (a as { ActionTypeId?: { Category?: string } }).ActionTypeId?.Category === 'Approval'
                  ? { status: 'InProgress', token: 'token-1' }
                  : { status: 'Succeeded' },
            })),
          })),
        };
      case 'codepipeline list-pipeline-executions':
        return {
          pipelineExecutionSummaries: [
            {
              pipelineExecutionId: 'exec-1',
              status: 'InProgress',
              sourceRevisions: [{ actionName: 'Source', revisionId: this.releaseCommit }],
            },
          ],
        };
      case 'codepipeline start-pipeline-execution':
        return { pipelineExecutionId: 'exec-2' };
      case 'codepipeline get-pipeline-execution':
        if (!/^exec-\d+$/.test(this.one(call, '--pipeline-execution-id')))
          throw new Fail(`no execution ${this.one(call, '--pipeline-execution-id')}`);
        return { pipelineExecution: { pipelineName: name, status: 'Succeeded' } };
      case 'codepipeline put-approval-result':
        if (this.one(call, '--token') !== 'token-1') throw new Fail(`wrong approval token ${this.one(call, '--token')}`);
        return { approvedAt: '2026-01-01T00:00:00Z' };
      default:
        if (stage?.startsWith('$')) throw new Fail(`stage ${stage} was never set`);
        return { pipelineExecutionId: 'exec-1' };
    }
  }
}

function query(response: unknown, expression: string | undefined): unknown {
  if (!expression) return response ?? null;
  return jmespath.search(response ?? {}, expression);
}

/** Prints a value the way the AWS CLI's `--output` does (text: tabs within a row, one row per line). */
function format(value: unknown, output: string): string {
  if (output === 'json' || output === 'table' || output === 'yaml')
    return value === null || value === undefined ? '' : JSON.stringify(value, null, 4);
  const scalar = (v: unknown): string =>
    v === null || v === undefined
      ? 'None'
      : typeof v === 'object'
        ? Object.values(v as object)
            .map(scalar)
            .join('\t')
        : String(v);
  if (Array.isArray(value))
    return value.every((v) => !Array.isArray(v) && (v === null || typeof v !== 'object'))
      ? value.map(scalar).join('\t')
      : value.map((v) => (Array.isArray(v) ? v.map(scalar).join('\t') : scalar(v))).join('\n');
  return scalar(value);
}
