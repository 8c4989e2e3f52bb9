import type { Command } from 'commander';
import { loadDefinitionFile } from '../../lib/model/load';
import { DefinitionError } from '../../lib/model/problems';
import { nameCollisions } from '../../lib/plan/deploy-limits';
import type { CommandContext } from './context';

/** `glidepath validate <definition>`: every problem, or the promotion order when valid. */
export function registerValidate(program: Command, { io }: CommandContext): void {
  program
    .command('validate')
    .description('Validate a definition and print every problem')
    .argument(
      '<definition...>',
      'definition files (.yaml, .yml, .json or .ts); several are also checked for physical names they would share in one app',
    )
    .action((files: string[]) => {
      const loaded = files.map((file) => ({ source: file, definition: loadDefinitionFile(file) }));
      const collisions = nameCollisions(loaded);
      if (collisions.length > 0) throw new DefinitionError(collisions, files.join(', '));
      for (const { source, definition } of loaded) {
        io.out(`${source}: valid (${definition.service}: ${definition.environments.map((e) => e.name).join(' → ')})\n`);
      }
    });
}
