import { simulateAlarm, type SimulatedAlarm } from '../cloudwatch-alarm-simulator';
import type { Resources } from './cloudformation-stack';
import { EcsService, type ServiceDeployment } from './ecs-service';
import { releaseFeed } from './scenario-feed';
import { seededRandom, type FailureProfile } from './traffic';

/**
 * Steps the release scenarios of both AWS targets share: read the service, scaling and alarms of
 * a template-shaped view (a synthesized template, or Pulumi resources through
 * `pulumi-resources.ts`), read the bounds the runbook states, deploy, and draw when an alarm fires.
 */

/** A template, or what `asTemplate` makes of Pulumi resources. */
export type Template = { Resources: Resources };

export const ofType = (t: Template, type: string) => Object.entries(t.Resources).filter(([, r]) => r.Type === type);

/** Peak and quiet traffic, requests per minute on the whole service. */
export const PEAK = 10_000;
export const QUIET = 60;

/** Seconds in a runbook duration such as "3m" or "90s". */
export function seconds(text: string): number {
  const m = /^(\d+)([smh])$/.exec(text);
  if (!m) throw new Error(`not a duration: ${text}`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h'];
}

/** The "fires about N after" the runbook's alarm table states for an alarm. */
export function statedDetection(runbook: string, alarmName: string): number {
  const row = runbook.split('\n').find((l) => l.startsWith(`| [${alarmName}]`) && /fires about/.test(l));
  const m = row && /fires about (\S+) after/.exec(row);
  if (!m) throw new Error(`the runbook states no detection time for ${alarmName}`);
  return seconds(m[1]);
}

/** How long the runbook waits for a deployment to settle ("polls up to 40m"). */
export function statedDeploymentBound(runbook: string): number {
  const m = /Wait for the service to settle \(polls up to (\S+):/.exec(runbook);
  if (!m) throw new Error('the runbook states no deployment wait');
  return seconds(m[1]);
}

/** The service's properties with alarm references resolved to alarm names, and a literal task definition. */
export function serviceProperties(t: Template, taskDefinition: string): Record<string, any> {
  const [[, service]] = ofType(t, 'AWS::ECS::Service');
  const p = JSON.parse(JSON.stringify(service.Properties));
  const alarms = p.DeploymentConfiguration?.Alarms;
  if (alarms)
    alarms.AlarmNames = alarms.AlarmNames.map((a: string | { Ref: string }) =>
      typeof a === 'string' ? a : t.Resources[a.Ref].Properties!.AlarmName,
    );
  return { ...p, TaskDefinition: taskDefinition };
}

/** The scalable target's range, when the template scales the service. */
export function scalingOf(t: Template): { min: number; max: number } | undefined {
  const [target] = ofType(t, 'AWS::ApplicationAutoScaling::ScalableTarget');
  return target ? { min: target[1].Properties!.MinCapacity, max: target[1].Properties!.MaxCapacity } : undefined;
}

/**
 * The rolling bake time ECS computes from the deployment alarms: the model assumes the longest
 * alarm window (evaluation periods × period) of the alarms the service names.
 */
export function alarmWindowSeconds(t: Template): number {
  const names: string[] = serviceProperties(t, 'v1').DeploymentConfiguration?.Alarms?.AlarmNames ?? [];
  const windows = ofType(t, 'AWS::CloudWatch::Alarm')
    .filter(([, a]) => names.includes(a.Properties!.AlarmName))
    .map(([, a]) => {
      const period =
        a.Properties!.Period ?? a.Properties!.Metrics.find((m: { MetricStat?: { Period: number } }) => m.MetricStat).MetricStat.Period;
      return a.Properties!.EvaluationPeriods * period;
    });
  return Math.max(0, ...windows);
}

/** A service as the stack's first deployment leaves it: created, then its scalable target registered. */
export function firstDeploy(t: Template): EcsService {
  const service = new EcsService(serviceProperties(t, 'v1'), 0, { alarmWindowSeconds: alarmWindowSeconds(t) });
  const scaling = scalingOf(t);
  if (scaling) service.registerScalableTarget(scaling.min, scaling.max);
  return service;
}

/** When the alarm first fires for a release whose traffic follows `service`'s schedule for `d`. */
export function firstAlarm(
  alarm: SimulatedAlarm,
  service: EcsService,
  d: ServiceDeployment,
  rate: number,
  candidate: FailureProfile,
  seed: number,
  stable: FailureProfile,
): number | undefined {
  const rolling = d.newGroup === service.productionTargetGroup && !service.weightSteps(d).some((s) => s.percent < 100);
  const feed = releaseFeed({
    ratePerMinute: rate,
    // Traffic of minute i is what the schedule gives at its middle.
    newPercent: (i) => service.newRevisionPercent(d, i * 60 + 30),
    newGroup: rolling ? undefined : d.newGroup,
    stable,
    candidate,
    random: seededRandom(seed),
  });
  return simulateAlarm(alarm, feed, { datapoints: Math.ceil(d.completesAt / 60) + 5 }).firstAlarmSeconds;
}
