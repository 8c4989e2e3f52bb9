import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root. */
export const ROOT = path.join(__dirname, '..', '..');
/** Environment of the commands the slow example tests run: offline CDK, no npm notices. */
export const ENV: NodeJS.ProcessEnv = {
  ...process.env,
  CDK_DISABLE_VERSION_CHECK: 'true',
  npm_config_update_notifier: 'false',
  CI: 'true',
};

/** Runs a command and returns its output; throws with both streams when it exits non-zero. */
export function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = ENV): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 300_000 });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

/** A packed glidepath tarball and the files `npm pack` put into it. */
export interface Packed {
  readonly tarball: string;
  readonly files: readonly { readonly path: string; readonly mode: number }[];
}

/**
 * Builds the library as `npm run build` does (into a staged copy, not the working tree's dist/, so
 * parallel runs never race) and packs it with `npm pack` into `tmp`.
 */
export function packGlidepath(tmp: string): Packed {
  const stage = path.join(tmp, 'glidepath');
  run(process.execPath, [path.join(ROOT, 'bin', 'build.js'), path.join(stage, 'dist')], ROOT);
  for (const file of ['package.json', 'README.md', 'LICENSE', 'schema', path.join('bin', 'glidepath-bin.js')]) {
    fs.cpSync(path.join(ROOT, file), path.join(stage, file), { recursive: true });
  }
  const packed = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], stage).stdout) as {
    filename: string;
    files: Packed['files'];
  }[];
  return { tarball: path.join(tmp, packed[0].filename), files: packed[0].files };
}
