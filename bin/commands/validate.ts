import type { Command } from 'commander';
import { loadDefinitionFile } from '../../lib/model/load';
import type { CommandContext } from './context';

/** `glidepath validate <definition>`: every problem, or the promotion order when valid. */
export function registerValidate(program: Command, { io }: CommandContext): void {
  program
    .command('validate')
    .description('Validate a definition and print every problem')
    .argument('<definition>', 'definition file (.yaml, .yml, .json or .ts)')
    .action((file: string) => {
      const definition = loadDefinitionFile(file);
      io.out(`${file}: valid (${definition.service}: ${definition.environments.map((e) => e.name).join(' → ')})\n`);
    });
}
