import * as fs from 'node:fs';
import * as path from 'node:path';
import { environmentOf, type ServiceDefinition } from '../../lib/model/service-definition';

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
 * Writes every file or none: all content is produced before this runs, files go to a temporary
 * sibling directory first, and only then are moved into place.
 */
export function writeAll(outDir: string, files: Record<string, string>): void {
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

/** Writes one file atomically (temporary file, then rename), or to stdout when no path is given. */
export function writeOutput(io: CliIo, text: string, file?: string): void {
  if (!file) {
    io.out(text);
    return;
  }
  const target = path.resolve(file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const temporary = `${target}.tmp-${process.pid}`;
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, target);
}
