import { z } from 'zod';
import { Duration } from '../duration';

/** Longest duration a field accepts: ten years, far beyond any bake, timeout or rotation. */
export const MAX_DURATION = Duration.days(3650);

/**
 * A duration written as `30s`, `5m`, `1h30m`, `7d`, or given as a `Duration` from TypeScript.
 * Normalizes to `Duration`.
 */
export const durationField = z
  .preprocess<string, z.ZodPipe<z.ZodString, z.ZodTransform<Duration, string>>, string | Duration>(
    (value) => (value instanceof Duration ? value.toString() : value),
    z
      .string({ error: 'is not a duration; write it as a string with a number and a unit s, m, h or d, e.g. "30s", "5m"' })
      .regex(Duration.PATTERN, {
        error: 'is not a duration; write it as a number and a unit s, m, h or d, e.g. "30s", "5m", "1h30m"',
      })
      .transform((text, ctx) => {
        const duration = Duration.parse(text);
        // A number of 400 digits is "Infinity" seconds; nothing a release waits for lasts ten years.
        if (duration === undefined || duration.toSeconds() > MAX_DURATION.toSeconds()) {
          ctx.addIssue({
            code: 'custom',
            input: text,
            message: `is longer than any duration a definition needs (at most "${MAX_DURATION}"); write a shorter one, e.g. "30m"`,
          });
          return z.NEVER;
        }
        return duration;
      }),
  )
  .meta({ id: 'Duration', description: 'A duration such as "30s", "5m", "1h30m" or "7d".' });

/**
 * A name that is valid as a Kubernetes label (RFC 1123) and inside CloudFormation/AWS names:
 * lower-case letters, digits and hyphens, starting with a letter, not ending with a hyphen.
 */
export function dnsLabel(maxLength: number) {
  return z
    .string()
    .max(maxLength, { error: `is longer than ${maxLength} characters; shorten it (it becomes part of AWS and Kubernetes names)` })
    .regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, {
      error:
        'is not a valid name; use lower-case letters, digits and hyphens, start with a letter and end with a letter or digit (e.g. "checkout")',
    });
}

/** A percentage between 0 and 100 inclusive. */
export const percent = z.number().min(0, { error: 'must be between 0 and 100' }).max(100, { error: 'must be between 0 and 100' });

/** A whole number greater than zero. */
export const positiveInt = z.number().int({ error: 'must be a whole number' }).positive({ error: 'must be greater than 0' });
