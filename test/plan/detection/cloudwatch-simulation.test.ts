import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { synthesizeAws } from '../../../constructs/aws/synthesize';
import { loadDefinitionFile, validateDefinition, type EnvironmentDefinition, type ServiceDefinition } from '../../../lib/model';
import { compileLambdaRollout } from '../../../lib/plan/rollout/codedeploy-schedule';
import { detectionReport } from '../../../lib/plan/detection/detection-plan';
import { compileEcsRollout } from '../../../lib/plan/rollout/ecs-schedule';
import { alarmFromTemplate, simulateAlarm, type MetricFeed } from '../../aws/support/cloudwatch-alarm-simulator';
import { exampleAws } from '../../support/example-outputs';
import { Random, recordResult, trialsPerScenario, exactInterval } from './support/random';

/*
 * Monte Carlo of the AWS rollback alarm, as synthesized, through the CloudWatch alarm simulator
 * (test/aws/support): Poisson arrivals per period at the declared rates, split by the schedule's
 * weights over time, errors by Poisson thinning; the measured detection and false-rollback rates
 * must agree with the detection model (lib/plan/detection) within the 99.9 % Wilson interval.
 * A long run, not in the default `npm test` (about half an hour on 2 cores, mostly the 0.1–1,000 rps
 * sweep): `GLIDEPATH_MC_TRIALS=40 npx jest test/plan/detection/cloudwatch-simulation.test.ts`. A short
 * run (below) is in the default `npm test`; so is the Argo Monte Carlo (argo-simulation.test.ts).
 */

const TRIALS = trialsPerScenario(40);
const EXAMPLES = path.join(__dirname, '..', '..', '..', 'examples');
const DEFINITIONS = [path.join(EXAMPLES, 'checkout', 'definition.yaml'), path.join(EXAMPLES, 'payments-api', 'definition.ts')].map((f) =>
  loadDefinitionFile(f),
);

interface Case {
  readonly def: ServiceDefinition;
  readonly env: EnvironmentDefinition;
}
// Synthesized once per example (every environment), as `cdk synth` does.
const TEMPLATES = new Map(process.env.GLIDEPATH_MC_TRIALS ? DEFINITIONS.map((d) => [d.service, synthesizeAws(d).templates]) : []);
const CASES: Case[] = (process.env.GLIDEPATH_MC_TRIALS ? DEFINITIONS : []).flatMap((def) =>
  def.environments.filter((e) => e.rollout.stages.length > 0).map((env) => ({ def, env })),
);

function scheduleOf({ def, env }: Case) {
  return def.workload.container ? compileEcsRollout(env).schedule : compileLambdaRollout(env).schedule;
}

/**
 * One simulated release: per period, requests and errors of each version. With `burst`, every
 * request of both versions fails in [from, from + seconds) (a dependency's blip), on top of the
 * ratios elsewhere in the period.
 */
function release(
  c: Case,
  rate: number,
  periodSeconds: number,
  periods: number,
  regressionFrom: number | undefined,
  random: Random,
  burst?: { readonly from: number; readonly seconds: number },
) {
  const steps = scheduleOf(c).steps;
  const trigger = c.env.alarms.rollbackTrigger;
  const starts: number[] = [];
  steps.reduce((t, s) => (starts.push(t), t + s.bake.toSeconds()), 0);
  const weightAt = (t: number) => {
    let w = steps[0].trafficPercent / 100;
    steps.forEach((s, i) => {
      if (t >= starts[i]) w = s.trafficPercent / 100;
    });
    return w;
  };
  return Array.from({ length: periods }, (_, k) => {
    // Periods line up with step boundaries (bakes are whole minutes).
    const t = k * periodSeconds;
    const w = weightAt(t);
    const canaryRatio =
      regressionFrom !== undefined && t >= regressionFrom ? trigger.errorRatePercent / 100 : trigger.baselineErrorRatePercent / 100;
    const stableRatio = trigger.baselineErrorRatePercent / 100;
    // Seconds of the period inside the burst: every request in them fails.
    const failing = burst ? Math.max(0, Math.min(t + periodSeconds, burst.from + burst.seconds) - Math.max(t, burst.from)) : 0;
    const n = rate * (periodSeconds - failing);
    const newErrors = random.poisson(n * w * canaryRatio) + random.poisson(rate * failing * w);
    const newOk = random.poisson(n * w * (1 - canaryRatio));
    const oldErrors = random.poisson(n * (1 - w) * stableRatio) + random.poisson(rate * failing * (1 - w));
    const oldOk = random.poisson(n * (1 - w) * (1 - stableRatio));
    return { new: { requests: newErrors + newOk, errors: newErrors }, old: { requests: oldErrors + oldOk, errors: oldErrors } };
  });
}

