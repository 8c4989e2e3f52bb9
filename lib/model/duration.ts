/**
 * A span of time, independent of any deployment target.
 *
 * aws-cdk-lib and cdk8s each have their own `Duration`; the model keeps its own so that `lib/`
 * stays target-free, and constructs convert at the edges (`toSeconds()`).
 */
export class Duration {
  /** A duration of `amount` seconds. */
  public static seconds(amount: number): Duration {
    return new Duration(amount);
  }

  /** A duration of `amount` minutes. */
  public static minutes(amount: number): Duration {
    return new Duration(amount * 60);
  }

  /** A duration of `amount` hours. */
  public static hours(amount: number): Duration {
    return new Duration(amount * 3600);
  }

  /** A duration of `amount` days. */
  public static days(amount: number): Duration {
    return new Duration(amount * 86400);
  }

  /**
   * Parses the compact notation used in YAML/JSON definitions: one or more `<number><unit>` parts
   * with units `s`, `m`, `h`, `d` (`30s`, `5m`, `1h30m`, `30d`). Returns `undefined` when the text
   * is not in that notation or too large to be a finite number of seconds, so callers can report the
   * field that held it.
   */
  public static parse(text: string): Duration | undefined {
    const trimmed = text.trim();
    if (!Duration.PATTERN.test(trimmed)) {
      return undefined;
    }
    let total = 0;
    for (const [, amount, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)([smhd])/g)) {
      total += Number(amount) * Duration.UNIT_SECONDS[unit as 's' | 'm' | 'h' | 'd'];
    }
    // Hundreds of digits overflow to Infinity: not a duration, and the caller names the field.
    return Number.isFinite(total) ? new Duration(total) : undefined;
  }

  /** The notation `parse()` accepts, as a regular expression (also used in the JSON Schema). */
  public static readonly PATTERN = /^(\d+(?:\.\d+)?[smhd])+$/;

  private static readonly UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;

  private constructor(private readonly totalSeconds: number) {
    if (!Number.isFinite(totalSeconds)) {
      throw new Error(`Duration must be a finite number of seconds, got ${totalSeconds}`);
    }
  }

  /** The duration in seconds (may be fractional). */
  public toSeconds(): number {
    return this.totalSeconds;
  }

  /** The duration in minutes (may be fractional). */
  public toMinutes(): number {
    return this.totalSeconds / 60;
  }

  /** Whether this duration is a whole number of minutes (what ECS and CodeDeploy accept). */
  public isWholeMinutes(): boolean {
    return Number.isInteger(this.totalSeconds / 60);
  }

  /** The sum of this duration and `other`. */
  public plus(other: Duration): Duration {
    return new Duration(this.totalSeconds + other.totalSeconds);
  }

  /** This duration multiplied by `factor`. */
  public times(factor: number): Duration {
    return new Duration(this.totalSeconds * factor);
  }

  /** Compact human form in the same notation `parse()` reads: `1h30m`, `45s`, `0s`. */
  public toString(): string {
    let rest = this.totalSeconds;
    if (rest === 0) {
      return '0s';
    }
    const parts: string[] = [];
    for (const [unit, size] of [
      ['d', 86400],
      ['h', 3600],
      ['m', 60],
    ] as const) {
      const whole = Math.floor(rest / size);
      if (whole > 0) {
        parts.push(`${whole}${unit}`);
        rest -= whole * size;
      }
    }
    if (rest > 0) {
      parts.push(`${Number(rest.toFixed(3))}s`);
    }
    return parts.join('');
  }

  /** Serialises as the compact notation, so normalized definitions round-trip through JSON. */
  public toJSON(): string {
    return this.toString();
  }
}

/** The sum of several durations (zero for none). */
export function sumDurations(durations: readonly Duration[]): Duration {
  return durations.reduce((acc, d) => acc.plus(d), Duration.seconds(0));
}
