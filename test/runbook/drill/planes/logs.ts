import type { AwsCall } from '../aws-command-model';
import type { Evidence } from '../screen';
import { Fail, iso, type Clock } from './templates';

/** One log event: when (simulated seconds), which stream, the message. */
interface LogEvent {
  readonly at: number;
  readonly stream: string;
  readonly message: string;
}

/** What the incident left in the logs: what each group holds beyond its steady chatter. */
export interface LogIncidents {
  /** The service's requests fail (an error-rate or latency alarm fires). */
  readonly serviceErrors: boolean;
  /** The health probe stopped passing (the dead-man's switch fires). */
  readonly probeFailing: boolean;
  /** The last run of a migration task family: when, and whether it failed (undefined: never ran). */
  readonly migration: (family: string) => { at: number; failed: boolean } | undefined;
  /** Log groups of rotation functions whose last rotation failed. */
  readonly failedRotations: readonly string[];
}

/** Seconds of history each group holds: three hours of a night. */
const HISTORY = 3 * 3600;
/** When the incident's first error was logged: 25 minutes before the page is read. */
export const FIRST_ERROR_AT = -1500;
/** When the health probe last passed: 14 minutes before the section starts (5m window, page, wake-up). */
export const PROBE_LAST_PASS_AT = -840;
/** When the smoke tests of the release ran: during its test-traffic shift, 14 minutes ago. */
export const SMOKE_RUN_AT = -840;
/** When the failed rotation ran, and the failed migration: 40 minutes ago. */
export const ROTATION_AT = -2400;

/**
 * CloudWatch Logs as `aws logs tail` reads it
 * (https://awscli.amazonaws.com/v2/documentation/api/latest/reference/logs/tail.html):
 * - `--since` defaults to 10m; a relative time counts back from now;
 * - `--filter-pattern`: with terms, an event matches when it contains every term; `?term` matches
 *   any of the `?` terms (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html);
 * - `--format` defaults to `detailed`: timestamp, stream name, message, one event a line, oldest first.
 * Groups are steady chatter from several streams (a line a minute per task or execution environment,
 * START/END/REPORT of a function), plus what the incident left: the evidence a reader must see.
 */
export class LogsPlane {
  constructor(
    private readonly clock: Clock,
    private readonly incidents: () => LogIncidents,
  ) {}

  /** The events of a group, oldest first. */
  public events(group: string): LogEvent[] {
    const now = this.clock.now;
    const events: LogEvent[] = [];
    const every = (streams: readonly string[], step: number, message: (at: number, s: number) => string | undefined) => {
      for (let at = Math.ceil((now - HISTORY) / step) * step; at <= now; at += step)
        streams.forEach((stream, i) => {
          const m = message(at, i);
          if (m !== undefined) events.push({ at: at + i, stream, message: m });
        });
    };
    const { serviceErrors, probeFailing, migration, failedRotations } = this.incidents();
    if (/-health-probe$/.test(group)) {
      every(['2026/01/15/[$LATEST]5e1f0c2a'], 60, (at) =>
        probeFailing && at > PROBE_LAST_PASS_AT
          ? '{"passed":false,"status":503,"error":"no healthy targets"}'
          : `{"passed":true,"status":200,"latencyMs":${80 + (Math.abs(at) % 40)}}`,
      );
    } else if (/-smoke-tests$/.test(group)) {
      events.push(
        ...['{"check":"GET /healthz","passed":true}', '{"check":"POST /checkout/dry-run","passed":true}', 'all 2 smoke tests passed'].map(
          (message, i) => ({ at: SMOKE_RUN_AT + i, stream: '2026/01/15/[$LATEST]9a7b3c1d', message }),
        ),
      );
    } else if (/-migrate-/.test(group)) {
      const family = group.replace(/^\/ecs\//, '');
      const run = migration(family);
      if (run && this.clock.now - run.at >= 60)
        events.push(
          ...[
            'applying migration',
            'ALTER TABLE orders ADD COLUMN notes text: ok',
            run.failed ? 'ERROR: CREATE INDEX orders_notes_idx: relation "orders_notes_idx" already exists' : 'migration applied',
          ].map((message, i) => ({ at: run.at + 60 + i, stream: `migrate/${family}/4f2a9c`, message })),
        );
    } else if (/rotation|rotate/i.test(group)) {
      const failed = failedRotations.includes(group);
      // A rotation runs its steps in order and stops at the first that fails
      // (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_how.html).
      const steps = failed ? ['createSecret', 'setSecret'] : ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];
      for (const [i, step] of steps.entries())
        events.push(
          { at: ROTATION_AT + i * 2, stream: '2026/01/15/[$LATEST]7c4d', message: `START RequestId: r-${step} Version: $LATEST` },
          {
            at: ROTATION_AT + i * 2 + 1,
            stream: '2026/01/15/[$LATEST]7c4d',
            message:
              step === 'setSecret' && failed
                ? 'ERROR setSecret: unable to set the AWSPENDING password on the database: permission denied for role checkout'
                : `INFO ${step}: done`,
          },
        );
    } else {
      // A service (tasks or execution environments): a status line a minute per stream.
      every(
        ['web/app/3f9c1e07', 'web/app/8b2d4a61'],
        60,
        (at, i) => `INFO served ${120 + ((at / 60 + i) % 17)} requests in the last minute`,
      );
      if (serviceErrors)
        every(['web/app/3f9c1e07'], 60, (at) =>
          at < FIRST_ERROR_AT || (at - FIRST_ERROR_AT) % 120 !== 0
            ? undefined
            : at === FIRST_ERROR_AT
              ? 'ERROR orders-db: connection pool exhausted (30 of 30 in use); first failed request'
              : 'ERROR POST /checkout 500: orders-db timeout',
        );
    }
    return events.sort((a, b) => a.at - b.at);
  }

