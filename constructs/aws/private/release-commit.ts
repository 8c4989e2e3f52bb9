import { execFileSync } from 'node:child_process';

/** Recorded when neither the environment nor git says which commit is released. */
export const UNKNOWN_COMMIT = 'unknown';

/**
 * The commit a stack is synthesized from, for the runbook's level 3 (`git revert`):
 * `GLIDEPATH_RELEASE_COMMIT` when set (pipelines and tests set it, so output is deterministic),
 * else `git rev-parse HEAD` of the working directory, else `unknown`.
 */
export function releaseCommit(): string {
  const fromEnv = process.env.GLIDEPATH_RELEASE_COMMIT?.trim();
  if (fromEnv) return fromEnv;
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || UNKNOWN_COMMIT;
  } catch {
    return UNKNOWN_COMMIT;
  }
}
