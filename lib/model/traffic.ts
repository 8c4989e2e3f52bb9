import { z } from 'zod';

/**
 * Request rate an environment serves: what the detection-power model (`lib/plan/detection`)
 * judges every rollout step against. The quietest rate decides whether a small canary sees enough
 * requests to be judged at all; the peak decides how many requests a bad version hurts.
 */
export const trafficSchema = z
  .strictObject({
    /** Requests per second to the whole service at its busiest. */
    peakRequestsPerSecond: z
      .number()
      .positive({ error: 'must be greater than 0 (requests per second)' })
      .describe('Requests per second to the whole service (all versions) at its busiest.'),
    /**
     * Requests per second at the quietest time a release may run (the night, or the lowest rate
     * your release window allows).
     */
    quietRequestsPerSecond: z
      .number()
      .positive({ error: 'must be greater than 0 (requests per second)' })
      .describe('Requests per second at the quietest time a release may run: the night, or the lowest rate your release window allows.'),
  })
  .refine((t) => t.quietRequestsPerSecond <= t.peakRequestsPerSecond, {
    error: (issue) => {
      const t = issue.input as { quietRequestsPerSecond: number; peakRequestsPerSecond: number };
      return `quietRequestsPerSecond (${t.quietRequestsPerSecond}) is above peakRequestsPerSecond (${t.peakRequestsPerSecond}); the quietest rate must be at most the peak`;
    },
  })
  .describe(
    'Expected request rate of this environment, at peak and at the quietest time a release may run; rollout steps are checked against it. Default: 50/5 rps in production, 2/0.5 rps elsewhere (with a warning).',
  );

/** Traffic as written. */
export type TrafficInput = z.output<typeof trafficSchema>;

/** Traffic with the defaults filled. */
export interface Traffic {
  readonly peakRequestsPerSecond: number;
  readonly quietRequestsPerSecond: number;
  /** False when the definition said nothing and the environment kind's default applies. */
  readonly declared: boolean;
}

/**
 * Defaults per environment kind: a production service of modest size, and a pre-production
 * environment that sees little more than its own smoke tests and a few testers. Both are guesses,
 * which is why leaving them is a warning.
 */
export const DEFAULT_TRAFFIC = {
  production: { peakRequestsPerSecond: 50, quietRequestsPerSecond: 5 },
  other: { peakRequestsPerSecond: 2, quietRequestsPerSecond: 0.5 },
} as const;

/** The declared traffic, or the default of the environment kind. */
export function resolveTraffic(input: TrafficInput | undefined, production: boolean): Traffic {
  if (input) return { ...input, declared: true };
  return { ...DEFAULT_TRAFFIC[production ? 'production' : 'other'], declared: false };
}
