import type { SpawnSyncReturns } from 'node:child_process';
import * as os from 'node:os';

/**
 * Time limits that a slow machine does not reach by being slow. A limit in the tests is what the
 * step takes on an idle 2-core machine with generous headroom; it is multiplied by
 * `GLIDEPATH_TIMEOUT_SCALE` when set (`0` means no limit), else by the load average per core at the
 * moment the limit is taken (at least 1): on a machine shared by ten processes a step may take ten
 * times as long and still be healthy, while a hung step on an idle machine is stopped at the base
 * figure. A limit that fires says so, with the figures and how to skip or stretch it.
 */

/** The factor limits are multiplied by now; `Infinity` for `GLIDEPATH_TIMEOUT_SCALE=0`. */
export function timeoutScale(): number {
  const configured = process.env.GLIDEPATH_TIMEOUT_SCALE;
  if (configured !== undefined && configured !== '') {
    const scale = Number(configured);
    if (!Number.isFinite(scale) || scale < 0) throw new Error(`GLIDEPATH_TIMEOUT_SCALE is "${configured}"; use a number ≥ 0 (0: no limit)`);
    return scale === 0 ? Infinity : scale;
  }
  return Math.max(1, os.loadavg()[0] / os.cpus().length);
}

/** A limit of `ms` on an idle machine, scaled for this one (milliseconds; a large finite number for no limit). */
export function scaled(ms: number): number {
  const scale = timeoutScale();
  // setTimeout and spawnSync take at most 2^31 - 1 ms (about 24.8 days).
  return scale === Infinity ? 2 ** 31 - 1 : Math.min(2 ** 31 - 1, Math.round(ms * scale));
}

/** How a limit came about, for messages: "180 s (60 s × 3.0 for load average 6.0 on 2 cores)". */
export function describeLimit(baseMs: number, limitMs: number): string {
  const scale = limitMs / baseMs;
  const why = process.env.GLIDEPATH_TIMEOUT_SCALE
    ? 'GLIDEPATH_TIMEOUT_SCALE'
    : `load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`;
  return `${Math.round(limitMs / 1000)} s (${Math.round(baseMs / 1000)} s × ${scale.toFixed(1)} for ${why})`;
}

/**
 * Why a spawned command ended without an exit code, as a sentence ("" when it exited): the limit it
 * reached, or the signal that killed it (the kernel's OOM killer sends SIGKILL).
 */
export function explainEnd(
  result: Pick<SpawnSyncReturns<unknown>, 'status' | 'signal' | 'error'>,
  baseMs: number,
  limitMs: number,
  skip?: string,
): string {
  if (result.status !== null) return '';
  const hint = `set GLIDEPATH_TIMEOUT_SCALE to a larger factor (0: no limit)${skip ? `, or ${skip} to skip this test` : ''}`;
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT') {
    return `stopped by the test after its time limit of ${describeLimit(baseMs, limitMs)}: the machine is too busy or the command hangs; ${hint}`;
  }
  return `killed by ${result.signal ?? 'a signal'} (not by the test's time limit of ${describeLimit(baseMs, limitMs)}; SIGKILL is often the out-of-memory killer)${result.error ? `: ${result.error.message}` : ''}`;
}