/** ALB and Lambda publish no datapoint for a count of zero. */
const datapoint = (n: number) => (n === 0 ? undefined : n);

function feed(_c: Case, traffic: ReturnType<typeof release>): MetricFeed {
  return (metric, i) => {
    const p = traffic[i];
    const { dimensions: d, metricName } = metric;
    const all = { requests: p.new.requests + p.old.requests, errors: p.new.errors + p.old.errors };
    if (metric.namespace === 'AWS/ApplicationELB') {
      // The regression is 5xx from the targets; the load balancer's own 5xx and connection errors stay at zero.
      if (metricName === 'HTTPCode_ELB_5XX_Count' || metricName === 'TargetConnectionErrorCount') return undefined;
      // The new version in the alternate target group (ECS swaps them every deployment).
      const v = d.TargetGroup === undefined ? all : d.TargetGroup.includes('AlternateTargetGroup') ? p.new : p.old;
      return datapoint(metricName === 'RequestCount' ? v.requests : v.errors);
    }
    if (metric.namespace === 'AWS/Lambda') {
      const v = d.ExecutedVersion !== undefined ? p.new : all;
      return datapoint(metricName === 'Invocations' ? v.requests : v.errors);
    }
    throw new Error(`unexpected metric ${metric.namespace}/${metricName}`);
  };
}

const LONG_RUN = Boolean(process.env.GLIDEPATH_MC_TRIALS);
if (!LONG_RUN) test.skip('AWS detection Monte Carlo: a long run, set GLIDEPATH_MC_TRIALS to run it', () => undefined);

