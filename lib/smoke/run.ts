import type { SmokeTests } from '../model/smoke-tests';
import { runSmokeCheck, type SmokeCheckResult, type SmokeSettings } from './check';

/** Options of `runSmokeTests`. */
export interface RunSmokeTestsOptions {
  /** Where `${NAME}` header references are read from. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Called after each check, e.g. to print progress. @default - nothing */
  readonly onResult?: (result: SmokeCheckResult) => void;
}

/** The outcome of a run. */
export interface SmokeRunReport {
  readonly baseUrl: string;
  readonly results: readonly SmokeCheckResult[];
  readonly passed: boolean;
}

/** The retry and time limits of resolved smoke tests, in milliseconds. */
export function smokeSettings(tests: SmokeTests): SmokeSettings {
  return { attempts: tests.attempts, backoffMs: tests.backoff.toSeconds() * 1000, timeoutMs: tests.timeout.toSeconds() * 1000 };
}

/**
 * Runs every check in order against `baseUrl` (all of them, even after a failure, so the table
 * shows the whole picture) and reports whether all passed.
 */
export async function runSmokeTests(baseUrl: string, tests: SmokeTests, options: RunSmokeTestsOptions = {}): Promise<SmokeRunReport> {
  if (!/^https?:\/\/[^/\s]+/.test(baseUrl)) {
    throw new Error(`--url is "${baseUrl}"; use an http(s) URL such as "https://checkout.example.com"`);
  }
  const settings = smokeSettings(tests);
  const results: SmokeCheckResult[] = [];
  for (const check of tests.checks) {
    const result = await runSmokeCheck(baseUrl, check, settings, options.env ?? process.env);
    options.onResult?.(result);
    results.push(result);
  }
  return { baseUrl, results, passed: results.every((r) => r.passed) };
}
