import { z } from 'zod';
import { Duration } from './duration';
import { durationField, percent, positiveInt } from './private/fields';

/** How long a condition must hold before an alarm fires. */
export const evaluationSchema = z
  .strictObject({
    /**
     * Length of one datapoint. 10s/30s need high-resolution metrics, which only metrics the service
     * publishes itself have; platform metrics use 1 minute or more.
     * @default 1m
     */
    period: durationField
      .optional()
      .describe(
        'Length of one datapoint: "10s" or "30s" (high-resolution metrics the service publishes itself) or whole minutes. Default "1m".',
      ),
    /** Datapoints considered. @default 3 */
    evaluationPeriods: positiveInt.optional().describe('Datapoints considered. Default 3 (2 for the rollback trigger).'),
    /** Datapoints among them that must breach. @default evaluationPeriods */
    datapointsToAlarm: positiveInt
      .optional()
      .describe('Datapoints among them that must breach; at most evaluationPeriods. Default evaluationPeriods.'),
  })
  .describe('How long a condition must hold before an alarm fires.');

/**
 * The alarm policy: thresholds with defaults from common practice. Every field is optional; an
 * environment's policy is merged over the service's, which is merged over these defaults.
 */
export const alarmPolicySchema = z
  .strictObject({
    /** Set to false to run without alarms (refused for production environments). @default true */
    enabled: z.boolean().optional().describe('Set to false to run without alarms (refused for production environments). Default true.'),
    /** Critical alarms page the on-call. */
    critical: z
      .strictObject({
        /** 5xx share of requests, %. @default 5 */
        errorRatePercent: percent.optional().describe('Page when the 5xx share of requests is above this, %. Default 5.'),
        /** p99 latency, milliseconds. @default 5000 */
        p99LatencyMs: positiveInt.optional().describe('Page when p99 latency is above this, milliseconds. Default 5000.'),
      })
      .optional()
      .describe('Critical alarms page the on-call.'),
    /** Warning alarms notify the channel. */
    warning: z
      .strictObject({
        /** 5xx share of requests, %. @default 2 */
        errorRatePercent: percent
          .optional()
          .describe('Notify when the 5xx share of requests is above this, %; below critical.errorRatePercent. Default 2.'),
        /** p95 latency, milliseconds. @default 2000 */
        p95LatencyMs: positiveInt
          .optional()
          .describe('Notify when p95 latency is above this, milliseconds; below critical.p99LatencyMs. Default 2000.'),
        /** CPU utilization, %. @default 80 */
        cpuPercent: percent.optional().describe('Notify when CPU utilization is above this, %. Default 80.'),
        /** Memory utilization, %. @default 80 */
        memoryPercent: percent.optional().describe('Notify when memory utilization is above this, %. Default 80.'),
      })
      .optional()
      .describe('Warning alarms notify the channel.'),
    /**
     * The aggressive alarm that rolls a deployment back: error rate above `errorRateMultiplier` ×
     * the baseline, evaluated on short periods.
     */
    rollbackTrigger: z
      .strictObject({
        /** Normal error rate of the service, %. @default 1 */
        baselineErrorRatePercent: percent.optional().describe('Normal error rate of the service, %. Default 1.'),
        /** Roll back above this multiple of the baseline. @default 2 */
        errorRateMultiplier: z
          .number()
          .gt(1, { error: 'must be greater than 1' })
          .optional()
          .describe('Roll back when the error rate is above this multiple of the baseline. Default 2.'),
        /** Evaluation of the rollback alarm. @default 1m period, 2 of 2 datapoints */
        evaluation: evaluationSchema.optional().describe('Evaluation of the rollback alarm. Default 1m period, 2 of 2 datapoints.'),
      })
      .optional()
      .describe(
        'The aggressive alarm that rolls a deployment back: error rate above errorRateMultiplier x the baseline, on short periods.',
      ),
    /** Evaluation of critical and warning alarms. @default 1m period, 3 of 3 datapoints */
    evaluation: evaluationSchema.optional().describe('Evaluation of critical and warning alarms. Default 1m period, 3 of 3 datapoints.'),
  })
  .describe(
    "Alarm thresholds. Every field is optional; an environment's policy is merged over the service's, which is merged over common-practice defaults.",
  );

