import * as path from 'node:path';
import { Option, type Command } from 'commander';
import { loadDefinitionFile } from '../../lib/model/load';
import type { Target } from '../../lib/targets/target';
import { assertSupported, CLI_TARGETS, synthesizeTargets, targetsFor } from '../targets';
import { selectEnvironments, writeAll, type CommandContext } from './context';
import { OutputError } from './output-writer';

/** `glidepath synth <definition>`: templates, manifests and runbooks into a directory. */
export function registerSynth(program: Command, { io }: CommandContext): void {
  program
    .command('synth')
    .description('Synthesize CloudFormation templates, Kubernetes manifests and runbooks for a definition')
    .argument('<definition>', 'definition file (.yaml, .yml, .json or .ts)')
    .option('-e, --env <name...>', 'only these environments (default: all)')
    .addOption(
      new Option('-t, --target <target...>', 'only these targets (default: every target the workload runs on)').choices([...CLI_TARGETS]),
    )
    .option('-o, --out <dir>', 'output directory, replaced as a whole', 'glidepath-out')
    .action((file: string, opts: { env?: string[]; target?: Target[]; out: string }) => {
      if (opts.out.trim() === '') {
        throw new OutputError('--out is empty; name the output directory, e.g. --out glidepath-out');
      }
      const definition = loadDefinitionFile(file);
      const environments = selectEnvironments(definition, opts.env) ?? definition.environments.map((e) => e.name);
      const targets = opts.target ?? targetsFor(definition);
      assertSupported(file, definition, targets);
      const { files, warnings } = synthesizeTargets(definition, targets, environments);
      writeAll(opts.out, files, io);
      for (const warning of warnings) io.err(`warning: ${warning}\n`);
      io.out(Object.keys(files).map((f) => `wrote ${path.join(opts.out, f)}\n`).join(''));
    });
}
