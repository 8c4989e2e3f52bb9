import { Duration } from '../../../lib/model/duration';
import { promDuration } from '../../../constructs/k8s/private/units';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';

/**
 * The real Prometheus engine as a function: evaluates PromQL expressions and alerting rules over
 * `input_series` with `promtool test rules`. Every query is written as a `promql_expr_test` (and
 * every alert check as an `alert_rule_test`) expecting *nothing*; promtool then prints what it
 * really got for each non-empty result, which is parsed back. A sentinel `vector(1)` per run
 * proves the evaluation happened, so a broken run is never read as "all empty".
 *
 * promtool must be installed (Debian `prometheus`): without it these helpers throw, and the
 * scenario tests fail rather than skip.
 */

/** One `input_series` entry: a series selector and its values, one per `interval`. */
export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

/** One sample of an instant-query result. */
export interface Sample {
  readonly labels: string;
  readonly value: number;
}

/** Seconds in Prometheus duration notation, as promtool prints eval times (`1h2m30s`, `0s`). */
export function promTime(seconds: number): string {
  return promDuration(Duration.seconds(Math.round(seconds)));
}

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  const v = Number(text);
  if (Number.isNaN(v) && text !== 'NaN') throw new Error(`cannot read promtool value "${text}"`);
  return v;
}

function runPromtool(dir: string, testFile: object, ruleFiles: Record<string, object>): string {
  for (const [name, content] of Object.entries(ruleFiles)) fs.writeFileSync(path.join(dir, name), stringify(content));
  fs.writeFileSync(path.join(dir, 'test.yaml'), stringify(testFile, { lineWidth: 0 }));
  const r = spawnSync('promtool', ['test', 'rules', 'test.yaml'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) {
    throw new Error(`promtool could not run (${r.error.message}); install it: apt-get install -y prometheus`);
  }
  const out = `${r.stdout}${r.stderr}`;
  if (r.status !== 0 && !/FAILED:/.test(out)) {
    throw new Error(`promtool test rules failed without a test result:\n${out.slice(0, 4000)}`);
  }
  return out;
}

/** An engine over a fixed set of input series. */
export class PromqlEngine {
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-scenario-'));
  private readonly cache = new Map<string, Sample[]>();

  /**
   * @param scrapeSeconds the series' sample interval
   * @param series the input series
   * @param evaluationSeconds the rule group's evaluation interval (for alerts)
   */
  constructor(
    private readonly scrapeSeconds: number,
    private readonly series: readonly InputSeries[],
    private readonly evaluationSeconds: number = scrapeSeconds,
  ) {}

  /** Whether the result of `expr` at `t` (seconds) is cached. */
  public has(expr: string, t: number): boolean {
    return this.cache.has(`${expr}@${t}`);
  }

  /** Instant-query results of `expr` at each of `times` (seconds); cached. */
  public query(expr: string, times: readonly number[]): Map<number, Sample[]> {
    this.prefetch([{ expr, times }]);
    return new Map(times.map((t) => [t, this.cache.get(`${expr}@${t}`)!]));
  }

  /**
   * Evaluates every query not cached yet in one promtool run (a run costs ~40 ms of CPU to start
   * whatever it evaluates); `query` and `values` then read the cache.
   */
  public prefetch(queries: readonly { readonly expr: string; readonly times: readonly number[] }[]): void {
    const missing = queries.flatMap(({ expr, times }) => times.filter((t) => !this.cache.has(`${expr}@${t}`)).map((t) => ({ expr, t })));
    if (missing.length > 0) {
      const tests = [
        { expr: 'vector(1)', eval_time: '0s', exp_samples: [] },
        ...missing.map(({ expr, t }) => ({ expr, eval_time: promTime(t), exp_samples: [] })),
      ];
      const out = runPromtool(
        this.dir,
        {
          rule_files: [],
          evaluation_interval: promTime(this.evaluationSeconds),
          tests: [{ name: 'q', interval: promTime(this.scrapeSeconds), input_series: this.series, promql_expr_test: tests }],
        },
        {},
      );
      const found = new Map<string, Sample[]>();
      let sentinel = false;
      for (const block of out.split(/\n\s*expr: /).slice(1)) {
        const head = /^("(?:[^"\\]|\\.)*"), time: ([0-9hms]+),/.exec(block);
        if (!head) throw new Error(`cannot read promtool output: ${block.slice(0, 300)}`);
        const text = JSON.parse(head[1]) as string;
        const got = /got: (.*)/.exec(block)?.[1] ?? '';
        const samples = [...got.matchAll(/(\{[^}]*\}) (\S+?)(?:,|$)/g)].map((m) => ({ labels: m[1], value: parseValue(m[2]) }));
        if (text === 'vector(1)') {
          sentinel = true;
          continue;
        }
        found.set(`${text}@${head[2]}`, samples);
      }
      if (!sentinel) throw new Error(`promtool did not evaluate the sentinel query:\n${out.slice(0, 4000)}`);
      for (const { expr, t } of missing) this.cache.set(`${expr}@${t}`, found.get(`${expr}@${promTime(t)}`) ?? []);
    }
  }

  /** The values of `expr` at `t`, as Argo's Prometheus provider passes them to a condition. */
  public values(expr: string, t: number): number[] {
    return this.query(expr, [t])
      .get(t)!
      .map((s) => s.value);
  }

  /**
   * Evaluation times (seconds, one per evaluation interval up to `untilSeconds`) at which alert
   * `alertname` of `ruleGroups` is firing.
   */
  public firingTimes(ruleGroups: object, alertname: string, untilSeconds: number): number[] {
    return this.firingTimesOf(ruleGroups, [alertname], untilSeconds).get(alertname)!;
  }

  /** `firingTimes` of each of `alertnames`, from one promtool run. */
  public firingTimesOf(ruleGroups: object, alertnames: readonly string[], untilSeconds: number): Map<string, number[]> {
    const times: number[] = [];
    for (let t = 0; t <= untilSeconds; t += this.evaluationSeconds) times.push(t);
    const out = runPromtool(
      this.dir,
      {
        rule_files: ['rules.yaml'],
        evaluation_interval: promTime(this.evaluationSeconds),
        tests: [
          {
            name: 'alerts',
            interval: promTime(this.scrapeSeconds),
            input_series: this.series,
            promql_expr_test: [{ expr: 'vector(1)', eval_time: '0s', exp_samples: [] }],
            alert_rule_test: alertnames.flatMap((alertname) => times.map((t) => ({ eval_time: promTime(t), alertname, exp_alerts: [] }))),
          },
        ],
      },
      { 'rules.yaml': ruleGroups },
    );
    if (!/expr: "vector\(1\)"/.test(out)) throw new Error(`promtool did not evaluate the sentinel query:\n${out.slice(0, 4000)}`);
    const firing = new Map(alertnames.map((name) => [name, [] as number[]]));
    for (const m of out.matchAll(/alertname: (\S+), time: ([0-9hms]+),/g)) {
      firing.get(m[1])?.push(times.find((t) => promTime(t) === m[2])!);
    }
    for (const list of firing.values()) list.sort((a, b) => a - b);
    return firing;
  }
}
