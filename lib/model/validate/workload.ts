import * as fs from 'node:fs';
import * as path from 'node:path';
import { Duration } from '../duration';
import { problem, type Problem } from '../problems';
import type { Checkable } from './checkable';

/**
 * Lambda runs a function for at least 1 second and at most 900 seconds (15 minutes), in whole seconds.
 * @see https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html#lambda-CreateFunction-request-Timeout
 */
export const LAMBDA_TIMEOUT_MAX = Duration.minutes(15);

/** Refuses a function timeout Lambda does not accept. */
export function checkFunctionTimeout(def: Checkable, problems: Problem[]): void {
  const timeout = def.workload?.function?.timeout;
  if (!timeout) return;
  const seconds = timeout.toSeconds();
  if (seconds < 1 || seconds > LAMBDA_TIMEOUT_MAX.toSeconds() || !Number.isInteger(seconds)) {
    problems.push(
      problem(
        ['workload', 'function', 'timeout'],
        timeout.toString(),
        `Lambda runs a function for a whole number of seconds from "1s" to "${LAMBDA_TIMEOUT_MAX}"; use a value in that range (longer work belongs in a container workload or a queue)`,
      ),
    );
  }
}

/**
 * Refuses a function `code` directory the targets could not package: one that does not exist, a
 * file, the filesystem root, or a directory above the definition's (packaging would read everything
 * under it: other projects, devices, `node_modules`). The definition's own directory is allowed (a
 * folder holding a handler and its definition). Only when the definition's directory is known
 * (`baseDirectory`), since `code` is relative to it.
 */
export function checkFunctionCode(def: Checkable, baseDirectory: string | undefined, problems: Problem[]): void {
  const code = def.workload?.function?.code;
  if (code === undefined || baseDirectory === undefined) return;
  const at = ['workload', 'function', 'code'];
  const base = path.resolve(baseDirectory);
  const directory = path.resolve(base, code);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(directory);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code;
    problems.push(
      problem(
        at,
        code,
        reason === 'ENOENT' || reason === 'ENOTDIR'
          ? `${directory} does not exist; point "code" at the directory holding the function's code, relative to the definition (${base})`
          : `${directory} cannot be read (${reason ?? 'unknown error'}); point "code" at a directory the deploying user can read`,
      ),
    );
    return;
  }
  if (!stat.isDirectory()) {
    problems.push(
      problem(
        at,
        code,
        `${directory} is a file; point "code" at the directory holding it (the whole directory is packaged as the function)`,
      ),
    );
    return;
  }
  // `base` inside `directory`, strictly: the code directory would hold the definition's whole folder.
  const relative = path.relative(directory, base);
  const above = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  if (directory === path.parse(directory).root || above) {
    problems.push(
      problem(
        at,
        code,
        `it resolves to ${directory}, which ${directory === path.parse(directory).root ? 'is the filesystem root' : `holds the definition's directory (${base})`}; the whole directory is packaged as the function, so point "code" at the directory holding only the function's code, e.g. "src"`,
      ),
    );
  }
}
