import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AwsCall } from '../aws-command-model';
import type { AlarmsPlane } from './alarms';
import { sdkEnum } from './sdk-enums';
import { Fail, StateFail, iso, type Clock, type Resource, type Templates } from './templates';

/** An opaque session token, as AppConfig hands them out (base64, hundreds of characters in reality). */
const SESSION_TOKEN = 'AYADeO1V9mYb2q0K3wFz7pQAXwABABVhd3MtY3J5cHRvLXB1YmxpYy1rZXkAREF3dDhx';

const STATE = Object.fromEntries(sdkEnum('@aws-sdk/client-appconfig', 'DeploymentState').map((s) => [s, s])) as Record<string, string>;

interface Deployment {
  readonly number: number;
  readonly version: number;
  readonly startedAt: number;
  /** Deployment time plus final bake of its strategy. */
  readonly seconds: number;
  state?: string;
}

/**
 * AppConfig feature flags of one environment, from the synthesized hosted configuration.
 *
 * Rules, from the AppConfig documentation:
 * - One deployment per environment at a time: starting another fails with ConflictException
 *   (https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-deploying.html).
 * - During the deployment and its final bake, a monitor alarm in ALARM rolls the deployment back;
 *   an alarm whose actions are disabled does not
 *   (https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-creating-environment.html#appconfig-creating-environment-monitoring).
 * - `stop-deployment` (application, environment and deployment number required) rolls back a
 *   deployment in progress (https://docs.aws.amazon.com/cli/latest/reference/appconfig/stop-deployment.html).
 */
export class AppConfigPlane {
  private readonly versions: string[] = [];
  private readonly deployments: Deployment[] = [];

  constructor(
    private readonly t: Templates,
    private readonly clock: Clock,
    private readonly alarms: AlarmsPlane,
  ) {
    const hosted = t.all('AWS::AppConfig::HostedConfigurationVersion')[0];
    if (hosted) {
      // Version 1 is deployed; version 2 was created by hand and never deployed.
      const content = JSON.parse(String(hosted.props.Content));
      this.versions.push(
        JSON.stringify(content),
        JSON.stringify({ ...content, values: Object.fromEntries(Object.keys(content.values).map((k) => [k, { enabled: true }])) }),
      );
      // Version 1 was deployed by each of the last 20 stack updates (a flag deployment each), the last yesterday.
      for (let i = 19; i >= 0; i--)
        this.deployments.push({ number: 20 - i, version: 1, startedAt: -86400 - i * 2 * 86400, seconds: 0, state: STATE.COMPLETE });
    }
  }

  /**
   * The version the stack's AWS::AppConfig::HostedConfigurationVersion created and deployed (1), or
   * undefined without one: what its Ref, and so the stack output of it, returns ("Ref returns the
   * version number", https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-appconfig-hostedconfigurationversion.html).
   */
  public stackVersion(): number | undefined {
    return this.versions.length > 0 ? 1 : undefined;
  }

  /**
   * The hosted configuration versions as `pulumi stack export` records them after the last
   * `pulumi up`: the provider's output names (`applicationId`, `versionNumber`,
   * https://www.pulumi.com/registry/packages/aws/api-docs/appconfig/hostedconfigurationversion/#outputs)
   * under `deployment.resources[]` (https://www.pulumi.com/docs/iac/cli/commands/pulumi_stack_export/).
   */
  public pulumiStateResources(): { type: string; outputs: Record<string, unknown> }[] {
    const app = this.t.all('AWS::AppConfig::Application')[0];
    const version = this.stackVersion();
    if (!app || version === undefined) return [];
    return [
      {
        type: 'aws:appconfig/hostedConfigurationVersion:HostedConfigurationVersion',
        outputs: { applicationId: AppConfigPlane.appId(app), versionNumber: version },
      },
    ];
  }

  /** The id the simulated account gives an application. */
  private static appId(r: Resource): string {
    return `app-${r.logicalId}`;
  }

  /** Version 2 (every flag on) was released last week: the flags the workload reads now. */
  public allFlagsOnDeployed(): void {
    this.deployments.push({ number: this.deployments.length + 1, version: 2, startedAt: -7 * 86400, seconds: 0, state: STATE.COMPLETE });
  }

  /** The incident: a flag release (version 2) is still deploying with a slow strategy. */
  public flagReleaseDeploying(): void {
    this.deployments.push({ number: this.deployments.length + 1, version: 2, startedAt: -60, seconds: 1800 });
  }

