/**
 * The `glidepath` command line. `main()` returns the exit code instead of exiting, so tests run it
 * in-process.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { loadDefinitionFile } from '../lib/model/load';
import { DefinitionError } from '../lib/model/problems';
import { environmentOf, type ServiceDefinition } from '../lib/model/service-definition';
import { synthesizeArtifacts, Target, targetsFor } from './artifacts';

/** Where the CLI writes; tests capture it. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Runs the CLI with `argv` (without `node` and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let exitCode = 0;
  const program = new Command('glidepath')
    .description('One definition of how a service ships: CloudFormation, Kubernetes manifests and a runbook.')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError();

  program
    .command('synth')
    .description('Synthesize CloudFormation templates, Kubernetes manifests and runbooks for a definition')
    .argument('<definition>', 'definition file (.yaml, .yml, .json or .ts)')
    .option('-e, --env <name...>', 'only these environments (default: all)')
    .addOption(
      new Option('-t, --target <target...>', 'only these targets (default: every target the workload runs on)').choices(Object.values(Target)),
    )
    .option('-o, --out <dir>', 'output directory', 'glidepath-out')
    .action((file: string, opts: { env?: string[]; target?: Target[]; out: string }) => {
      const definition = loadDefinitionFile(file);
      const environments = selectEnvironments(definition, opts.env);
      const targets = opts.target ?? targetsFor(definition);
      if (targets.includes(Target.KUBERNETES) && !definition.workload.container) {
        throw new Error(`${file}: "${definition.service}" is a function; the k8s target runs containers, use --target aws`);
      }
      const { files, warnings } = synthesizeArtifacts(definition, { environments, targets });
      writeAll(opts.out, files);
      for (const warning of warnings) io.err(`warning: ${warning}\n`);
      io.out(Object.keys(files).map((f) => `wrote ${path.join(opts.out, f)}\n`).join(''));
    });

  program
    .command('validate')
    .description('Validate a definition and print every problem')
    .argument('<definition>', 'definition file (.yaml, .yml, .json or .ts)')
    .action((file: string) => {
      const definition = loadDefinitionFile(file);
      io.out(`${file}: valid (${definition.service}: ${definition.environments.map((e) => e.name).join(' → ')})\n`);
    });

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
    exitCode = 1;
  }
  return exitCode;
}

function selectEnvironments(definition: ServiceDefinition, names: string[] | undefined): string[] | undefined {
  if (!names) return undefined;
  // environmentOf throws a message listing the environments that exist.
  return names.map((name) => environmentOf(definition, name).name);
}

/**
 * Writes every file or none: all content is produced before this runs, files go to a temporary
 * sibling directory first, and only then are moved into place.
 */
function writeAll(outDir: string, files: Record<string, string>): void {
  const target = path.resolve(outDir);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const staging = fs.mkdtempSync(`${target}.tmp-`);
  try {
    for (const [name, text] of Object.entries(files)) {
      const file = path.join(staging, name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
    }
    for (const name of Object.keys(files)) {
      const destination = path.join(target, name);
      fs.mkdirSync(path.dirname(destination), { recursive: true });
      fs.renameSync(path.join(staging, name), destination);
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
