/**
 * `npm run bench [-- --services N] [-- --repetitions K]`: synthesis cost of glidepath against a
 * hand-written aws-cdk-lib app creating the same resources, and how it grows with the number of
 * services. See bench/README.md for what is measured and the latest results.
 *
 * Every measurement is a fresh `node` process running compiled JavaScript (bench/.out, built by
 * `tsc -p bench` before the run), as a user's app depending on the published package would run.
 * Runs alternate between the apps (the order rotates each repetition) so drifting machine load
 * affects all of them alike. The benchmark exits 1 if the two apps' resource counts per type differ.
 */
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { measureCli, type CliFigure } from './cli';
import { RESULTS_FILE, resultsBlock, writeResults } from './results';
import { AppKind, type RunResult } from './run-result';

/** CloudFormation's hard limits per stack. */
const MAX_RESOURCES = 500;
const MAX_TEMPLATE_BYTES = 1_000_000;
/** Targets from the issues (28 item 5: glidepath's CPU at or below the hand-written app's at N=50). */
const MAX_CPU_RATIO_AT_50 = 1.0;
const MAX_GROWTH = 4.4;
const MAX_EXTRA_TARGETS = 0.1;

const DEFAULT_SIZES = [10, 50, 200];
/** Repetitions per size: fewer at 200, where one run takes minutes, to keep the whole run under ~15 minutes on 2 cores. */
const DEFAULT_REPETITIONS: Record<number, number> = { 10: 3, 50: 5, 200: 1 };
const KINDS = [AppKind.GLIDEPATH, AppKind.HANDWRITTEN, AppKind.FULL];

interface Measurement extends RunResult {
  readonly wallMs: number;
}

interface SizeResult {
  readonly services: number;
  readonly repetitions: number;
  readonly median: Record<AppKind, { readonly wallMs: number; readonly cpuMs: number; readonly maxRssMb: number }>;
  readonly sample: Record<AppKind, Measurement>;
}

const sizeList = (value: string) => value.split(',').map(positive);

const positive = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError(`"${value}" is not a whole number of 1 or more`);
  }
  return n;
};

function main(): void {
  const options = new Command('bench')
    .description('Synthesis cost of glidepath against hand-written aws-cdk-lib, how it grows, and the CLI')
    .option('--services <n,...>', 'sizes to run (services × 3 environments), e.g. 50 or 10,50', sizeList)
    .option('--repetitions <k>', 'runs per app and size (default 3 at 10 services, 5 at 50, 1 at 200)', positive)
    .option('--cli-repetitions <k>', 'runs per CLI command and way', positive, 3)
    .option('--no-cli', 'skip the CLI figures')
    .option('--no-synthesis', 'skip the synthesis figures')
    .option('--no-readme', 'print the results without rewriting bench/README.md')
    .option('--definition <file>', 'definition to copy', path.join(repositoryRoot(), 'examples/checkout/definition.yaml'))
    .parse()
    .opts<{
      services?: number[];
      repetitions?: number;
      cliRepetitions: number;
      cli: boolean;
      synthesis: boolean;
      readme: boolean;
      definition: string;
    }>();

  const started = { at: new Date(), load: os.loadavg() };
  const sizes = options.services ?? DEFAULT_SIZES;
  const results: SizeResult[] = [];
  if (options.synthesis) {
    // One untimed run of each app first: the first process after the compile reads cold files,
    // and that cost would land on whichever app runs first.
    for (const kind of KINDS) {
      runOnce(kind, 1, options.definition);
    }
    log('  warm-up done (one untimed run of each app with 1 service)');
    for (const services of sizes) {
      const repetitions = options.repetitions ?? DEFAULT_REPETITIONS[services] ?? 3;
      results.push(measureSize(services, repetitions, options.definition));
    }
  }
  const root = repositoryRoot();
  const cli = options.cli ? measureCli(root, path.relative(root, options.definition), options.cliRepetitions, log) : [];
  const block = resultsBlock({
    started,
    finished: { at: new Date(), load: os.loadavg() },
    commit: gitDescribe(root),
    synthesis: results.length > 0 ? synthesisLines(results) : [],
    cli,
    cliRepetitions: options.cliRepetitions,
  });
  log(block);
  if (options.readme && options.synthesis && options.cli) {
    writeResults(path.join(root, RESULTS_FILE), block);
    log(`  ${RESULTS_FILE}: results section rewritten`);
  } else {
    log(`  ${RESULTS_FILE} not rewritten: only a run that measures both synthesis and the CLI replaces its results`);
  }
  process.stdout.write(summaryLine(results, cli) + '\n');
}

