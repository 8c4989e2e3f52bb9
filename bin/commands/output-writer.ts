/**
 * Writes the CLI's output so that an interrupted run never leaves a mix of old and new files.
 *
 * A directory is replaced as a whole: the new content is written into a staging directory beside
 * the target (same parent, so same filesystem: `rename` never fails with EXDEV), then the old
 * directory is renamed aside, the staging directory renamed into place, and the old one removed.
 * Each rename is atomic. A kill between the two renames leaves the target missing and the previous
 * content complete beside it; the next run puts it back (and says so) before doing anything else.
 *
 * A directory that cannot be renamed (a mount point: a bind mount or volume in a container or CI,
 * where `rename` fails with EBUSY) has its contents replaced instead, through a journal inside it:
 * the new content is written completely into `.glidepath-staging-<pid>` inside the directory, the
 * old entries are moved into `.glidepath-previous` inside it, a `.glidepath-swap-in` file there
 * records the point of no return, then the new entries are moved in. Every move is a rename on the
 * directory's own filesystem. A kill before the journal file leaves the old content to be moved
 * back; after it, the new content to be moved in: the next run (`recoverInterrupted`) finishes
 * either way, so what is left is never a mix once it has run.
 *
 * Only Node's `fs` is imported: the kill test runs this file in child processes it kills.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Marks a directory as written by glidepath, so it may be replaced as a whole. */
export const OUTPUT_MARKER = '.glidepath-output';
/** Top-level entries of output written before the marker existed. */
const GLIDEPATH_ENTRIES = new Set([OUTPUT_MARKER, 'aws', 'k8s', 'runbooks', 'smoke-tests', 'workflows', 'assets']);

const STAGING = '.glidepath-staging-';
const PREVIOUS = '.glidepath-previous';
const TEMPORARY = '.glidepath-tmp-';
/**
 * Inside a replaced-in-place directory: the old content once the new one is in, renamed here in one
 * step before it is removed (a recursive removal is not atomic: it could delete the journal first
 * and leave old entries that a later recovery would take for content being moved aside).
 */
const DISCARDED = '.glidepath-discarded';
/** Inside `.glidepath-previous` of a replaced-in-place directory: the new content is being moved in. */
const SWAP_IN = '.glidepath-swap-in';
/** Errors of renaming a directory that is a mount point (EBUSY on Linux; EXDEV/EPERM elsewhere). */
const NOT_RENAMEABLE = new Set(['EBUSY', 'EXDEV', 'EPERM']);

/** Thrown for an output path the CLI must not write to; the message says why and what to do. */
export class OutputError extends Error {}

/**
 * Puts back what an interrupted run left beside `target`: the previous content when the target is
 * missing, and removes staging directories and temporary files of runs that are no longer alive.
 * @returns one line per thing done, for the user
 */
export function recoverInterrupted(target: string): string[] {
  const done: string[] = recoverInPlace(target);
  const previous = `${target}${PREVIOUS}`;
  if (fs.existsSync(previous)) {
    if (!fs.existsSync(target)) {
      fs.renameSync(previous, target);
      done.push(`restored ${target} to its previous content: an earlier run was interrupted while replacing it`);
    } else {
      // The new content was already in place when the earlier run stopped; only the old copy is left.
      fs.rmSync(previous, { recursive: true, force: true });
      done.push(`removed ${previous}, left by an interrupted earlier run (${target} is complete)`);
    }
  }
  const parent = path.dirname(target);
  const base = path.basename(target);
  let siblings: string[] = [];
  try {
    siblings = fs.readdirSync(parent);
  } catch {
    return done;
  }
  for (const name of siblings) {
    for (const marker of [STAGING, TEMPORARY]) {
      if (!name.startsWith(`${base}${marker}`)) continue;
      const pid = Number(name.slice(base.length + marker.length));
      if (pid !== process.pid && isAlive(pid)) continue; // another run, still writing
      fs.rmSync(path.join(parent, name), { recursive: true, force: true });
      done.push(`removed ${path.join(parent, name)}, left by an interrupted earlier run`);
    }
  }
  return done;
}

/**
 * Replaces directory `outDir` with exactly `files` (relative path → content), atomically as seen
 * by anyone reading it afterwards: the complete previous content or the complete new content.
 * Refuses an empty path, and a directory that holds anything glidepath did not write.
 * @returns what was recovered from an interrupted earlier run, one line each
 */
