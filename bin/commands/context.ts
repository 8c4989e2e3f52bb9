import { environmentOf, type ServiceDefinition } from '../../lib/model/service-definition';
import { replaceDirectory, replaceFile } from './output-writer';

/** Where the CLI writes; tests capture it. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** What every command gets: output streams and a way to set the exit code. */
export interface CommandContext {
  readonly io: CliIo;
  /** Sets the process exit code (a thrown error sets 1 by itself). */
  setExitCode(code: number): void;
}

/** Resolves `--env` names against a definition (the error lists the environments that exist). */
export function selectEnvironments(definition: ServiceDefinition, names: readonly string[] | undefined): string[] | undefined {
  return names?.map((name) => environmentOf(definition, name).name);
}

/**
 * Writes every file or none, replacing `outDir` as a whole (see `replaceDirectory`): afterwards it
 * holds the complete previous or the complete new output, whatever interrupts the run. What an
 * interrupted earlier run left is put back first and reported on stderr.
 */
export function writeAll(outDir: string, files: Record<string, string>, io?: CliIo): void {
  for (const line of replaceDirectory(outDir, files)) io?.err(`glidepath: ${line}\n`);
}

/** Writes one file atomically (temporary file beside it, then rename), or to stdout when no path is given. */
export function writeOutput(io: CliIo, text: string, file?: string): void {
  if (file === undefined) {
    io.out(text);
    return;
  }
  replaceFile(file, text);
}