if (LONG_RUN)
  describe.each(CASES.map((c) => [`${c.def.service}-${c.env.name}`, c] as const))(
    '%s: the rollback alarm as the model says',
    (stack, c) => {
      const schedule = scheduleOf(c);
      const report = detectionReport(c.env, { label: stack, environmentIndex: c.env.order, schedule })!;
      const template = JSON.parse(TEMPLATES.get(c.def.service)![`${stack}.template.json`]);
      const alarm = alarmFromTemplate(template, `${stack}-rollback-error-rate`);
      const P = alarm.periodSeconds;
      const delay = Math.min(P, 60);
      const starts: number[] = [];
      const end = schedule.steps.reduce((t, s) => (starts.push(t), t + s.bake.toSeconds()), 0);

      test('the template carries the gate the model judged', () => {
        expect(alarm.datapointsToAlarm).toBe(report.cloudWatchGate!.datapointsToAlarm);
        expect(alarm.evaluationPeriods).toBe(report.cloudWatchGate!.evaluationPeriods);
        expect(JSON.stringify(alarm.queries)).toContain(`>= ${report.cloudWatchGate!.minimumRequests},`);
      });

      const rates = [
        ['quietest', report.quietRequestsPerSecond],
        ['peak', report.peakRequestsPerSecond],
      ] as const;
      const judged = report.steps.map((s, i) => [s, i] as const).filter(([s]) => s.quiet !== undefined);

      describe.each(rates)('at the %s rate (%d rps)', (which, rate) => {
        test.each(judged.map(([s, i]) => [s.name, i] as const))('step "%s": measured detection agrees with the model', (_name, i) => {
          const modelled = which === 'peak' ? report.steps[i].peak! : report.steps[i].quiet!;
          const random = new Random(1000 + i * 17 + (which === 'peak' ? 1 : 0));
          const stepEnd = starts[i] + schedule.steps[i].bake.toSeconds();
          let caught = 0;
          for (let trial = 0; trial < TRIALS; trial++) {
            const traffic = release(c, rate, P, Math.ceil(stepEnd / P) + 1, starts[i], random);
            const r = simulateAlarm(alarm, feed(c, traffic), { datapoints: traffic.length, delaySeconds: delay });
            if (r.firstAlarmSeconds !== undefined && r.firstAlarmSeconds > starts[i] && r.firstAlarmSeconds <= stepEnd) caught++;
          }
          const [low, high] = exactInterval(caught, TRIALS);
          recordResult(`${stack} detection step ${report.steps[i].name} at ${which} ${rate} rps`, modelled, caught, TRIALS);
          expect(modelled).toBeGreaterThanOrEqual(low - 1e-9);
          expect(modelled).toBeLessThanOrEqual(high + 1e-9);
        });

        test('measured false rollbacks of a healthy release agree with the model', () => {
          const modelled = which === 'peak' ? report.falseRollback.peak : report.falseRollback.quiet;
          const random = new Random(77 + (which === 'peak' ? 1 : 0));
          let rolledBack = 0;
          for (let trial = 0; trial < TRIALS; trial++) {
            const traffic = release(c, rate, P, Math.ceil(end / P) + 1, undefined, random);
            const r = simulateAlarm(alarm, feed(c, traffic), { datapoints: traffic.length, delaySeconds: delay });
            if (r.firstAlarmSeconds !== undefined && r.firstAlarmSeconds <= end) rolledBack++;
          }
          const [low, high] = exactInterval(rolledBack, TRIALS);
          recordResult(`${stack} false rollback at ${which} ${rate} rps`, modelled, rolledBack, TRIALS);
          expect(modelled).toBeGreaterThanOrEqual(low - 1e-9);
          expect(modelled).toBeLessThanOrEqual(high + 1e-9);
        });
      });

      test("from 0.1 to 1,000 rps, the first traffic step's measured detection agrees with the model", () => {
        const [first] = judged[0];
        const i = report.steps.indexOf(first);
        const stepEnd = starts[i] + schedule.steps[i].bake.toSeconds();
        for (const rate of [0.1, 1, 10, 100, 1000]) {
          const modelled = detectionReport(
            { ...c.env, traffic: { peakRequestsPerSecond: rate, quietRequestsPerSecond: rate, declared: true } },
            {
              label: stack,
              environmentIndex: c.env.order,
              schedule,
            },
          )!;
          // The model chooses the per-period gate for that traffic; the synthesized alarm with that gate.
          const env = { ...c.env, traffic: { peakRequestsPerSecond: rate, quietRequestsPerSecond: rate, declared: true } };
          const def = { ...c.def, environments: c.def.environments.map((e) => (e.name === env.name ? env : e)) };
          const gate = modelled.cloudWatchGate!.minimumRequests;
          const a = {
            ...alarm,
            queries: alarm.queries.map((q) => (q.expression ? { ...q, expression: q.expression.replace(/>= \d+,/g, `>= ${gate},`) } : q)),
          };
          const random = new Random(4242 + rate);
          let caught = 0;
          for (let trial = 0; trial < TRIALS; trial++) {
            const traffic = release({ def, env }, rate, P, Math.ceil(stepEnd / P) + 1, starts[i], random);
            const r = simulateAlarm(a, feed(c, traffic), { datapoints: traffic.length, delaySeconds: delay });
            if (r.firstAlarmSeconds !== undefined && r.firstAlarmSeconds > starts[i] && r.firstAlarmSeconds <= stepEnd) caught++;
          }
          const [low, high] = exactInterval(caught, TRIALS);
          const p = modelled.steps[i].quiet!;
          recordResult(`${stack} detection step ${first.name} at ${rate} rps`, p, caught, TRIALS);
          if (p < low - 1e-9 || p > high + 1e-9)
            throw new Error(`${stack} at ${rate} rps: model ${p}, measured ${caught}/${TRIALS} (${low}–${high})`);
        }
      });
    },
  );

