import { Option, type Command } from 'commander';
import { loadDefinitionFile } from '../../lib/model/load';
import { environmentOf } from '../../lib/model/service-definition';
import { Target } from '../../lib/targets/target';
import { assertSupported, CLI_TARGETS, renderTargetRunbooks } from '../targets';
import { runbookFileName } from '../../lib/runbook/anchors';
import { writeOutput, type CommandContext } from './context';

/** `glidepath runbook <definition> --env NAME --target aws|k8s|pulumi`: one runbook, to stdout or a file. */
export function registerRunbook(program: Command, { io }: CommandContext): void {
  program
    .command('runbook')
    .description('Render the runbook of one environment and target (stdout by default)')
    .argument('<definition>', 'definition file (.yaml, .yml, .json or .ts)')
    .requiredOption('-e, --env <name>', 'environment')
    .addOption(new Option('-t, --target <target>', 'target').choices([...CLI_TARGETS]).default(Target.AWS))
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action((file: string, opts: { env: string; target: Target; output?: string }) => {
      const definition = loadDefinitionFile(file);
      const env = environmentOf(definition, opts.env).name;
      assertSupported(file, definition, [opts.target]);
      const { files, warnings } = renderTargetRunbooks(definition, [opts.target], [env]);
      for (const warning of warnings) io.err(`warning: ${warning}\n`);
      writeOutput(io, files[`runbooks/${runbookFileName(definition.service, env, opts.target)}`], opts.output);
    });
}