  /** The evidence a reader must see in what they print from a group. */
  public evidence(groups: readonly string[]): Evidence[] {
    const reads = (group: string) => (argv: readonly string[]) => argv[0] === 'logs' && argv[1] === 'tail' && argv[2] === group;
    const { serviceErrors, probeFailing } = this.incidents();
    return groups.flatMap((group): Evidence[] => {
      const events = this.events(group);
      const show = (what: string, pick: (e: LogEvent) => boolean): Evidence[] => {
        const mustShow = events.filter(pick).map((e) => e.message);
        return mustShow.length > 0 ? [{ reads: reads(group), what: `${what} in ${group}`, mustShow: [...new Set(mustShow)] }] : [];
      };
      if (/-health-probe$/.test(group)) return probeFailing ? show('when the probe last passed', (e) => e.at === PROBE_LAST_PASS_AT) : [];
      if (/-smoke-tests$/.test(group)) return show("the release's smoke test results", (e) => e.at >= SMOKE_RUN_AT);
      if (/-migrate-|rotation|rotate/i.test(group)) return show('the failing step', (e) => /ERROR/.test(e.message));
      // The errors' onset is what an alarm's section and the incident procedures look for; a deploy step's tail is not about it.
      return serviceErrors
        ? show('the first error of the incident', (e) => e.at === FIRST_ERROR_AT && /ERROR/.test(e.message)).map((x) => ({
            ...x,
            sections: /-(error-rate|latency-p\d+)$|^Incident/,
          }))
        : [];
    });
  }

  /** `aws logs tail GROUP`: the lines it prints. */
  public tail(call: AwsCall, group: string): string {
    if (call.options.has('--follow')) throw new Fail('aws logs tail --follow never returns: a runbook step would hang');
    const since = call.options.get('--since')?.[0] ?? '10m';
    const rel = /^(\d+)([smhdw])$/.exec(since);
    const from = rel
      ? this.clock.now - Number(rel[1]) * { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[rel[2] as 's']
      : (Date.parse(since) - Date.parse(iso(0))) / 1000;
    const pattern = call.options.get('--filter-pattern')?.[0];
    if (pattern?.trim().startsWith('{')) throw new Fail('the drill does not model JSON filter patterns yet');
    const terms = (pattern ?? '').split(/\s+/).filter((t) => t !== '');
    const any = terms.filter((t) => t.startsWith('?')).map((t) => t.slice(1).replace(/^"|"$/g, ''));
    const all = terms.filter((t) => !t.startsWith('?')).map((t) => t.replace(/^"|"$/g, ''));
    const format = call.options.get('--format')?.[0] ?? 'detailed';
    return this.events(group)
      .filter((e) => e.at >= from && e.at <= this.clock.now)
      .filter((e) => all.every((t) => e.message.includes(t)) && (any.length === 0 || any.some((t) => e.message.includes(t))))
      .map((e) =>
        format === 'short' ? `${iso(e.at).slice(11, 19)} ${e.message}` : `${iso(e.at).replace('Z', '000+00:00')} ${e.stream} ${e.message}`,
      )
      .join('\n');
  }
}