/*
 * The short default run: 300 seeded releases per check on one ECS and one Lambda example environment
 * at their quietest declared rate, through the simulator and the synthesized alarm (from the shared
 * example cache); the model must lie inside the 99.9 % Wilson interval of the measured rate (about
 * ±6 points at 90 % detection, 0 to 2.5 % for a false-rollback rate near 0). A few seconds of CPU.
 */
const SHORT_TRIALS = 300;
const SHORT_CASES = [
  ['checkout', 'staging'],
  ['payments-api', 'staging'],
] as const;

describe.each(SHORT_CASES)('short run: %s-%s at its quietest rate', (example, envName) => {
  const stack = `${example}-${envName}`;
  const def = loadDefinitionFile(path.join(EXAMPLES, example, example === 'checkout' ? 'definition.yaml' : 'definition.ts'));
  const env = def.environments.find((e) => e.name === envName)!;
  const c: Case = { def, env };
  const schedule = scheduleOf(c);
  const report = detectionReport(env, { label: stack, environmentIndex: env.order, schedule })!;
  const alarm = () =>
    alarmFromTemplate(JSON.parse(exampleAws(example).templates[`${stack}.template.json`]), `${stack}-rollback-error-rate`);
  const starts: number[] = [];
  const end = schedule.steps.reduce((t, s) => (starts.push(t), t + s.bake.toSeconds()), 0);
  const rate = report.quietRequestsPerSecond;
  const i = report.steps.findIndex((s) => s.quiet !== undefined);

  test(`the first traffic step's measured detection agrees with the model`, () => {
    const a = alarm();
    expect(JSON.stringify(a.queries)).toContain(`>= ${report.cloudWatchGate!.minimumRequests},`);
    const P = a.periodSeconds;
    const stepEnd = starts[i] + schedule.steps[i].bake.toSeconds();
    const random = new Random(2027 + i);
    let caught = 0;
    for (let trial = 0; trial < SHORT_TRIALS; trial++) {
      const traffic = release(c, rate, P, Math.ceil(stepEnd / P) + 1, starts[i], random);
      const r = simulateAlarm(a, feed(c, traffic), { datapoints: traffic.length, delaySeconds: Math.min(P, 60) });
      if (r.firstAlarmSeconds !== undefined && r.firstAlarmSeconds > starts[i] && r.firstAlarmSeconds <= stepEnd) caught++;
    }
    const [low, high] = exactInterval(caught, SHORT_TRIALS);
    const modelled = report.steps[i].quiet!;
    recordResult(`${stack} short run: detection step ${report.steps[i].name} at ${rate} rps`, modelled, caught, SHORT_TRIALS);
    expect(modelled).toBeGreaterThanOrEqual(low - 1e-9);
    expect(modelled).toBeLessThanOrEqual(high + 1e-9);
  });

  test('measured false rollbacks of a healthy release agree with the model', () => {
    const a = alarm();
    const P = a.periodSeconds;
    const random = new Random(2028);
    let rolledBack = 0;
    for (let trial = 0; trial < SHORT_TRIALS; trial++) {
      const traffic = release(c, rate, P, Math.ceil(end / P) + 1, undefined, random);
      const r = simulateAlarm(a, feed(c, traffic), { datapoints: traffic.length, delaySeconds: Math.min(P, 60) });
      if (r.firstAlarmSeconds !== undefined && r.firstAlarmSeconds <= end) rolledBack++;
    }
    const [low, high] = exactInterval(rolledBack, SHORT_TRIALS);
    recordResult(`${stack} short run: false rollback at ${rate} rps`, report.falseRollback.quiet, rolledBack, SHORT_TRIALS);
    expect(report.falseRollback.quiet).toBeGreaterThanOrEqual(low - 1e-9);
    expect(report.falseRollback.quiet).toBeLessThanOrEqual(high + 1e-9);
  });

  test('a healthy release with one 30-second burst at a random moment: measured rollbacks agree with the model', () => {
    const random = new Random(2029);
    const rolledBack = burstRollbacks(c, alarm(), rate, end, random);
    const [low, high] = exactInterval(rolledBack, SHORT_TRIALS);
    recordResult(`${stack} short run: burst rollback at ${rate} rps`, report.burstRollback.quiet, rolledBack, SHORT_TRIALS);
    expect(report.burstRollback.quiet).toBeGreaterThanOrEqual(low - 1e-9);
    expect(report.burstRollback.quiet).toBeLessThanOrEqual(high + 1e-9);
  });
});

