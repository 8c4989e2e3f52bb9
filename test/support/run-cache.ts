import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Outputs the suites of one run share (the synthesized examples, the packed tarball), produced by
 * the first suite that asks and read by the others. A directory per content key:
 * `os.tmpdir()/glidepath-test-outputs/<key>`, where the key hashes the files the output is made
 * from, the lockfile (standing for node_modules), the Node version and `GLIDEPATH_RELEASE_COMMIT`.
 * A change to any of them is a new key, so a cached output is never stale.
 */

const ROOT = path.join(__dirname, '..', '..');
/** How often a waiting worker looks whether the one producing has finished. */
const POLL_MS = 100;

const keys = new Map<string, string>();

/** The directory for outputs made from `sources` (repository-relative files and folders), created. */
export function cacheDir(sources: readonly string[]): string {
  const parent = path.join(os.tmpdir(), 'glidepath-test-outputs');
  const dir = path.join(parent, cacheKey(sources));
  if (!fs.existsSync(dir)) {
    fs.mkdirSync(dir, { recursive: true });
    removeOlderThan(parent, STALE_MS);
  }
  return dir;
}

/** Outputs of sources that changed a day ago are no run's any more; each key holds a few MB. */
const STALE_MS = 24 * 3600 * 1000;

function removeOlderThan(parent: string, ms: number): void {
  for (const entry of fs.readdirSync(parent)) {
    const old = path.join(parent, entry);
    try {
      if (Date.now() - fs.statSync(old).mtimeMs > ms) fs.rmSync(old, { recursive: true, force: true });
    } catch {
      // Another run removed it first.
    }
  }
}

/** The hash of the sources' contents and the environment synthesis reads; a few milliseconds. */
function cacheKey(sources: readonly string[]): string {
  const id = sources.join('\0');
  const known = keys.get(id);
  if (known) return known;
  const hash = crypto.createHash('sha256');
  hash.update(`node ${process.version}\0commit ${process.env.GLIDEPATH_RELEASE_COMMIT ?? ''}\0`);
  const files = ['package-lock.json', ...sources.flatMap((source) => filesUnder(source))].sort();
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(fs.readFileSync(path.join(ROOT, file)));
    hash.update('\0');
  }
  const key = hash.digest('hex').slice(0, 24);
  keys.set(id, key);
  return key;
}

/** Repository-relative paths of a file, or of the files under a folder. */
function filesUnder(source: string): string[] {
  const full = path.join(ROOT, source);
  if (fs.statSync(full).isFile()) return [source];
  return (fs.readdirSync(full, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
}

/**
 * Returns the content of `file`, producing it first when it does not exist. One process produces
 * (it holds `file.lock`, created exclusively, with its pid); the others wait for the file, for as
 * long as the producer is alive: progress, not a fixed time, decides. A producer that died leaves
 * a lock whose pid is gone; the next caller removes it and produces.
 */
export function produceOnce(file: string, produce: () => string): string {
  const lock = `${file}.lock`;
  for (;;) {
    if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8');
    let fd: number;
    try {
      fd = fs.openSync(lock, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (!isAlive(lockOwner(lock), lock)) fs.rmSync(lock, { force: true });
      else sleep(POLL_MS);
      continue;
    }
    try {
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      const text = produce();
      const staged = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(staged, text);
      fs.renameSync(staged, file);
      return text;
    } finally {
      fs.rmSync(lock, { force: true });
    }
  }
}

function lockOwner(lock: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(lock, 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the lock's owner is alive; a lock created but not yet written counts as alive for a few seconds. */
function isAlive(pid: number | undefined, lock: string): boolean {
  if (pid === undefined) {
    try {
      return Date.now() - fs.statSync(lock).mtimeMs < 10_000;
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
