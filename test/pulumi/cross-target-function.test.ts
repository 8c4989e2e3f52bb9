import { DeploymentComponent, DeploymentPlatform } from '../../constructs/pulumi';
import { exampleAws } from '../support/example-outputs';
import { flagsOf, installMocks, payments, settle, type Registered } from './helpers';

/*
 * A function workload on both AWS targets: the Lambda function, its alias, the CodeDeploy
 * application, custom deployment config and deployment group (auto-rollback, rollback alarms),
 * the pre-traffic smoke-test hook, the alarms and the dead-man's switch the Pulumi component
 * registers are the ones DeploymentStack synthesizes, field by field.
 */

type Json = Record<string, any>;

/** The version number the Pulumi mock gives every published function (see helpers). */
const PUBLISHED_VERSION = '7';
// The payments API runs in us-east-1.
const registered = installMocks('prod', 'glidepath-test', 'us-east-1');
const definition = payments();
let templates: Record<string, string>;
beforeAll(() => {
  templates = exampleAws('payments-api').templates;
});

describe.each(definition.environments.map((e) => [e.name]))('examples/payments-api %s: CloudFormation and Pulumi agree', (environment) => {
  const base = `payments-api-${environment}`;
  let resources: Record<string, Json>;
  let cfn: Json[];
  let pulumiAws: Registered[];
  let component: DeploymentComponent;

  beforeAll(async () => {
    resources = JSON.parse(templates[`${base}.template.json`]).Resources;
    cfn = Object.values(resources);
    const start = registered.length;
    component = new DeploymentComponent(base, { definition, environment, platform: DeploymentPlatform.AWS });
    await settle();
    pulumiAws = registered.slice(start);
  });

  /** A CloudFormation value with references resolved to the physical names they point at. */
  const resolve = (x: unknown): unknown => {
    if (typeof x !== 'object' || x === null) return x;
    const o = x as Json;
    if (Array.isArray(o)) return o.map(resolve);
    if (o['Fn::Join']) return (o['Fn::Join'][1] as unknown[]).map(resolve).join(o['Fn::Join'][0]);
    const target = o.Ref ?? o['Fn::GetAtt']?.[0];
    // The version the update publishes: the Pulumi mock publishes every function as version 7.
    if (o['Fn::GetAtt']?.[1] === 'Version' && resources[target]?.Type === 'AWS::Lambda::Version') return PUBLISHED_VERSION;
    if (target && resources[target]) {
      const p = resources[target].Properties ?? {};
      return p.DeploymentGroupName ?? p.FunctionName ?? p.AlarmName ?? p.TopicName ?? p.ApplicationName ?? p.DeploymentConfigName ?? target;
    }
    if (o.Ref === 'AWS::AccountId') return '123456789012';
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, resolve(v)]));
  };
  const cfnOf = (type: string) => cfn.filter((r) => r.Type === type).map((r) => resolve(r.Properties) as Json);
  const pulumiOf = (type: string) => pulumiAws.filter((r) => r.type === type).map((r) => r.inputs);
  const topic = (arn: string) => /(payments-api-\w+-(critical|warning))$/.exec(arn)![1];

  test('the component deploys every part DeploymentStack deploys: no warning about missing parts', () => {
    expect(component.warnings.join('\n')).not.toMatch(/not deployed by the Pulumi target/);
    expect(component.schedule.backend).toBe('lambda-codedeploy');
  });

  test('every CloudWatch alarm: name, threshold, evaluation, missing data, metrics on the alias and actions', () => {
    const dims = (d: Json[] | undefined) => Object.fromEntries((d ?? []).map((x) => [x.Name, x.Value]));
    const fromCfn = cfnOf('AWS::CloudWatch::Alarm').map((p) => ({
      name: p.AlarmName,
      description: p.AlarmDescription.replace(`${base}.md#`, `${base}.pulumi.md#`),
      threshold: p.Threshold,
      comparisonOperator: p.ComparisonOperator,
      evaluationPeriods: p.EvaluationPeriods,
      datapointsToAlarm: p.DatapointsToAlarm,
      treatMissingData: p.TreatMissingData,
      metric: p.MetricName && {
        namespace: p.Namespace,
        metricName: p.MetricName,
        dimensions: dims(p.Dimensions),
        statistic: p.Statistic ?? p.ExtendedStatistic,
        period: p.Period,
      },
      queries: p.Metrics?.map((m: Json) => ({
        id: m.Id,
        expression: m.Expression,
        label: m.Label,
        returnData: m.ReturnData,
        metric: m.MetricStat && {
          namespace: m.MetricStat.Metric.Namespace,
          metricName: m.MetricStat.Metric.MetricName,
          dimensions: dims(m.MetricStat.Metric.Dimensions),
          period: m.MetricStat.Period,
          stat: m.MetricStat.Stat,
        },
      })),
      alarmActions: p.AlarmActions,
      okActions: p.OKActions ?? [],
    }));
    const fromPulumi = pulumiOf('aws:cloudwatch/metricAlarm:MetricAlarm').map((p) => ({
      name: p.name,
      description: p.alarmDescription,
      threshold: p.threshold,
      comparisonOperator: p.comparisonOperator,
      evaluationPeriods: p.evaluationPeriods,
      datapointsToAlarm: p.datapointsToAlarm,
      treatMissingData: p.treatMissingData,
      metric: p.metricName && {
        namespace: p.namespace,
        metricName: p.metricName,
        dimensions: p.dimensions,
        statistic: p.statistic ?? p.extendedStatistic,
        period: p.period,
      },
      queries: p.metricQueries,
      alarmActions: p.alarmActions.map(topic),
      okActions: (p.okActions ?? []).map(topic),
    }));
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect(fromPulumi.length).toBeGreaterThanOrEqual(5);
    expect(fromPulumi.sort(byName)).toEqual(fromCfn.sort(byName));
  });

  test('the function, its log group and its alias', () => {
    const f = cfnOf('AWS::Lambda::Function').find((p) => p.FunctionName === base)!;
    const variables = Object.keys(f.Environment.Variables);
    const logGroup = cfnOf('AWS::Logs::LogGroup').find((p) => p.LogGroupName === `/aws/lambda/${base}`)!;
    const alias = cfnOf('AWS::Lambda::Alias')[0];
    const p = pulumiOf('aws:lambda/function:Function').find((x) => x.name === base)!;
    const plog = pulumiOf('aws:cloudwatch/logGroup:LogGroup').find((x) => x.name === `/aws/lambda/${base}`)!;
    const palias = pulumiOf('aws:lambda/alias:Alias')[0];
    expect({
      name: p.name,
      runtime: p.runtime,
      handler: p.handler,
      memorySize: p.memorySize,
      timeout: p.timeout,
      tracing: p.tracingConfig.mode,
      variables: Object.keys(p.environment.variables).sort(),
      layers: p.layers,
      logGroup: { name: plog.name, retentionInDays: plog.retentionInDays },
      alias: palias.name,
    }).toEqual({
      name: f.FunctionName,
      runtime: f.Runtime,
      handler: f.Handler,
      memorySize: f.MemorySize,
      timeout: f.Timeout,
      tracing: f.TracingConfig.Mode,
      variables: variables.sort(),
      layers: f.Layers,
      logGroup: { name: logGroup.LogGroupName, retentionInDays: logGroup.RetentionInDays },
      alias: alias.Name,
    });
    // Every release publishes a version and keeps the old ones (CloudFormation: Retain on the version).
    expect(p.publish).toBe(true);
    expect(cfn.find((r) => r.Type === 'AWS::Lambda::Version')!.DeletionPolicy ?? 'Retain').toBe('Retain');
  });

  test('CodeDeploy: application, the custom deployment config of the plan, the group with auto-rollback and rollback alarms', () => {
    const app = cfnOf('AWS::CodeDeploy::Application')[0];
    const config = cfnOf('AWS::CodeDeploy::DeploymentConfig')[0];
    const group = cfnOf('AWS::CodeDeploy::DeploymentGroup')[0];
    const routing = config.TrafficRoutingConfig;
    const papp = pulumiOf('aws:codedeploy/application:Application')[0];
    const pconfig = pulumiOf('aws:codedeploy/deploymentConfig:DeploymentConfig')[0];
    const pgroup = pulumiOf('aws:codedeploy/deploymentGroup:DeploymentGroup')[0];
    const prouting = pconfig.trafficRoutingConfig;
    expect({
      application: { name: papp.name, platform: papp.computePlatform },
      config: {
        name: pconfig.deploymentConfigName,
        platform: pconfig.computePlatform,
        type: prouting.type,
        canary: prouting.timeBasedCanary && {
          interval: prouting.timeBasedCanary.interval,
          percentage: prouting.timeBasedCanary.percentage,
        },
        linear: prouting.timeBasedLinear && {
          interval: prouting.timeBasedLinear.interval,
          percentage: prouting.timeBasedLinear.percentage,
        },
      },
      group: {
        name: pgroup.deploymentGroupName,
        config: pgroup.deploymentConfigName,
        style: pgroup.deploymentStyle,
        autoRollback: { enabled: pgroup.autoRollbackConfiguration.enabled, events: [...pgroup.autoRollbackConfiguration.events].sort() },
        alarms: pgroup.alarmConfiguration && {
          names: [...pgroup.alarmConfiguration.alarms].sort(),
          enabled: pgroup.alarmConfiguration.enabled,
        },
      },
    }).toEqual({
      application: { name: app.ApplicationName, platform: app.ComputePlatform },
      config: {
        name: config.DeploymentConfigName,
        platform: config.ComputePlatform,
        type: routing.Type,
        canary: routing.TimeBasedCanary && {
          interval: routing.TimeBasedCanary.CanaryInterval,
          percentage: routing.TimeBasedCanary.CanaryPercentage,
        },
        linear: routing.TimeBasedLinear && {
          interval: routing.TimeBasedLinear.LinearInterval,
          percentage: routing.TimeBasedLinear.LinearPercentage,
        },
      },
      group: {
        name: group.DeploymentGroupName,
        config: group.DeploymentConfigName,
        style: { deploymentOption: group.DeploymentStyle.DeploymentOption, deploymentType: group.DeploymentStyle.DeploymentType },
        autoRollback: { enabled: group.AutoRollbackConfiguration.Enabled, events: [...group.AutoRollbackConfiguration.Events].sort() },
        alarms: group.AlarmConfiguration && {
          names: group.AlarmConfiguration.Alarms.map((a: Json) => a.Name).sort(),
          enabled: group.AlarmConfiguration.Enabled,
        },
      },
    });
  });

  test('feature flags: AppConfig application, environment monitors, profile, content, strategies and deployment', () => {
    expect(flagsOf(cfnOf, (a) => String(a))).toEqual(flagsOf(pulumiOf, (arn) => /(payments-api-[\w-]+)$/.exec(String(arn))![1]));
    expect(cfnOf('AWS::AppConfig::Application')).toHaveLength(definition.featureFlags.length > 0 ? 1 : 0);
  });

  test('the pre-traffic smoke-test hook: same checks, timeout and target version; CodeDeploy runs it before any traffic moves', () => {
    const hook = cfnOf('AWS::Lambda::Function').find((p) => p.FunctionName === `${base}-smoke-tests`)!;
    const phook = pulumiOf('aws:lambda/function:Function').find((x) => x.name === `${base}-smoke-tests`)!;
    expect({
      description: phook.description,
      timeout: phook.timeout,
      memorySize: phook.memorySize,
      runtime: phook.runtime,
      smokeTests: phook.environment.variables.SMOKE_TESTS,
    }).toEqual({
      description: hook.Description,
      timeout: hook.Timeout,
      memorySize: hook.MemorySize,
      runtime: hook.Runtime,
      smokeTests: hook.Environment.Variables.SMOKE_TESTS,
    });
    expect(phook.environment.variables.TARGET_VERSION).toMatch(new RegExp(`${base}:7$`));
    const aliasUpdate = cfn.find((r) => r.Type === 'AWS::Lambda::Alias')!.UpdatePolicy.CodeDeployLambdaAliasUpdate;
    expect(resolve(aliasUpdate.BeforeAllowTrafficHook)).toBe(`${base}-smoke-tests`);
    const shift = JSON.parse(pulumiOf('aws:lambda/invocation:Invocation')[0].input);
    expect(shift).toEqual({
      functionName: base,
      aliasName: 'live',
      targetVersion: '7',
      applicationName: resolve(aliasUpdate.ApplicationName),
      deploymentGroupName: resolve(aliasUpdate.DeploymentGroupName),
      beforeAllowTraffic: `${base}-smoke-tests`,
    });
  });
});
