import type { SmokeTests } from '../model/smoke-tests';
import { HEADER_ENV_REFERENCE } from '../model/smoke-tests';
import { runSmokeCheck, type SmokeCheckSpec, type SmokeSettings } from './check';
import { smokeSettings } from './run';

/**
 * `runSmokeCheck` as JavaScript source, for code that runs inside the platform (hook functions,
 * Kubernetes Jobs): the same logic as `glidepath smoke-test`, not a copy. Indentation is dropped
 * to stay well inside the 4 KB of CloudFormation inline code.
 */
export function inlineSmokeCheckSource(): string {
  return runSmokeCheck
    .toString()
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join('\n');
}

/** What in-platform checks run with: the checks that need no credentials, and the limits. */
export interface PlatformSmokeTests {
  readonly checks: readonly SmokeCheckSpec[];
  readonly settings: SmokeSettings;
  /** Checks left out because a header needs a credential from the environment. */
  readonly skipped: readonly string[];
}

/**
 * The checks a hook or Job runs. Checks whose headers reference environment variables
 * (credentials) are left out: the platform has no such variables, and a check that cannot pass
 * would roll every deployment back; they still run with `glidepath smoke-test`.
 */
export function platformSmokeTests(tests: SmokeTests): PlatformSmokeTests {
  const needsCredential = (c: SmokeCheckSpec) => Object.values(c.headers).some((v) => HEADER_ENV_REFERENCE.test(v));
  return {
    checks: tests.checks.filter((c) => !needsCredential(c)),
    settings: smokeSettings(tests),
    skipped: tests.checks.filter(needsCredential).map((c) => c.name),
  };
}

/** Longest a run of the checks can take: every attempt of every check times out. */
export function worstCaseMs(tests: PlatformSmokeTests): number {
  const { attempts, backoffMs, timeoutMs } = tests.settings;
  const backoff = Array.from({ length: attempts - 1 }, (_, i) => backoffMs * 2 ** i).reduce((a, b) => a + b, 0);
  return tests.checks.length * (attempts * timeoutMs + backoff);
}