function measureSize(services: number, repetitions: number, definition: string): SizeResult {
  const runs: Record<AppKind, Measurement[]> = { [AppKind.GLIDEPATH]: [], [AppKind.HANDWRITTEN]: [], [AppKind.FULL]: [] };
  for (let r = 0; r < repetitions; r++) {
    // Rotate the order so that no app always runs first (warm page cache) or last (accumulated load).
    const order = KINDS.map((_, i) => KINDS[(i + r) % KINDS.length]);
    for (const kind of order) {
      const m = runOnce(kind, services, definition);
      runs[kind].push(m);
      log(
        `  N=${services} rep ${r + 1}/${repetitions} ${kind.padEnd(11)} ${seconds(m.wallMs)} wall, ${seconds(m.cpuMs)} cpu, ${m.maxRssMb.toFixed(0)} MB`,
      );
    }
    if (r === 0) {
      checkEquivalence(services, runs[AppKind.GLIDEPATH][0], runs[AppKind.HANDWRITTEN][0], runs[AppKind.FULL][0]);
    }
  }
  const med = (kind: AppKind) => ({
    wallMs: median(runs[kind].map((m) => m.wallMs)),
    cpuMs: median(runs[kind].map((m) => m.cpuMs)),
    maxRssMb: median(runs[kind].map((m) => m.maxRssMb)),
  });
  return {
    services,
    repetitions,
    median: {
      [AppKind.GLIDEPATH]: med(AppKind.GLIDEPATH),
      [AppKind.HANDWRITTEN]: med(AppKind.HANDWRITTEN),
      [AppKind.FULL]: med(AppKind.FULL),
    },
    sample: {
      [AppKind.GLIDEPATH]: runs[AppKind.GLIDEPATH][0],
      [AppKind.HANDWRITTEN]: runs[AppKind.HANDWRITTEN][0],
      [AppKind.FULL]: runs[AppKind.FULL][0],
    },
  };
}

function runOnce(kind: AppKind, services: number, definition: string): Measurement {
  const script = path.join(__dirname, 'synth-app.js');
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, [script, kind, String(services), definition], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true' },
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (child.status !== 0) {
    // aws-cdk-lib prints minified source lines with its errors: keep the end, where the reason is.
    log(child.stderr.length > 6000 ? `...${child.stderr.slice(-6000)}` : child.stderr);
    throw new Error(`${kind} run with ${services} services exited with ${child.status ?? child.signal}`);
  }
  const lines = child.stdout.trim().split('\n');
  return { ...(JSON.parse(lines[lines.length - 1]) as RunResult), wallMs };
}

/** Fails the benchmark when the apps do not create the same resources: the comparison would be meaningless. */
function checkEquivalence(services: number, glidepath: Measurement, handwritten: Measurement, full: Measurement): void {
  const types = [...new Set([...Object.keys(glidepath.resourceCounts), ...Object.keys(handwritten.resourceCounts)])].sort();
  const differences = types.filter((t) => glidepath.resourceCounts[t] !== handwritten.resourceCounts[t]);
  const fullDiffers = types.some((t) => full.resourceCounts[t] !== glidepath.resourceCounts[t]);
  if (differences.length === 0 && !fullDiffers && glidepath.stacks === handwritten.stacks) {
    return;
  }
  log(`\nFAIL: with ${services} services the apps do not create the same resources (${glidepath.stacks} vs ${handwritten.stacks} stacks).`);
  log('Resource type'.padEnd(48) + 'glidepath'.padStart(10) + 'hand-written'.padStart(14));
  for (const t of differences) {
    log(t.padEnd(48) + String(glidepath.resourceCounts[t] ?? 0).padStart(10) + String(handwritten.resourceCounts[t] ?? 0).padStart(14));
  }
  if (fullDiffers) {
    log('The full run (with Kubernetes and runbooks) created different AWS resources than the glidepath run.');
  }
  log('Update bench/handwritten/checkout-stack.ts to create what DeploymentStack creates now (or the reverse), then run again.');
  process.stdout.write(`ratio=n/a cpu_ratio=n/a growth=n/a peak_rss_mb=${glidepath.maxRssMb.toFixed(0)} cli_over_target=n/a\n`);
  process.exit(1);
}