  private stateOf(d: Deployment, env?: Resource): string {
    if (d.state) return d.state;
    const now = this.clock.now;
    const monitors = env
      ? ((env.props.Monitors ?? []) as { AlarmArn: unknown }[]).map((m) => this.t.nameOf(this.t.ref(env.stack, m.AlarmArn)))
      : [];
    if (monitors.some((m) => this.alarms.inAlarm(m) && this.alarms.actionsEnabled(m!))) return (d.state = STATE.ROLLED_BACK);
    if (now - d.startedAt >= d.seconds) return (d.state = STATE.COMPLETE);
    return STATE.DEPLOYING;
  }

  /** The flags the workload reads now: the newest COMPLETE deployment's version. */
  public served(): Record<string, { enabled?: boolean }> {
    const env = this.t.all('AWS::AppConfig::Environment')[0];
    const done = [...this.deployments].reverse().find((d) => this.stateOf(d, env) === STATE.COMPLETE);
    return done ? JSON.parse(this.versions[done.version - 1]).values : {};
  }

  /** `outfile` writes the call's outfile as the CLI process would (see AwsWorld). */
  public respond(call: AwsCall, region: string, cwd: string, outfile: (content: string) => void): unknown {
    const op = `${call.service} ${call.operation}`;
    const one = (o: string) => {
      const v = call.options.get(o)?.[0];
      if (v === undefined) throw new Fail(`aws ${op}: ${o} missing`);
      return v;
    };
    const appId = AppConfigPlane.appId;
    const app = () => {
      const r = this.t.all('AWS::AppConfig::Application', region).find((a) => appId(a) === one('--application-id'));
      if (!r) throw new Fail(`no AppConfig application with id ${one('--application-id')} in ${region}`);
      return r;
    };
    const inApp = (r: Resource) => this.t.ref(r.stack, r.props.ApplicationId)?.logicalId === app().logicalId;
    const items = (type: string, filter?: (r: Resource) => boolean) => ({
      Items: this.t
        .all(type, region)
        .filter((r) => !filter || filter(r))
        .map((r) => ({ Id: `${type.split('::')[2].toLowerCase()}-${r.logicalId}`, Name: this.t.nameOf(r) })),
    });
    const env = () => {
      const e = this.t.all('AWS::AppConfig::Environment', region).find((x) => `environment-${x.logicalId}` === one('--environment-id'));
      if (!e || !inApp(e)) throw new Fail(`no environment ${one('--environment-id')} in application ${one('--application-id')}`);
      return e;
    };
    // Ids name resources of the application (GetHostedConfigurationVersion, CreateHostedConfigurationVersion
    // and StartDeployment answer ResourceNotFoundException otherwise:
    // https://docs.aws.amazon.com/appconfig/2019-10-09/APIReference/API_StartDeployment.html#API_StartDeployment_Errors).
    const profile = () => {
      const id = one('--configuration-profile-id');
      const r = this.t.all('AWS::AppConfig::ConfigurationProfile', region).find((x) => `configurationprofile-${x.logicalId}` === id);
      if (!r || !inApp(r))
        throw new Fail(`ResourceNotFoundException: no configuration profile ${id} in application ${one('--application-id')}`);
      return r;
    };
    const strategy = () => {
      const id = one('--deployment-strategy-id');
      if (!this.t.all('AWS::AppConfig::DeploymentStrategy', region).some((x) => `deploymentstrategy-${x.logicalId}` === id))
        throw new Fail(`ResourceNotFoundException: no deployment strategy ${id}`);
    };
    const deployment = () => {
      const d = this.deployments[Number(one('--deployment-number')) - 1];
      if (!d) throw new Fail(`ResourceNotFoundException: no deployment ${one('--deployment-number')}`);
      return d;
    };
    switch (op) {
      case 'appconfig list-applications':
        return { Items: this.t.all('AWS::AppConfig::Application', region).map((r) => ({ Id: appId(r), Name: this.t.nameOf(r) })) };
      case 'appconfig list-environments':
        return items('AWS::AppConfig::Environment', inApp);
      case 'appconfig list-configuration-profiles':
        return items('AWS::AppConfig::ConfigurationProfile', inApp);
      case 'appconfig list-deployment-strategies':
        return items('AWS::AppConfig::DeploymentStrategy');
      case 'appconfig list-deployments': {
        const e = env();
        return {
          Items: this.deployments
            .map((d) => ({
              DeploymentNumber: d.number,
              StartedAt: iso(d.startedAt),
              DeploymentDurationInMinutes: 0,
              GrowthType: 'LINEAR',
              GrowthFactor: 100,
              FinalBakeTimeInMinutes: 0,
              PercentageComplete: 100,
              State: this.stateOf(d, e),
              ConfigurationName: this.t.nameOf(this.t.all('AWS::AppConfig::ConfigurationProfile', region)[0]),
              ConfigurationVersion: String(d.version),
            }))
            .reverse(),
        };
      }
      case 'appconfig list-hosted-configuration-versions':
        app();
        return { Items: this.versions.map((_, i) => ({ VersionNumber: i + 1 })) };
      case 'appconfig get-hosted-configuration-version': {
        profile();
        const v = Number(one('--version-number'));
        if (!this.versions[v - 1]) throw new Fail(`no hosted configuration version ${one('--version-number')}`);
        outfile(this.versions[v - 1]);
        return { VersionNumber: v, ContentType: 'application/json' };
      }
      case 'appconfig create-hosted-configuration-version': {
        profile();
        const file = one('--content').replace(/^fileb:\/\//, '');
        const content = JSON.parse(fs.readFileSync(path.resolve(cwd, file), 'utf8'));
        const served = this.served();
        // A kill switch must keep every flag the deployed version already has off, off.
        for (const [flag, value] of Object.entries(served)) {
          if (value.enabled === false && content.values[flag]?.enabled !== false)
            throw new Fail(`the new version turns flag ${flag} back on (it is off in the deployed version)`);
        }
        this.versions.push(JSON.stringify(content));
        outfile('');
        // The response's metadata (https://docs.aws.amazon.com/appconfig/2019-10-09/APIReference/API_CreateHostedConfigurationVersion.html#API_CreateHostedConfigurationVersion_ResponseSyntax).
        return {
          ApplicationId: one('--application-id'),
          ConfigurationProfileId: one('--configuration-profile-id'),
          VersionNumber: this.versions.length,
          Description: call.options.get('--description')?.[0],
          ContentType: one('--content-type'),
        };
      }
      case 'appconfig start-deployment': {
        const e = env();
        profile();
        strategy();
        const version = Number(one('--configuration-version'));
        if (!this.versions[version - 1]) throw new Fail(`no configuration version ${version}`);
        if (
          this.deployments.some((d) => [STATE.DEPLOYING, STATE.BAKING, STATE.VALIDATING, STATE.ROLLING_BACK].includes(this.stateOf(d, e)))
        )
          throw new StateFail('ConflictException: a deployment is already in progress in this environment');
        const d: Deployment = { number: this.deployments.length + 1, version, startedAt: this.clock.now, seconds: 0 };
        this.deployments.push(d);
        // The Deployment it started (https://docs.aws.amazon.com/appconfig/2019-10-09/APIReference/API_StartDeployment.html#API_StartDeployment_ResponseSyntax).
        return {
          ApplicationId: one('--application-id'),
          EnvironmentId: one('--environment-id'),
          DeploymentStrategyId: one('--deployment-strategy-id'),
          ConfigurationProfileId: one('--configuration-profile-id'),
          DeploymentNumber: d.number,
          ConfigurationVersion: String(version),
          Description: call.options.get('--description')?.[0],
          DeploymentDurationInMinutes: 0,
          GrowthType: 'LINEAR',
          GrowthFactor: 100,
          FinalBakeTimeInMinutes: 0,
          State: this.stateOf(d, e) === STATE.COMPLETE ? STATE.DEPLOYING : this.stateOf(d, e),
          PercentageComplete: 0,
          StartedAt: iso(this.clock.now),
        };
      }
      case 'appconfig stop-deployment': {
        const e = env();
        const d = deployment();
        if (this.stateOf(d, e) !== STATE.DEPLOYING && this.stateOf(d, e) !== STATE.BAKING)
          throw new StateFail(`BadRequestException: deployment ${d.number} is ${this.stateOf(d, e)}`);
        d.state = STATE.ROLLED_BACK;
        return { DeploymentNumber: d.number, State: STATE.ROLLING_BACK };
      }
      case 'appconfig get-deployment': {
        const e = env();
        const d = deployment();
        return { State: this.stateOf(d, e), ConfigurationVersion: String(d.version) };
      }
      case 'appconfigdata start-configuration-session': {
        this.t.need('AWS::AppConfig::Application', one('--application-identifier'), region);
        this.t.need('AWS::AppConfig::Environment', one('--environment-identifier'), region);
        this.t.need('AWS::AppConfig::ConfigurationProfile', one('--configuration-profile-identifier'), region);
        return { InitialConfigurationToken: SESSION_TOKEN };
      }
      case 'appconfigdata get-latest-configuration':
        // A token is the opaque string a session handed out; anything else is refused
        // (https://docs.aws.amazon.com/appconfig/2019-10-09/APIReference/API_appconfigdata_GetLatestConfiguration.html#API_appconfigdata_GetLatestConfiguration_Errors).
        if (one('--configuration-token') !== SESSION_TOKEN)
          throw new Fail(`BadRequestException: invalid configuration token ${one('--configuration-token').slice(0, 40)}`);
        outfile(JSON.stringify({ values: this.served() }));
        return { ContentType: 'application/json' };
      default:
        throw new Fail(`the drill does not simulate aws ${op} yet: add it to AppConfigPlane`);
    }
  }
}
