/*
 * Small definitions and hand-written schedules for the detection-report suites
 * (test/plan/detection/detection-report*.test.ts), and the searches their expected fixes are worked
 * with, by the model of support/minute-alarm.ts.
 */
import { validateDefinition, type EnvironmentDefinition } from '../../../../lib/model';
import { Duration } from '../../../../lib/model/duration';
import { RolloutStrategy } from '../../../../lib/model/rollout';
import type { Backend, CompiledSchedule } from '../../../../lib/plan/rollout/schedule';
import { judgeAt, type MinuteRelease } from './minute-alarm';

export interface EnvOptions {
  readonly baseline: number;
  readonly multiplier: number;
  readonly evaluation?: readonly [number, number];
  /** The rollback alarm's period. @default '1m' */
  readonly period?: string;
  readonly traffic?: { readonly peak: number; readonly quiet: number };
  readonly name?: string;
  readonly stages?: readonly string[];
  readonly alarms?: boolean;
}

/** A function service with one environment (the second when `name` is `prod`, after a `staging`). */
export function environment(o: EnvOptions): EnvironmentDefinition {
  const [m, n] = o.evaluation ?? [1, 1];
  const env = {
    name: o.name ?? 'staging',
    rollout: {
      strategy: 'canary',
      stages: (o.stages ?? ['canary']).map((name, i, all) => ({
        name,
        trafficPercent: i === all.length - 1 ? 100 : 10 * (i + 1),
        bake: '5m',
      })),
    },
    ...(o.traffic ? { traffic: { peakRequestsPerSecond: o.traffic.peak, quietRequestsPerSecond: o.traffic.quiet } } : {}),
    alarms: {
      ...(o.alarms === false ? { enabled: false } : {}),
      rollbackTrigger: {
        baselineErrorRatePercent: o.baseline,
        errorRateMultiplier: o.multiplier,
        evaluation: { period: o.period ?? '1m', evaluationPeriods: n, datapointsToAlarm: m },
      },
    },
  };
  const def = validateDefinition({
    service: 'payments',
    owners: { team: 'payments', primary: '@ana', backup: '@ben', channel: '#payments' },
    workload: { function: { runtime: 'nodejs22.x', handler: 'index.handler', code: 'dist' } },
    receivers: { critical: { enabled: false, reason: 'A test definition: nobody is paged' } },
    environments: o.name === 'prod' ? [{ name: 'staging', rollout: { strategy: 'canary' } }, env] : [env],
  });
  return def.environments[def.environments.length - 1];
}

/** A hand-written schedule: [name, traffic %, bake seconds] per step. */
export function schedule(backend: Backend, steps: readonly (readonly [string, number, number])[]): CompiledSchedule {
  const bakes = steps.map(([, , s]) => Duration.seconds(s));
  return {
    backend,
    strategy: RolloutStrategy.CANARY,
    steps: steps.map(([name, trafficPercent], i) => ({ name, trafficPercent, bake: bakes[i] })),
    deviations: [],
    unheldWaits: [],
    totalBake: Duration.seconds(steps.reduce((t, [, , s]) => t + s, 0)),
  };
}

/** The options of `payments-staging`, the first environment. */
export const options = (s: CompiledSchedule) => ({ label: 'payments-staging', environmentIndex: 0, schedule: s });

/** 1.05^142 ≥ 1,000 > 1.05^141: the grid of rates runs from quiet / 1.05^142 to quiet · 1.05^142. */
export const SPAN = 142;

/** The lowest rate on the grid at which step `index` catches the regression with 90 % by the model, to 3 digits (scanned upwards). */
export function lowestRate(r: MinuteRelease, a: { m: number; n: number; gate: number; delay: number }, quiet: number, index: number) {
  for (let i = 0; i <= 2 * SPAN; i++) {
    const rate = quiet * Math.pow(1.05, i - SPAN);
    if (judgeAt(r, a, rate).detection[index]! >= 0.9) return Number(rate.toPrecision(3));
  }
  return undefined;
}

/** The best detection of step `index` among the gates whose false rollbacks stay within 1 %, by the model (how a fix is judged). */
export function bestSafeDetection(r: MinuteRelease, m: number, n: number, rate: number, index: number, period = 60): number {
  let best = 0;
  for (const gate of [10, 30, 100, 300, 1000]) {
    const j = judgeAt(r, { m, n, gate, delay: 60, period }, rate);
    if (j.falseRollback <= 0.01) best = Math.max(best, j.detection[index]!);
  }
  return best;
}
