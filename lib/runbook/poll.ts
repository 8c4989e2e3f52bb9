import { Duration } from '../model/duration';

/** Options for `pollCommand`. */
export interface PollOptions {
  /** Command whose output is compared, e.g. an `aws … --output text`. */
  readonly check: string;
  /** Output that means done. */
  readonly until: string;
  /** How long the work can take; the poll gives up after this. */
  readonly timeout: Duration;
  /** Time between checks. @default 30s */
  readonly interval?: Duration;
  /** What did not happen, for the message on timeout. */
  readonly what: string;
}

/**
 * A wait with an explicit timeout, as one shell command: checks every interval until the output is
 * `until`, and fails (exit status 1, in a subshell so an interactive shell stays open) after
 * `timeout`. Platform waiters give up earlier than many rollouts take (`aws ecs wait
 * services-stable` after 10 minutes), so runbooks poll with a timeout the time bound accounts for.
 */
export function pollCommand(o: PollOptions): string {
  const interval = (o.interval ?? Duration.seconds(30)).toSeconds();
  const attempts = Math.max(1, Math.ceil(o.timeout.toSeconds() / interval));
  return `( for _ in $(seq 1 ${attempts}); do [ "$(${o.check})" = "${o.until}" ] && exit 0; sleep ${interval}; done; echo "${o.what} within ${o.timeout}" >&2; exit 1 )`;
}
