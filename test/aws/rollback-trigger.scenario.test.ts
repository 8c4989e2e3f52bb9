import * as path from 'node:path';
import { exampleAws } from '../support/example-outputs';
import { loadDefinitionFile, type ServiceDefinition } from '../../lib/model';
import { compileLambdaRollout } from '../../lib/plan/rollout/codedeploy-schedule';
import { compileEcsRollout } from '../../lib/plan/rollout/ecs-schedule';
import { alarmFromTemplate, simulateAlarm, type MetricFeed, type MetricRef } from './support/cloudwatch-alarm-simulator';

/**
 * The rollback trigger under CloudWatch's alarm semantics, fed with per-target-group (ECS) and
 * per-version (Lambda) traffic: the alarms are read from the synthesized templates and their
 * metric math is evaluated as written, for every environment of every AWS example.
 */

const EXAMPLES = path.join(__dirname, '..', '..', 'examples');
const FILES = [path.join(EXAMPLES, 'checkout', 'definition.yaml'), path.join(EXAMPLES, 'payments-api', 'definition.ts')];
const DEFINITIONS = FILES.map((f) => loadDefinitionFile(f));
const ARTIFACTS = new Map(DEFINITIONS.map((d, i) => [d.service, exampleAws(FILES[i])]));

/** Requests per minute on the service as a whole. */
const TRAFFIC = 10_000;
/** Periods (of the alarm simulated: 1 or 2 minutes) of stable traffic before the new version gets any. */
const WARM_UP = 10;
/** Minutes simulated after the shift. */
const AFTER = 60;

type Version = 'stable' | 'new';

interface Scenario {
  /** Share of traffic on the new version once it is shifted, %. */
  readonly weight: number;
  readonly newErrorPercent: number;
  readonly stableErrorPercent: number;
  /** Which target group holds the new version (ECS swaps them at every deployment). */
  readonly newGroup: 'Primary' | 'Alternate';
  /** Requests (all failing) reaching a target group that serves no production traffic, per minute. */
  readonly strayRequests?: number;
  /** Rolling updates: old and new tasks share one target group. */
  readonly singleGroup?: boolean;
}

/** Requests and errors per version in period `i` (a datapoint): the shift happens at period WARM_UP. */
function traffic(s: Scenario, i: number): Record<Version, { requests: number; errors: number }> {
  const weight = i < WARM_UP ? 0 : s.weight;
  const newRequests = Math.round((TRAFFIC * weight) / 100);
  const stableRequests = TRAFFIC - newRequests;
  return {
    new: { requests: newRequests, errors: Math.round((newRequests * s.newErrorPercent) / 100) },
    stable: { requests: stableRequests, errors: Math.round((stableRequests * s.stableErrorPercent) / 100) },
  };
}

/** ALB and Lambda publish no datapoint for a count of zero. */
const datapoint = (n: number) => (n === 0 ? undefined : n);

function feedFor(s: Scenario): MetricFeed {
  return (metric: MetricRef, i: number) => {
    const t = traffic(s, i);
    const { dimensions: d, metricName } = metric;
    if (metric.namespace === 'AWS/ApplicationELB') {
      // These scenarios fail with target 5xx only; connection errors are in release-scenarios.
      if (metricName === 'HTTPCode_ELB_5XX_Count' || metricName === 'TargetConnectionErrorCount') return undefined;
      const pick = (v: { requests: number; errors: number }) => datapoint(metricName === 'RequestCount' ? v.requests : v.errors);
      const stray = s.strayRequests ?? 0;
      const all = { requests: t.new.requests + t.stable.requests, errors: t.new.errors + t.stable.errors };
      if (d.TargetGroup === undefined) {
        return pick({ requests: all.requests + stray, errors: all.errors + stray });
      }
      if (s.singleGroup) {
        return pick(all);
      }
      const serving = d.TargetGroup.includes(`${s.newGroup}TargetGroup`) ? t.new : t.stable;
      const idle = serving.requests === 0 ? stray : 0;
      return pick({ requests: serving.requests + idle, errors: serving.errors + idle });
    }
    if (metric.namespace === 'AWS/Lambda') {
      const v =
        d.ExecutedVersion !== undefined ? t.new : { requests: t.new.requests + t.stable.requests, errors: t.new.errors + t.stable.errors };
      return datapoint(metricName === 'Invocations' ? v.requests : v.errors);
    }
    throw new Error(`unexpected metric ${metric.namespace}/${metricName}`);
  };
}