/** The synthesis table and the target lines, in Markdown. */
function synthesisLines(results: SizeResult[]): string[] {
  const at = (n: number) => results.find((r) => r.services === n);
  const extra = (r: SizeResult) => r.median.full.cpuMs / r.median.glidepath.cpuMs - 1;

  const lines: string[] = [
    '| services × envs | stacks | app | reps | median wall | median CPU | peak RSS | vs hand-written (wall / CPU) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of results) {
    for (const kind of [AppKind.HANDWRITTEN, AppKind.GLIDEPATH, AppKind.FULL]) {
      const m = r.median[kind];
      const h = r.median.handwritten;
      const label = { handwritten: 'hand-written aws-cdk-lib', glidepath: 'glidepath DeploymentStack', full: '+ Kubernetes + runbooks' }[
        kind
      ];
      lines.push(
        `| ${r.services} × 3 | ${r.sample[kind].stacks} | ${label} | ${r.repetitions} | ${seconds(m.wallMs)} | ${seconds(m.cpuMs)} | ${m.maxRssMb.toFixed(0)} MB | ` +
          `${kind === AppKind.HANDWRITTEN ? '1.00×' : `${(m.wallMs / h.wallMs).toFixed(2)}× / ${(m.cpuMs / h.cpuMs).toFixed(2)}×`} |`,
      );
    }
  }
  lines.push('');
  const status = (ok: boolean) => (ok ? 'met' : '**missed**');
  for (const r of results) {
    const wall = r.median.glidepath.wallMs / r.median.handwritten.wallMs;
    const cpu = r.median.glidepath.cpuMs / r.median.handwritten.cpuMs;
    const target =
      r.services === 50 ? ` (target ≤ ${MAX_CPU_RATIO_AT_50.toFixed(1)}× CPU at N=50: ${status(cpu <= MAX_CPU_RATIO_AT_50)})` : '';
    lines.push(`- glidepath / hand-written at N=${r.services}: **${cpu.toFixed(2)}× CPU**, ${wall.toFixed(2)}× wall${target}`);
  }
  const r50 = at(50);
  const r200 = at(200);
  if (r50 && r200) {
    const growth = (measure: 'wallMs' | 'cpuMs' | 'maxRssMb') => r200.median.glidepath[measure] / r50.median.glidepath[measure];
    lines.push(
      `- glidepath growth N=50 → 200 (4× the stacks): ${growth('cpuMs').toFixed(2)}× CPU, ${growth('wallMs').toFixed(2)}× wall, ` +
        `${growth('maxRssMb').toFixed(2)}× peak RSS (target ≤ ${MAX_GROWTH}×: ${status(growth('cpuMs') <= MAX_GROWTH && growth('maxRssMb') <= MAX_GROWTH)})`,
    );
  }
  for (const r of results) {
    lines.push(
      `- Kubernetes + runbooks at N=${r.services}: ${percent(extra(r))} CPU over glidepath ` +
        `(target ≤ +${MAX_EXTRA_TARGETS * 100}%: ${status(extra(r) <= MAX_EXTRA_TARGETS)})`,
    );
  }
  const sample = (at(50) ?? results[results.length - 1]).sample;
  const largest = sample.glidepath.largest;
  lines.push(
    `- largest stack ${largest.stack}: ${largest.resources} of ${MAX_RESOURCES} resources, template ${kb(largest.templateBytes)} as synthesized ` +
      `(${kb(largest.minifiedBytes)} minified) of ${kb(MAX_TEMPLATE_BYTES)}`,
  );
  // The equivalence check counts resources; the template size shows drift it cannot see (a property,
  // a policy statement, an alarm period), which aws-cdk-lib's validation engine pays for.
  const hand = sample.handwritten.largest;
  lines.push(
    `- the same stack hand-written: ${kb(hand.templateBytes)} (${kb(hand.minifiedBytes)} minified); glidepath's is ` +
      `${percent(largest.minifiedBytes / hand.minifiedBytes - 1)} minified`,
  );
  return lines;
}

/** The one line for scripts: ratios at N=50 (or the only size run), growth, peak RSS, the slowest CLI command. */
function summaryLine(results: SizeResult[], cli: readonly CliFigure[]): string {
  const target = results.find((r) => r.services === 50) ?? results[results.length - 1];
  const r50 = results.find((r) => r.services === 50);
  const r200 = results.find((r) => r.services === 200);
  const fields = [
    `ratio=${target ? (target.median.glidepath.wallMs / target.median.handwritten.wallMs).toFixed(2) : 'n/a'}`,
    `cpu_ratio=${target ? (target.median.glidepath.cpuMs / target.median.handwritten.cpuMs).toFixed(2) : 'n/a'}`,
    `growth=${r50 && r200 ? (r200.median.glidepath.wallMs / r50.median.glidepath.wallMs).toFixed(2) : 'n/a'}`,
    `peak_rss_mb=${results.length > 0 ? Math.max(...results.map((r) => r.median.glidepath.maxRssMb)).toFixed(0) : 'n/a'}`,
    `cli_over_target=${cli.filter((f) => Math.max(f.packageMs, f.repositoryMs) > f.command.targetSeconds * 1000).length}`,
  ];
  return fields.join(' ');
}

/** `abc1234` or `abc1234+changes`, for the results header. */
function gitDescribe(root: string): string {
  const git = (...args: string[]) => spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  const head = git('rev-parse', '--short', 'HEAD').stdout.trim() || 'unknown';
  return git('status', '--porcelain', '--untracked-files=no').stdout.trim() ? `${head} with uncommitted changes` : head;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const percent = (fraction: number) => `${fraction >= 0 ? '+' : ''}${(fraction * 100).toFixed(1)}%`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const kb = (bytes: number) => `${(bytes / 1000).toFixed(0)} kB`;
const log = (...text: string[]) => process.stderr.write(text.join('\n') + '\n');

/** The repository root, from bench/.out/bench/ (compiled) or bench/ (source). */
function repositoryRoot(): string {
  return path.basename(path.dirname(__dirname)) === '.out' ? path.resolve(__dirname, '../../..') : path.resolve(__dirname, '..');
}

try {
  main();
} catch (err) {
  log(`FAIL: ${(err as Error).message}`);
  process.stdout.write('ratio=n/a cpu_ratio=n/a growth=n/a peak_rss_mb=n/a cli_over_target=n/a\n');
  process.exitCode = 1;
}
