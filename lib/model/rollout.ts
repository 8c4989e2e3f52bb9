import { z } from 'zod';
import { Duration } from './duration';
import { durationField, percent } from './private/fields';

/**
 * How a new version replaces the old one.
 */
export enum RolloutStrategy {
  /** Start the new version beside the old one, validate it on a test route, then shift all traffic at once. */
  BLUE_GREEN = 'blue-green',
  /** Shift traffic to the new version in stages (the staged plan), baking at each. */
  CANARY = 'canary',
  /** Shift traffic in equal steps with equal bake times. */
  LINEAR = 'linear',
  /** Replace instances a few at a time; no traffic split between versions. */
  ROLLING = 'rolling',
  /** Stop the old version and start the new one (dev only: downtime). */
  ALL_AT_ONCE = 'all-at-once',
}

/** Strategies that move traffic through weighted stages. */
export const TRAFFIC_SHIFTING_STRATEGIES: readonly RolloutStrategy[] = [
  RolloutStrategy.BLUE_GREEN,
  RolloutStrategy.CANARY,
  RolloutStrategy.LINEAR,
];

/** One stage of a staged rollout. */
export const stageSchema = z
  .strictObject({
    /** Short name of the stage, e.g. `canary`. */
    name: z.string().min(1).describe('Short name of the stage, e.g. "canary".'),
    /** Share of production traffic on the new version during this stage (0–100). */
    trafficPercent: percent.describe(
      'Share of production traffic on the new version during this stage (0-100), greater than the previous stage.',
    ),
    /** How long the stage runs before the next one starts (the bake time). */
    bake: durationField.describe('How long the stage runs before the next one starts (the bake time), e.g. "10m".'),
    /** What must hold for the stage to pass. @default - from the standard plan */
    validation: z.string().min(1).optional().describe('What must hold for the stage to pass. Default: from the standard plan.'),
    /** What makes the stage roll back. @default - the alarm policy's rollback trigger */
    rollbackTrigger: z.string().min(1).optional().describe("What makes the stage roll back. Default: the alarm policy's rollback trigger."),
  })
  .describe('One stage of a staged rollout.');

/** A stage as validated. */
export type Stage = z.output<typeof stageSchema>;

/** Surge and availability limits for rolling updates. */
export const rollingSchema = z.strictObject({
  /** Extra capacity started during the update, in % of desired count. @default 100 */
  maxSurgePercent: percent.default(100).describe('Extra capacity started during the update, % of desired count. Default 100.'),
  /** Capacity allowed to be unavailable during the update, in % of desired count. @default 0 */
  maxUnavailablePercent: percent
    .default(0)
    .describe('Capacity allowed to be unavailable during the update, % of desired count. Default 0.'),
});

/** How one environment rolls out a new version. */
export const rolloutSchema = z.strictObject({
  /** The deployment pattern. */
  strategy: z
    .enum(RolloutStrategy)
    .describe(
      'The deployment pattern: "blue-green", "canary" (staged), "linear" (equal steps), "rolling" (containers only) or "all-at-once".',
    ),
  /**
   * The staged plan: traffic % strictly increasing, ending at 100.
   * @default - the standard five-stage plan for canary/linear, 0% → 100% for blue-green
   */
  stages: z
    .array(stageSchema)
    .min(1)
    .optional()
    .describe(
      'The staged plan: traffic % strictly increasing, ending at 100. Default: the standard five stages 0/5/25/50/100 for canary, 25% steps for linear, 0/100 for blue-green.',
    ),
  /** Limits for rolling updates. @default - 100% surge, 0% unavailable */
  rolling: rollingSchema.optional().describe('Limits for rolling updates. Default: 100% surge, 0% unavailable.'),
  /** Why this pattern was chosen, for the runbook's decision record. @default - none */
  rationale: z.string().min(1).optional().describe("Why this pattern was chosen, for the runbook's decision record."),
});

/**
 * The common five-stage practice: infrastructure 0% → canary 5% → partial 25% → majority 50% →
 * full 100%. The last bake is the rollback window during which the old version is kept.
 */
export function standardStages(): Stage[] {
  return [
    {
      name: 'infrastructure',
      trafficPercent: 0,
      bake: Duration.minutes(5),
      validation: 'New version healthy on the test route; migrations and configuration applied without errors',
      rollbackTrigger: 'Health checks fail or a migration fails',
    },
    {
      name: 'canary',
      trafficPercent: 5,
      bake: Duration.minutes(10),
      validation: 'Error rate at or below baseline; p99 latency within the critical threshold',
      rollbackTrigger: 'Error rate above 2x baseline, or any critical alarm',
    },
    {
      name: 'partial',
      trafficPercent: 25,
      bake: Duration.minutes(15),
      validation: 'Error rate and latency stable; no warning alarms',
      rollbackTrigger: 'Error rate above 2x baseline, or any critical alarm',
    },
    {
      name: 'majority',
      trafficPercent: 50,
      bake: Duration.minutes(15),
      validation: 'CPU and memory below warning thresholds at majority load',
      rollbackTrigger: 'Any critical alarm, or warning alarms sustained',
    },
    {
      name: 'full',
      trafficPercent: 100,
      bake: Duration.minutes(30),
      validation: 'All alarms OK through the rollback window; business metrics steady',
      rollbackTrigger: 'Any critical alarm before the window closes',
    },
  ];
}

/** Default stages for blue-green: validate on the test route, then all traffic. */
export function blueGreenStages(): Stage[] {
  const [infrastructure, , , , full] = standardStages();
  return [infrastructure, full];
}

/** The rollout of one environment, as validated and with defaults filled. */
export interface Rollout {
  readonly strategy: RolloutStrategy;
  /** The requested staged plan; empty for rolling and all-at-once, which do not split traffic. */
  readonly stages: readonly Stage[];
  readonly rolling: { readonly maxSurgePercent: number; readonly maxUnavailablePercent: number };
  readonly rationale?: string;
}
