import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { explainEnd, scaled } from '../support/budget';
import { cacheDir, produceOnce } from '../support/run-cache';

// The build's own Node script (bin/publish-manifest.js), as `prepack` runs it.
const { publishedManifest } = require('../../bin/publish-manifest') as { publishedManifest: (text: string) => string };
// CPU seconds of the commands this process waited for (undefined without /proc).
const { endedChildrenCpuSeconds } = require('../support/proc-cpu') as { endedChildrenCpuSeconds: () => number | undefined };

/** The repository root. */
export const ROOT = path.join(__dirname, '..', '..');
/** Environment of the commands the slow example tests run: offline CDK, no npm notices. */
export const ENV: NodeJS.ProcessEnv = {
  ...process.env,
  CDK_DISABLE_VERSION_CHECK: 'true',
  npm_config_update_notifier: 'false',
  CI: 'true',
};

/**
 * How long one command of these tests may take on an idle 2-core machine (the slowest, `npm
 * install` of the consumer app, takes about a minute there). Scaled by the load when it starts
 * (test/support/budget.ts), so a busy machine does not reach it; a hung command still stops.
 */
const COMMAND_LIMIT_MS = 300_000;
/** What the message of a stopped command suggests. */
const SKIP = 'GLIDEPATH_SKIP_CONSUMER=1';

/**
 * Runs a command and returns its output; throws with both streams when it exits non-zero, and
 * says so, with the limit, when it was stopped for taking too long or killed by a signal.
 */
export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = ENV): SpawnSyncReturns<string> {
  const limit = scaled(COMMAND_LIMIT_MS);
  const started = { wall: Date.now(), cpu: endedChildrenCpuSeconds() };
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: limit });
  traceCommand(command, args, cwd, started);
  if (result.status !== 0) {
    const how = result.status === null ? explainEnd(result, COMMAND_LIMIT_MS, limit, SKIP) : `exited ${result.status}`;
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) ${how}:\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

/**
 * With `GLIDEPATH_TRACE_COMMANDS=<file>`, appends each command's CPU and wall seconds to the file:
 * where these suites' minutes go, command by command.
 */
function traceCommand(command: string, args: string[], cwd: string, started: { wall: number; cpu: number | undefined }): void {
  const file = process.env.GLIDEPATH_TRACE_COMMANDS;
  if (!file) return;
  const end = endedChildrenCpuSeconds();
  const cpu = end === undefined || started.cpu === undefined ? '?' : (end - started.cpu).toFixed(1);
  const wall = ((Date.now() - started.wall) / 1000).toFixed(1);
  fs.appendFileSync(
    file,
    `${cpu.padStart(6)} s CPU ${wall.padStart(6)} s wall  ${path.basename(cwd)}$ ${path.basename(command)} ${args.join(' ')}\n`,
  );
}

/** A packed glidepath tarball and the files `npm pack` put into it. */
export interface Packed {
  readonly tarball: string;
  readonly files: readonly { readonly path: string; readonly mode: number }[];
}

/** What the package is built from; a change to any of them packs again. */
const PACKED_SOURCES = [
  'lib',
  'constructs',
  'bin',
  'schema',
  'package.json',
  'README.md',
  'LICENSE',
  'tsconfig.json',
  'tsconfig.build.json',
];

/**
 * Builds the library as `npm run build` does (into a staged copy, not the working tree's dist/, so
 * parallel runs never race) and packs it with `npm pack`. Once per run: the consumer-app and trial
 * suites share the tarball (test/support/run-cache.ts, keyed by the sources' content); the other
 * waits while the first builds.
 */
export function packGlidepath(): Packed {
  const dir = cacheDir(PACKED_SOURCES);
  return JSON.parse(produceOnce(path.join(dir, 'packed.json'), () => JSON.stringify(pack(dir))));
}

function pack(dir: string): Packed {
  const stage = fs.mkdtempSync(path.join(dir, 'stage-'));
  try {
    run(process.execPath, [path.join(ROOT, 'bin', 'build.js'), path.join(stage, 'dist')], ROOT);
    for (const file of ['README.md', 'LICENSE', 'schema', path.join('bin', 'glidepath-bin.js')]) {
      fs.cpSync(path.join(ROOT, file), path.join(stage, file), { recursive: true });
    }
    // What `prepack` writes before `npm pack` (bin/publish-manifest.js strip): no install-time scripts.
    fs.writeFileSync(path.join(stage, 'package.json'), publishedManifest(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')));
    const packed = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], stage).stdout) as {
      filename: string;
      files: Packed['files'];
    }[];
    return { tarball: path.join(dir, packed[0].filename), files: packed[0].files };
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}
