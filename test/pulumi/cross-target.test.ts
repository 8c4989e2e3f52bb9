import { DeploymentComponent, DeploymentPlatform } from '../../constructs/pulumi';
import { synthesizeAws } from '../../constructs/aws/synthesize';
import { synthesizeKubernetes } from '../../constructs/k8s/synthesize';
import { manifestObjects } from '../../constructs/pulumi/private/kubernetes-resources';
import { checkout, installMocks, network, settle, type Registered } from './helpers';

/*
 * One definition, three targets: the thresholds, weights, bake times and names a reviewer approves
 * in the definition are the same in the CloudFormation template (DeploymentStack), in the Kubernetes
 * manifests (DeploymentChart) and in the resources the Pulumi component registers.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const registered = installMocks('prod');
const definition = checkout();
const environments = definition.environments.map((e) => e.name);
// One app for all environments: synthesizing CloudFormation is the slow part of this file.
let templates: Record<string, string>;
beforeAll(() => {
  templates = synthesizeAws(definition).templates;
});

describe.each(environments.map((e) => [e]))('examples/checkout %s: CloudFormation, Kubernetes and Pulumi agree', (environment) => {
  const base = `checkout-${environment}`;
  let cfn: Json[];
  let pulumiAws: Registered[];
  let pulumiK8s: Registered[];

  beforeAll(async () => {
    const resources: Record<string, Json> = JSON.parse(templates[`${base}.template.json`]).Resources;
    // Resolve the references that matter for comparison to the physical names they point at.
    const nameOf = (ref: Json): string => {
      const logicalId = ref.Ref ?? ref['Fn::GetAtt']?.[0];
      const p = resources[logicalId].Properties;
      return p.AlarmName ?? p.TopicName ?? p.Name ?? logicalId;
    };
    let start = registered.length;
    const component = new DeploymentComponent(`${base}-aws`, { definition, environment, platform: DeploymentPlatform.AWS, network });
    await settle();
    // Parts the component declares it does not deploy (warnings, runbook note) are left out of the comparison.
    const missing = component.missingParts.map((p) => p.replace(/[^A-Za-z0-9]/g, ''));
    cfn = Object.entries(resources)
      .filter(([logicalId]) => !missing.some((m) => logicalId.startsWith(m)))
      .map(([, r]) => ({ ...r, nameOf }));
    for (const part of component.missingParts) expect(component.warnings.join('\n')).toContain(part);
    pulumiAws = registered.slice(start);
    start = registered.length;
    new DeploymentComponent(`${base}-k8s`, { definition, environment, platform: DeploymentPlatform.KUBERNETES });
    await settle();
    pulumiK8s = registered.slice(start);
  });

  const cfnOf = (type: string) => cfn.filter((r) => r.Type === type);
  const pulumiOf = (type: string) => pulumiAws.filter((r) => r.type === type).map((r) => r.inputs);
  /** A topic ARN (Pulumi mock) or `Ref` (CloudFormation) as the topic name. */
  const topic = (x: string | Json, r: Json) => (typeof x === 'string' ? /(checkout-\w+-(critical|warning))$/.exec(x)![1] : r.nameOf(x));

  test('every CloudWatch alarm: name, threshold, comparison, evaluation, missing data, metrics and actions', () => {
    const fromCfn = cfnOf('AWS::CloudWatch::Alarm').map((r) => {
      const p = r.Properties;
      const dims = (d: Json[] | undefined) => Object.fromEntries((d ?? []).map((x) => [x.Name, typeof x.Value === 'string' ? x.Value : x.Name === 'TargetGroup' ? 'TG' : 'LB']));
      return {
        name: p.AlarmName,
        description: p.AlarmDescription.replace(`${base}.md#`, `${base}.pulumi.md#`),
        threshold: p.Threshold,
        comparisonOperator: p.ComparisonOperator,
        evaluationPeriods: p.EvaluationPeriods,
        datapointsToAlarm: p.DatapointsToAlarm,
        treatMissingData: p.TreatMissingData,
        metric: p.MetricName && { namespace: p.Namespace, metricName: p.MetricName, dimensions: dims(p.Dimensions), statistic: p.Statistic, period: p.Period },
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
        alarmActions: p.AlarmActions.map((a: Json) => topic(a, r)),
        okActions: (p.OKActions ?? []).map((a: Json) => topic(a, r)),
      };
    });
    const fromPulumi = pulumiOf('aws:cloudwatch/metricAlarm:MetricAlarm').map((p) => {
      const dims = (d: Json | undefined) => Object.fromEntries(Object.entries(d ?? {}).map(([k, v]) => [k, k === 'LoadBalancer' ? 'LB' : k === 'TargetGroup' ? 'TG' : v]));
      return {
        name: p.name,
        description: p.alarmDescription,
        threshold: p.threshold,
        comparisonOperator: p.comparisonOperator,
        evaluationPeriods: p.evaluationPeriods,
        datapointsToAlarm: p.datapointsToAlarm,
        treatMissingData: p.treatMissingData,
        metric: p.metricName && { namespace: p.namespace, metricName: p.metricName, dimensions: dims(p.dimensions), statistic: p.statistic, period: p.period },
        queries: p.metricQueries?.map((q: Json) => ({ ...q, metric: q.metric && { ...q.metric, dimensions: dims(q.metric.dimensions) } })),
        alarmActions: p.alarmActions.map((a: string) => topic(a, {})),
        okActions: (p.okActions ?? []).map((a: string) => topic(a, {})),
      };
    });
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect(fromPulumi.length).toBeGreaterThanOrEqual(7);
    expect(fromPulumi.sort(byName)).toEqual(fromCfn.sort(byName));
  });

  test('the ECS service: strategy, weights, bake times, health percentages, deployment alarms, circuit breaker', () => {
    const r = cfnOf('AWS::ECS::Service')[0];
    const c = r.Properties.DeploymentConfiguration;
    const p = pulumiOf('aws:ecs/service:Service')[0];
    const minutes = (s: string | undefined) => (s === undefined ? undefined : Number(s));
    expect({
      name: p.name,
      desiredCount: p.desiredCount,
      strategy: p.deploymentConfiguration.strategy,
      bake: minutes(p.deploymentConfiguration.bakeTimeInMinutes),
      canary: p.deploymentConfiguration.canaryConfiguration && {
        percent: p.deploymentConfiguration.canaryConfiguration.canaryPercent,
        bake: minutes(p.deploymentConfiguration.canaryConfiguration.canaryBakeTimeInMinutes),
      },
      minimumHealthyPercent: p.deploymentMinimumHealthyPercent,
      maximumPercent: p.deploymentMaximumPercent,
      alarms: p.alarms,
      circuitBreaker: p.deploymentCircuitBreaker,
      healthCheckGracePeriodSeconds: p.healthCheckGracePeriodSeconds,
      alternateTargetGroup: p.loadBalancers[0].advancedConfiguration !== undefined,
    }).toEqual({
      name: r.Properties.ServiceName,
      desiredCount: r.Properties.DesiredCount,
      strategy: c.Strategy,
      bake: c.BakeTimeInMinutes,
      canary: c.CanaryConfiguration && { percent: c.CanaryConfiguration.CanaryPercent, bake: c.CanaryConfiguration.CanaryBakeTimeInMinutes },
      minimumHealthyPercent: c.MinimumHealthyPercent,
      maximumPercent: c.MaximumPercent,
      alarms: c.Alarms && { alarmNames: c.Alarms.AlarmNames.map((a: Json) => r.nameOf(a)), enable: c.Alarms.Enable, rollback: c.Alarms.Rollback },
      circuitBreaker: c.DeploymentCircuitBreaker && { enable: c.DeploymentCircuitBreaker.Enable, rollback: c.DeploymentCircuitBreaker.Rollback },
      healthCheckGracePeriodSeconds: r.Properties.HealthCheckGracePeriodSeconds,
      alternateTargetGroup: r.Properties.LoadBalancers[0].AdvancedConfiguration !== undefined,
    });
  });

  test('physical names: cluster, task family, log group, topics, generated secrets and their rotation', () => {
    const names = (type: string, key: string) => cfnOf(type).map((r) => r.Properties[key]).filter((n) => typeof n === 'string').sort();
    const pnames = (type: string, key: string) => pulumiOf(type).map((p) => p[key]).sort();
    expect(pnames('aws:ecs/cluster:Cluster', 'name')).toEqual(names('AWS::ECS::Cluster', 'ClusterName'));
    expect(pnames('aws:ecs/taskDefinition:TaskDefinition', 'family')).toEqual(names('AWS::ECS::TaskDefinition', 'Family'));
    expect(pnames('aws:sns/topic:Topic', 'name')).toEqual(names('AWS::SNS::Topic', 'TopicName'));
    expect(pnames('aws:secretsmanager/secret:Secret', 'name')).toEqual(names('AWS::SecretsManager::Secret', 'Name'));
    expect(pnames('aws:cloudwatch/dashboard:Dashboard', 'dashboardName')).toEqual(names('AWS::CloudWatch::Dashboard', 'DashboardName'));
    expect(pnames('aws:cloudwatch/logGroup:LogGroup', 'name')).toContain(`/ecs/${base}`);
    expect(pulumiOf('aws:secretsmanager/secretRotation:SecretRotation').map((p) => p.rotationRules.scheduleExpression)).toEqual(
      cfnOf('AWS::SecretsManager::RotationSchedule').map((r) => r.Properties.RotationRules.ScheduleExpression),
    );
    const scaling = cfnOf('AWS::ApplicationAutoScaling::ScalableTarget')[0]?.Properties;
    const target = pulumiOf('aws:appautoscaling/target:Target')[0];
    expect(target && { min: target.minCapacity, max: target.maxCapacity }).toEqual(scaling && { min: scaling.MinCapacity, max: scaling.MaxCapacity });
  });

  test('Kubernetes through Pulumi: exactly the objects of the manifest, with the same numbers as the ECS service and alarms', () => {
    const group = pulumiK8s.find((r) => r.type === 'kubernetes:yaml/v2:ConfigGroup')!;
    const objs: Json[] = group.inputs.objs;
    expect(objs).toEqual(manifestObjects(synthesizeKubernetes(definition, environment).manifest));

    const service = pulumiOf('aws:ecs/service:Service')[0].deploymentConfiguration;
    const alarm = (kind: string) => pulumiOf('aws:cloudwatch/metricAlarm:MetricAlarm').find((p) => p.name === `${base}-${kind}`)!;
    const rules: { alert: string; expr: string }[] = objs.find((o) => o.kind === 'PrometheusRule')!.spec.groups[0].rules;
    const threshold = (alert: string) => Number(/>= ([\d.]+)$/.exec(rules.find((r) => r.alert === alert)!.expr)![1]);
    expect(threshold('CriticalErrorRate') * 100).toBeCloseTo(alarm('critical-error-rate').threshold, 9);
    expect(threshold('WarningLatencyP95') * 1000).toBeCloseTo(alarm('warning-latency-p95').threshold, 9);

    const rollout = objs.find((o) => o.kind === 'Rollout');
    if (!rollout) {
      expect(service.strategy).toBe('ROLLING');
      return;
    }
    const { canary, blueGreen } = rollout.spec.strategy;
    if (blueGreen) {
      expect(service.strategy).toBe('BLUE_GREEN');
      expect(blueGreen.scaleDownDelaySeconds / 60).toBe(Number(service.bakeTimeInMinutes));
      return;
    }
    const steps: Json[] = canary.steps;
    const first = steps.find((s) => s.setWeight !== undefined)!.setWeight;
    expect(service.strategy).toBe('CANARY');
    expect(first).toBe(service.canaryConfiguration.canaryPercent);
    expect(steps[steps.findIndex((s) => s.setWeight === first) + 1].pause.duration).toBe(`${service.canaryConfiguration.canaryBakeTimeInMinutes}m`);
  });
});