/** Evaluation settings, resolved. */
export interface Evaluation {
  readonly period: Duration;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
}

/** An alarm policy with every default filled. */
export interface AlarmPolicy {
  readonly enabled: boolean;
  readonly critical: { readonly errorRatePercent: number; readonly p99LatencyMs: number };
  readonly warning: {
    readonly errorRatePercent: number;
    readonly p95LatencyMs: number;
    readonly cpuPercent: number;
    readonly memoryPercent: number;
  };
  readonly rollbackTrigger: {
    readonly baselineErrorRatePercent: number;
    readonly errorRateMultiplier: number;
    /** baseline × multiplier, the threshold the rollback alarm uses. */
    readonly errorRatePercent: number;
    readonly evaluation: Evaluation;
  };
  readonly evaluation: Evaluation;
}

/** An alarm policy as written: every field optional. */
export type AlarmPolicyInput = z.output<typeof alarmPolicySchema>;

/**
 * Merges policies, later ones winning field by field, over the defaults of common practice:
 * critical error rate > 5 %, p99 > 5 s; warning error rate > 2 %, p95 > 2 s, CPU/memory > 80 %;
 * rollback above 2 × a 1 % baseline.
 */
export function resolveAlarmPolicy(...layers: (AlarmPolicyInput | undefined)[]): AlarmPolicy {
  const pick = <T>(get: (p: AlarmPolicyInput) => T | undefined, fallback: T): T => {
    let value = fallback;
    for (const layer of layers) {
      const v = layer === undefined ? undefined : get(layer);
      if (v !== undefined) {
        value = v;
      }
    }
    return value;
  };
  const evaluation = (
    get: (p: AlarmPolicyInput) => z.output<typeof evaluationSchema> | undefined,
    defaults: { period: Duration; evaluationPeriods: number },
  ): Evaluation => {
    const evaluationPeriods = pick((p) => get(p)?.evaluationPeriods, defaults.evaluationPeriods);
    return {
      period: pick((p) => get(p)?.period, defaults.period),
      evaluationPeriods,
      datapointsToAlarm: pick((p) => get(p)?.datapointsToAlarm, evaluationPeriods),
    };
  };
  const baselineErrorRatePercent = pick((p) => p.rollbackTrigger?.baselineErrorRatePercent, 1);
  const errorRateMultiplier = pick((p) => p.rollbackTrigger?.errorRateMultiplier, 2);
  return {
    enabled: pick((p) => p.enabled, true),
    critical: {
      errorRatePercent: pick((p) => p.critical?.errorRatePercent, 5),
      p99LatencyMs: pick((p) => p.critical?.p99LatencyMs, 5000),
    },
    warning: {
      errorRatePercent: pick((p) => p.warning?.errorRatePercent, 2),
      p95LatencyMs: pick((p) => p.warning?.p95LatencyMs, 2000),
      cpuPercent: pick((p) => p.warning?.cpuPercent, 80),
      memoryPercent: pick((p) => p.warning?.memoryPercent, 80),
    },
    rollbackTrigger: {
      baselineErrorRatePercent,
      errorRateMultiplier,
      errorRatePercent: Number((baselineErrorRatePercent * errorRateMultiplier).toFixed(3)),
      evaluation: evaluation((p) => p.rollbackTrigger?.evaluation, { period: Duration.minutes(1), evaluationPeriods: 2 }),
    },
    evaluation: evaluation((p) => p.evaluation, { period: Duration.minutes(1), evaluationPeriods: 3 }),
  };
}
