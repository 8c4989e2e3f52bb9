import { execFileSync } from 'node:child_process';

/** Recorded when neither the environment nor git says which commit is released. */
export const UNKNOWN_COMMIT = 'unknown';

/** `git rev-parse HEAD` per working directory: one app builds many stacks, and each `git` process costs ~20 ms of CPU. */
const headByDirectory = new Map<string, string>();

/**
 * The commit a stack is synthesized from, for the runbook's level 3 (`git revert`):
 * `GLIDEPATH_RELEASE_COMMIT` when set (pipelines and tests set it, so output is deterministic),
 * else `git rev-parse HEAD` of the working directory (asked once per directory and process), else
 * `unknown`.
 */
export function releaseCommit(): string {
  const fromEnv = process.env.GLIDEPATH_RELEASE_COMMIT?.trim();
  if (fromEnv) return fromEnv;
  const directory = process.cwd();
  let head = headByDirectory.get(directory);
  if (head === undefined) {
    head = gitHead();
    headByDirectory.set(directory, head);
  }
  return head;
}

function gitHead(): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || UNKNOWN_COMMIT;
  } catch {
    return UNKNOWN_COMMIT;
  }
}
