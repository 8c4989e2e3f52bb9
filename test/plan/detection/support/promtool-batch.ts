import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { promTime, type InputSeries } from '../../../k8s/support/promql';

/**
 * Many instant queries over one set of input series in a single `promtool test rules` run (the real
 * Prometheus engine): each (expression, time) is a `promql_expr_test` expecting nothing, so
 * promtool prints what it got for every non-empty result. A sentinel `vector(1)` proves the run
 * evaluated. Returns the sample values by `expr@seconds`; an absent key is an empty result.
 */
export function queryMany(
  scrapeSeconds: number,
  series: readonly InputSeries[],
  queries: readonly { expr: string; at: number }[],
): Map<string, number[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-mc-'));
  try {
    const tests = [
      { expr: 'vector(1)', eval_time: '0s', exp_samples: [] },
      ...queries.map((q) => ({ expr: q.expr, eval_time: promTime(q.at), exp_samples: [] })),
    ];
    const file = {
      rule_files: [],
      evaluation_interval: promTime(scrapeSeconds),
      tests: [{ name: 'mc', interval: promTime(scrapeSeconds), input_series: series, promql_expr_test: tests }],
    };
    fs.writeFileSync(path.join(dir, 'test.yaml'), stringify(file, { lineWidth: 0 }));
    const r = spawnSync('promtool', ['test', 'rules', 'test.yaml'], { cwd: dir, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    if (r.error) throw new Error(`promtool could not run (${r.error.message}); install it: apt-get install -y prometheus`);
    const out = `${r.stdout}${r.stderr}`;
    if (r.status !== 0 && !/FAILED:/.test(out)) throw new Error(`promtool test rules failed without a test result:\n${out.slice(0, 4000)}`);
    const found = new Map<string, number[]>();
    let sentinel = false;
    const byTime = new Map(queries.map((q) => [`${q.expr}@${promTime(q.at)}`, `${q.expr}@${q.at}`]));
    for (const block of out.split(/\n\s*expr: /).slice(1)) {
      const head = /^("(?:[^"\\]|\\.)*"), time: ([0-9hms]+),/.exec(block);
      if (!head) throw new Error(`cannot read promtool output: ${block.slice(0, 300)}`);
      const text = JSON.parse(head[1]) as string;
      const got = /got: (.*)/.exec(block)?.[1] ?? '';
      const values = [...got.matchAll(/(\{[^}]*\}) (\S+?)(?:,|$)/g)].map((m) => (m[2] === 'NaN' ? NaN : Number(m[2])));
      if (text === 'vector(1)') {
        sentinel = true;
        continue;
      }
      const key = byTime.get(`${text}@${head[2]}`);
      if (key) found.set(key, values);
    }
    if (!sentinel) throw new Error(`promtool did not evaluate the sentinel query:\n${out.slice(0, 4000)}`);
    return found;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