/** Seconds in a runbook duration such as "3m" or "90s". */
function seconds(text: string): number {
  const m = /^(\d+)([smh])$/.exec(text);
  if (!m) throw new Error(`not a duration: ${text}`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h'];
}

/** The "fires about N" the runbook states for an alarm, in seconds. */
function statedBound(runbook: string, alarmName: string): number {
  // The alarm's row in the alarm table (the triage table lists the alarm too, without its condition).
  const m = runbook
    .split('\n')
    .filter((l) => l.startsWith(`| [${alarmName}]`))
    .map((row) => /fires about (\S+) after/.exec(row))
    .find((match) => match !== null);
  if (!m) throw new Error(`the runbook states no detection time for ${alarmName}`);
  return seconds(m[1]);
}

/** Traffic weights the new version runs at: each step that carries traffic (rolling: all of it). */
function weightsOf(def: ServiceDefinition, environment: string): number[] {
  const env = def.environments.find((e) => e.name === environment)!;
  const schedule = def.workload.container ? compileEcsRollout(env).schedule : compileLambdaRollout(env).schedule;
  const weights = schedule.steps.map((s) => s.trafficPercent).filter((w) => w > 0);
  return weights.length > 0 ? weights : [100];
}

const CASES = DEFINITIONS.flatMap((def) =>
  def.environments.filter((e) => e.alarms.enabled).flatMap((env) => weightsOf(def, env.name).map((weight) => ({ def, env, weight }))),
);

describe('rollback trigger scenarios for every AWS example environment', () => {
  test('covers both examples and every environment', () => {
    expect([...new Set(CASES.map((c) => `${c.def.service}-${c.env.name}`))]).toEqual([
      'checkout-dev',
      'checkout-staging',
      'checkout-prod',
      'payments-api-staging',
      'payments-api-prod',
    ]);
  });

  describe.each(CASES.map((c) => [`${c.def.service}-${c.env.name}`, c.weight, c] as const))(
    '%s at %d%% traffic',
    (stack, weight, { def, env }) => {
      const artifacts = ARTIFACTS.get(def.service)!;
      const template = JSON.parse(artifacts.templates[`${stack}.template.json`]);
      const runbook = artifacts.runbooks[Object.keys(artifacts.runbooks).find((k) => k === `${stack}.md`)!];
      const trigger = env.alarms.rollbackTrigger;
      const rollback = alarmFromTemplate(template, `${stack}-rollback-error-rate`);
      const critical = alarmFromTemplate(template, `${stack}-critical-error-rate`);
      const singleGroup = !Object.keys(template.Resources).some((id) => id.includes('AlternateTargetGroup'));
      const groups = def.workload.container && !singleGroup ? (['Primary', 'Alternate'] as const) : (['Primary'] as const);

      test.each(groups)(
        'errors at the multiplier × baseline on the new version trip the rollback alarm within the runbook bound (new version in the %s target group)',
        (newGroup) => {
          const bad: Scenario = {
            weight,
            newErrorPercent: trigger.errorRatePercent,
            stableErrorPercent: trigger.baselineErrorRatePercent,
            newGroup,
            singleGroup,
          };
          const result = simulateAlarm(rollback, feedFor(bad), { datapoints: WARM_UP + AFTER });
          expect(result.firstAlarmSeconds).toBeDefined();
          // Feed index i is the alarm's i-th period (2 minutes for payments-api since the detection
          // merge), so the shift happens WARM_UP periods in, not WARM_UP minutes.
          const afterShift = result.firstAlarmSeconds! - WARM_UP * rollback.periodSeconds;
          const bound = statedBound(runbook, rollback.name);
          expect(afterShift).toBeGreaterThan(0);
          expect(afterShift).toBeLessThanOrEqual(bound);
          // The stack's own summary of automatic rollback states the same time.
          expect(runbook).toMatch(new RegExp(`the rollback alarm fires about ${bound / 60}m after`, 'i'));
        },
      );

      test.each(groups)(
        'a healthy new version (at the baseline) trips neither the rollback nor the critical alarm (%s target group)',
        (newGroup) => {
          const healthy: Scenario = {
            weight,
            newErrorPercent: trigger.baselineErrorRatePercent,
            stableErrorPercent: trigger.baselineErrorRatePercent,
            newGroup,
            singleGroup,
          };
          expect(simulateAlarm(rollback, feedFor(healthy), { datapoints: WARM_UP + AFTER }).firstAlarmSeconds).toBeUndefined();
          expect(simulateAlarm(critical, feedFor(healthy), { datapoints: WARM_UP + AFTER }).firstAlarmSeconds).toBeUndefined();
        },
      );

      if (def.workload.container && !singleGroup) {
        test('a nearly idle target group (a few failing requests a minute) never trips it', () => {
          const idle: Scenario = { weight, newErrorPercent: 0, stableErrorPercent: 0, newGroup: 'Alternate', strayRequests: 3 };
          // Before the shift the alternate group serves nothing; at 100% the primary one serves nothing.
          expect(simulateAlarm(rollback, feedFor(idle), { datapoints: WARM_UP + AFTER }).firstAlarmSeconds).toBeUndefined();
        });
      }
    },
  );
});

describe('the simulator can fail', () => {
  test('a service-wide error rate (the old signal) misses a 5% canary at 2× baseline', () => {
    const lbWide = {
      name: 'lb-wide',
      periodSeconds: 60,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      threshold: 2,
      comparison: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
      queries: [
        {
          id: 'errors',
          metric: { namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_Target_5XX_Count', dimensions: {}, stat: 'Sum' },
          returnData: false,
        },
        {
          id: 'requests',
          metric: { namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', dimensions: {}, stat: 'Sum' },
          returnData: false,
        },
        { id: 'rate', expression: 'IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)', returnData: true },
      ],
    };
    const bad: Scenario = { weight: 5, newErrorPercent: 2, stableErrorPercent: 1, newGroup: 'Alternate' };
    expect(simulateAlarm(lbWide, feedFor(bad), { datapoints: WARM_UP + AFTER }).firstAlarmSeconds).toBeUndefined();
  });
});
