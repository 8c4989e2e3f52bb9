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
  /** Seconds the command blocked (a watch that ran into its --timeout): the clock moves on. */
  readonly waited?: number;
}

/** A resource of a synthesized template. */
export interface Resource {
  readonly stack: DeployedStack;
  readonly logicalId: string;
  readonly type: string;
  readonly props: Record<string, unknown>;
}

/** A refusal of the simulated service: the call fails with this message (an API error or a missing resource). */
export class Fail extends Error {}

/**
 * A refusal because of the state the service is in (a deployment already running, a token of
 * another execution): valid call, wrong moment. Prose mentions are checked for validity only.
 */
export class StateFail extends Fail {}

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

/** The resources of the stacks a runbook may name, looked up by type, physical name and region. */
export class Templates {
  private readonly byLogicalId = new Map<string, Resource>();

  constructor(public readonly stacks: readonly DeployedStack[]) {
    for (const stack of stacks) {
      for (const [logicalId, r] of Object.entries(stack.template.Resources)) {
        this.byLogicalId.set(`${stack.name}/${logicalId}`, { stack, logicalId, type: r.Type, props: r.Properties ?? {} });
      }
    }
  }

  public all(type: string, region?: string): Resource[] {
    return [...this.byLogicalId.values()].filter((r) => r.type === type && (!region || r.stack.region === region));
  }

  public ref(stack: DeployedStack, value: unknown): Resource | undefined {
    const v = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] } | undefined;
    const id = v?.Ref ?? v?.['Fn::GetAtt']?.[0];
    return id ? this.byLogicalId.get(`${stack.name}/${id}`) : undefined;
  }

  public nameOf(r: Resource | undefined): string | undefined {
    const n = r?.props[NAME_PROPERTY[r.type]];
    return typeof n === 'string' ? n : undefined;
  }

  /** The resource of a type with that physical name in the region, or a failure naming what is missing. */
  public need(type: string, name: string | undefined, region: string): Resource {
    const found = this.all(type, region).find((r) => this.nameOf(r) === name);
    if (!found) {
      const elsewhere = this.all(type).find((r) => this.nameOf(r) === name);
      throw new Fail(
        elsewhere ? `${type} ${name} is in ${elsewhere.stack.region}, not ${region}` : `no ${type} named ${name} in ${region}`,
      );
    }
    return found;
  }

  /** Whether a template of the region mentions the text (a secret ARN it reads, for example). */
  public mentions(region: string, text: string): boolean {
    return this.stacks.some((s) => s.region === region && JSON.stringify(s.template).includes(text));
  }
}

/** Simulated time, in seconds since the incident the drill starts from (advanced only by `sleep`). */
export class Clock {
  public now = 0;
}

/** An ISO-8601 timestamp for a simulated second, as the CLI prints dates. */
export function iso(seconds: number): string {
  return new Date(Date.UTC(2026, 0, 15, 3, 0, 0) + seconds * 1000).toISOString();
}
