/**
 * The CLI half of `npm run bench`: CPU time (user + system of the command and anything it waits
 * for, from `/usr/bin/time`) of one `glidepath` command on the checkout example, run two ways:
 *
 * - **built package**: `npm run build` writes `dist/`, and the command runs `node dist/bin/glidepath.js`
 *   (what the package's `bin/glidepath-bin.js` runs when no TypeScript sources sit beside it);
 * - **repository**: `node bin/glidepath-bin.js`, which transpiles the TypeScript sources through
 *   the content-keyed transpile cache (bin/transpile-typescript.js), warmed by one untimed run of
 *   each command first, in a cache directory of the benchmark's own (`bench/.out/transpile-cache`).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** One measured command, with the target for it (CPU seconds). */
export interface CliCommand {
  /** As the table shows it. */
  readonly label: string;
  readonly args: readonly string[];
  readonly targetSeconds: number;
}

/** Median CPU milliseconds of one command, each way. */
export interface CliFigure {
  readonly command: CliCommand;
  readonly packageMs: number;
  readonly repositoryMs: number;
}

const TIME = '/usr/bin/time';

/** The commands issue 22 item 6 and issue 28 item 4 set targets for: one environment per target for `runbook`. */
export function cliCommands(definition: string): CliCommand[] {
  const runbook = (target: string): CliCommand => ({
    label: `runbook ${definition} --env prod -t ${target}`,
    args: ['runbook', definition, '--env', 'prod', '-t', target],
    targetSeconds: 1,
  });
  return [
    { label: '--version', args: ['--version'], targetSeconds: 0.5 },
    { label: `validate ${definition}`, args: ['validate', definition], targetSeconds: 0.5 },
    runbook('aws'),
    runbook('k8s'),
    runbook('pulumi'),
    { label: `check ${definition}`, args: ['check', definition], targetSeconds: 3 },
  ];
}

/**
 * Builds the package, warms the transpile cache, then runs every command `repetitions` times
 * each way, alternating the two ways so drifting load affects both alike.
 */
export function measureCli(root: string, definition: string, repetitions: number, log: (text: string) => void): CliFigure[] {
  if (!fs.existsSync(TIME)) {
    throw new Error(`${TIME} is missing; it measures the CLI's CPU time (Debian package "time"), or run with --no-cli`);
  }
  log('  building the package (npm run build → dist/)');
  const build = spawnSync(process.execPath, [path.join(root, 'bin/build.js')], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) {
    throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
  }
  const cache = path.join(root, 'bench/.out/transpile-cache');
  const ways = {
    package: [path.join(root, 'dist/bin/glidepath.js')],
    repository: [path.join(root, 'bin/glidepath-bin.js')],
  };
  const commands = cliCommands(definition);
  for (const command of commands) {
    cpuMs(root, ways.repository, command, cache);
  }
  log('  transpile cache warm (one untimed run of each command in the repository)');
  return commands.map((command) => {
    const runs = { package: [] as number[], repository: [] as number[] };
    for (let r = 0; r < repetitions; r++) {
      const order = r % 2 === 0 ? (['package', 'repository'] as const) : (['repository', 'package'] as const);
      for (const way of order) runs[way].push(cpuMs(root, ways[way], command, cache));
    }
    const figure = { command, packageMs: median(runs.package), repositoryMs: median(runs.repository) };
    log(`  ${command.label}: ${(figure.packageMs / 1000).toFixed(2)} s package, ${(figure.repositoryMs / 1000).toFixed(2)} s repository`);
    return figure;
  });
}

/** CPU milliseconds of one run; a failing command fails the benchmark with its output. */
function cpuMs(root: string, entry: readonly string[], command: CliCommand, cache: string): number {
  const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-bench-cli-')), 'time');
  try {
    const child = spawnSync(TIME, ['-o', report, '-f', '%U %S', process.execPath, ...entry, ...command.args], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, GLIDEPATH_TRANSPILE_CACHE: cache, CDK_DISABLE_VERSION_CHECK: 'true' },
    });
    if (child.status !== 0) {
      throw new Error(`glidepath ${command.label} exited with ${child.status ?? child.signal}:\n${child.stderr.slice(-4000)}`);
    }
    // With -o, time writes only the format line (and a "Command exited" line when it fails).
    const [user, system] = fs.readFileSync(report, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
    return (user + system) * 1000;
  } finally {
    fs.rmSync(path.dirname(report), { recursive: true, force: true });
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