/**
 * Healthy releases, each with one 30-second burst starting at a uniformly random moment (any real
 * number in [0, end − 30], not the model's grid of starts), through the alarm simulator: how many
 * the alarm rolls back within the release.
 */
function burstRollbacks(c: Case, a: ReturnType<typeof alarmFromTemplate>, rate: number, end: number, random: Random): number {
  const P = a.periodSeconds;
  let rolledBack = 0;
  for (let trial = 0; trial < SHORT_TRIALS; trial++) {
    const burst = { from: random.next() * (end - 30), seconds: 30 };
    const traffic = release(c, rate, P, Math.ceil(end / P) + 1, undefined, random, burst);
    const r = simulateAlarm(a, feed(c, traffic), { datapoints: traffic.length, delaySeconds: Math.min(P, 60) });
    if (r.firstAlarmSeconds !== undefined && r.firstAlarmSeconds <= end) rolledBack++;
  }
  return rolledBack;
}

describe('short run: a 2-of-3 rollback alarm and a 30-second burst (checkout-staging as it was)', () => {
  // The checkout example's staging alarm until 2026-12-05: 2 of 3 one-minute periods, a 12-minute
  // canary and a 10-minute bake. A burst across a minute's end breaches two periods; the model said
  // 0.7 % while its burst starts lay on the period grid.
  const raw = parseYaml(fs.readFileSync(path.join(EXAMPLES, 'checkout', 'definition.yaml'), 'utf8'));
  const staging = raw.environments[1];
  staging.alarms.rollbackTrigger.evaluation = { evaluationPeriods: 3, datapointsToAlarm: 2 };
  staging.rollout.stages[1].bake = '12m';
  staging.rollout.stages[2].bake = '10m';
  const def = validateDefinition(raw);
  const env = def.environments.find((e) => e.name === 'staging')!;
  const c: Case = { def, env };
  const schedule = scheduleOf(c);
  const report = detectionReport(env, { label: 'checkout-staging', environmentIndex: env.order, schedule })!;
  const end = schedule.steps.reduce((t, s) => t + s.bake.toSeconds(), 0);

  test('measured burst rollbacks agree with the model, far above the 1 % limit', () => {
    const a = alarmFromTemplate(
      JSON.parse(synthesizeAws(def, ['staging']).templates['checkout-staging.template.json']),
      'checkout-staging-rollback-error-rate',
    );
    expect([a.datapointsToAlarm, a.evaluationPeriods]).toEqual([2, 3]);
    const rolledBack = burstRollbacks(c, a, report.quietRequestsPerSecond, end, new Random(2030));
    const [low, high] = exactInterval(rolledBack, SHORT_TRIALS);
    recordResult('checkout-staging (2 of 3) short run: burst rollback', report.burstRollback.quiet, rolledBack, SHORT_TRIALS);
    expect(report.burstRollback.quiet).toBeGreaterThanOrEqual(low - 1e-9);
    expect(report.burstRollback.quiet).toBeLessThanOrEqual(high + 1e-9);
    // A 30-second burst crosses a minute's end half the time, and both minutes then breach unless
    // one keeps under a second of it (15 requests a second reach the canary: 2 % of 900 is 18).
    expect(low).toBeGreaterThan(0.3);
  });
});