export function replaceDirectory(outDir: string, files: Readonly<Record<string, string>>): string[] {
  if (outDir.trim() === '') {
    throw new OutputError('--out is empty; name the output directory, e.g. --out glidepath-out');
  }
  const target = path.resolve(outDir);
  if (target === path.parse(target).root) {
    throw new OutputError(`--out ${outDir} is the filesystem root; name a directory for the output, e.g. --out glidepath-out`);
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const recovered = recoverInterrupted(target);
  if (fs.existsSync(target)) {
    if (!fs.statSync(target).isDirectory()) {
      throw new OutputError(`--out ${outDir} is a file; name a directory for the output`);
    }
    const foreign = fs.readdirSync(target).filter((name) => !GLIDEPATH_ENTRIES.has(name) && !name.startsWith(STAGING));
    if (foreign.length > 0 && !fs.existsSync(path.join(target, OUTPUT_MARKER))) {
      throw new OutputError(
        `--out ${outDir} holds files glidepath did not write (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}) and is replaced as a whole; choose a new or empty directory, e.g. --out glidepath-out`,
      );
    }
  }
  const staging = `${target}${STAGING}${process.pid}`;
  try {
    writeTree(staging, files);
    const previous = `${target}${PREVIOUS}`;
    if (fs.existsSync(target)) {
      try {
        fs.renameSync(target, previous);
      } catch (error) {
        if (!NOT_RENAMEABLE.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
        // A mount point: replace what is inside it instead (staged inside it, on its own filesystem).
        fs.rmSync(staging, { recursive: true, force: true });
        replaceContents(target, files);
        return recovered;
      }
      // A kill here leaves `previous` complete and `target` missing: recoverInterrupted() restores it.
      fs.renameSync(staging, target);
      fs.rmSync(previous, { recursive: true, force: true });
    } else {
      fs.renameSync(staging, target);
    }
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  return recovered;
}

/** Writes `files` and the output marker into a new directory `dir` (removing what was there). */
function writeTree(dir: string, files: Readonly<Record<string, string>>): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, OUTPUT_MARKER), 'Written by glidepath synth; this directory is replaced as a whole by the next run.\n');
  for (const [name, text] of Object.entries(files)) {
    const file = path.resolve(dir, name);
    if (!file.startsWith(dir + path.sep)) throw new OutputError(`refusing to write ${name} outside the output directory`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
}

/** Replaces the contents of `target`, which cannot be renamed, through the journal described above. */
function replaceContents(target: string, files: Readonly<Record<string, string>>): void {
  const stagingName = `${STAGING}${process.pid}`;
  const staging = path.join(target, stagingName);
  const previous = path.join(target, PREVIOUS);
  try {
    writeTree(staging, files);
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  fs.mkdirSync(previous);
  for (const name of fs.readdirSync(target)) {
    if (name !== PREVIOUS && name !== DISCARDED && !name.startsWith(STAGING))
      fs.renameSync(path.join(target, name), path.join(previous, name));
  }
  // The point of no return: from here an interrupted run is finished forwards (the staging is complete).
  fs.writeFileSync(path.join(previous, SWAP_IN), stagingName);
  moveIn(target, staging);
  discard(target, previous);
}

/** Removes the old content `previous` of `target`: first renamed to DISCARDED (atomic), then deleted. */
function discard(target: string, previous: string): void {
  const discarded = path.join(target, DISCARDED);
  fs.renameSync(previous, discarded);
  fs.rmSync(discarded, { recursive: true, force: true });
}

/** Moves every entry of `staging` into `target`, then removes `staging`. */
function moveIn(target: string, staging: string): void {
  for (const name of fs.readdirSync(staging)) fs.renameSync(path.join(staging, name), path.join(target, name));
  fs.rmSync(staging, { recursive: true, force: true });
}

/** Finishes a replacement in place that a kill interrupted: forwards after the journal's point of no return, else back. */
function recoverInPlace(target: string): string[] {
  const previous = path.join(target, PREVIOUS);
  // Old content already replaced, interrupted while being deleted: finish deleting it.
  fs.rmSync(path.join(target, DISCARDED), { recursive: true, force: true });
  if (!fs.existsSync(previous)) return removeDeadStaging(target);
  const journal = path.join(previous, SWAP_IN);
  if (fs.existsSync(journal)) {
    // A kill while the journal was written leaves it empty: the staging is then the one left in target.
    const named = fs.readFileSync(journal, 'utf8');
    const stagingName = named.startsWith(STAGING) ? named : fs.readdirSync(target).find((n) => n.startsWith(STAGING));
    const staging = stagingName && path.join(target, stagingName);
    if (staging && fs.existsSync(staging)) moveIn(target, staging);
    discard(target, previous);
    return [`finished replacing the contents of ${target}: an earlier run was interrupted while moving the new content in`];
  }
  for (const name of fs.readdirSync(previous)) fs.renameSync(path.join(previous, name), path.join(target, name));
  fs.rmSync(previous, { recursive: true, force: true });
  removeDeadStaging(target);
  return [`restored the contents of ${target}: an earlier run was interrupted while moving the old content aside`];
}

/** Removes staging directories inside `target` whose run is no longer alive. */
function removeDeadStaging(target: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(target);
  } catch {
    return [];
  }
  const done: string[] = [];
  for (const name of names.filter((n) => n.startsWith(STAGING))) {
    const pid = Number(name.slice(STAGING.length));
    if (pid !== process.pid && isAlive(pid)) continue;
    fs.rmSync(path.join(target, name), { recursive: true, force: true });
    done.push(`removed ${path.join(target, name)}, left by an interrupted earlier run`);
  }
  return done;
}

/**
 * Writes one file atomically: a temporary file beside it, then a rename. On failure (a full disk)
 * the temporary file is removed and the target left as it was.
 */
export function replaceFile(file: string, text: string): void {
  if (file.trim() === '') {
    throw new OutputError('--output is empty; name the file to write, or leave --output out to print to stdout');
  }
  const target = path.resolve(file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  recoverInterrupted(target);
  const temporary = `${target}${TEMPORARY}${process.pid}`;
  try {
    fs.writeFileSync(temporary, text);
    fs.renameSync(temporary, target);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
