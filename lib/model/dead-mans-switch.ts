import { z } from 'zod';
import { Duration } from './duration';
import { durationField } from './private/fields';

/** What signal proves the service is alive. */
export enum HeartbeatSource {
  /** Metrics the platform publishes while the workload runs (ECS CPU, Lambda invocations). */
  PLATFORM_METRICS = 'platform-metrics',
  /** A `Heartbeat` metric the service publishes itself at least once a minute. */
  HEARTBEAT = 'heartbeat',
}

/** Alert when no heartbeat or metrics arrive for a while: missing data is breaching. */
export const deadMansSwitchSchema = z
  .strictObject({
    /** Set to false to disable (refused for production environments). @default true */
    enabled: z.boolean().optional().describe('Set to false to disable (refused for production environments). Default true.'),
    /** How long without data before the alarm fires. @default 5m */
    missingFor: durationField.optional().describe('How long without data before the alarm fires; whole minutes. Default "5m".'),
    /** Which signal to watch. @default platform-metrics */
    source: z
      .enum(HeartbeatSource)
      .optional()
      .describe(
        'Which signal to watch: "platform-metrics" (ECS CPU, Lambda invocations) or "heartbeat" (a Heartbeat metric the service publishes). Default "platform-metrics".',
      ),
  })
  .describe("Dead-man's switch: alert when no heartbeat or metrics arrive for a while (missing data is breaching).");

/** The dead-man's switch, resolved. */
export interface DeadMansSwitchPolicy {
  readonly enabled: boolean;
  readonly missingFor: Duration;
  readonly source: HeartbeatSource;
}

/** Merges switch settings, later ones winning, over the defaults (enabled, 5 minutes, platform metrics). */
export function resolveDeadMansSwitch(...layers: (z.output<typeof deadMansSwitchSchema> | undefined)[]): DeadMansSwitchPolicy {
  const merged = Object.assign({}, ...layers.filter((l) => l !== undefined));
  return {
    enabled: merged.enabled ?? true,
    missingFor: merged.missingFor ?? Duration.minutes(5),
    source: merged.source ?? HeartbeatSource.PLATFORM_METRICS,
  };
}
