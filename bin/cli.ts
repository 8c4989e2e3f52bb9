/**
 * The `glidepath` command line. `main()` returns the exit code instead of exiting, so tests run it
 * in-process. Each command lives in `bin/commands/<name>.ts` and registers itself here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError } from 'commander';
import { DefinitionError } from '../lib/model/problems';
import type { CliIo, CommandContext } from './commands/context';
import { registerCheck } from './commands/check';
import { registerInit } from './commands/init';
import { registerPipeline } from './commands/pipeline';
import { registerRunbook } from './commands/runbook';
import { registerSmokeTest } from './commands/smoke-test';
import { registerSynth } from './commands/synth';
import { registerValidate } from './commands/validate';

export type { CliIo } from './commands/context';

const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** glidepath's version, from its package.json (bin/ in a checkout, dist/bin/ in the package). */
export function glidepathVersion(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'glidepath' && manifest.version) return manifest.version;
    }
    if (path.dirname(dir) === dir) return 'unknown';
  }
}

/** Runs the CLI with `argv` (without `node` and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let exitCode = 0;
  const program = new Command('glidepath')
    .description('One definition of how a service ships: CloudFormation, Kubernetes manifests and a runbook.')
    .version(glidepathVersion(), '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError();
  const context: CommandContext = { io, setExitCode: (code) => (exitCode = code) };
  for (const register of [
    registerSynth,
    registerValidate,
    registerCheck,
    registerRunbook,
    registerInit,
    registerSmokeTest,
    registerPipeline,
  ]) {
    register(program, context);
  }

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
    }
    if (error instanceof DefinitionError) {
      io.err(`${error.message}\n`);
      return 1;
    }
    io.err(`glidepath: ${(error as Error).message}\n`);
    return 1;
  }
  return exitCode;
}
