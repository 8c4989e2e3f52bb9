import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { OUTPUT_MARKER, recoverInterrupted, replaceDirectory, replaceFile } from '../../bin/commands/output-writer';
import { main } from '../../bin/cli';
import { scaled } from '../support/budget';

/** Files of one generation: every file says which generation wrote it. */
function generation(gen: number, count = 60): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`d${i % 5}/f${i}.txt`, `generation ${gen} file ${i}\n`]));
}

/** Every file under `dir`, relative, sorted. */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out.push(path.relative(dir, full));
    }
  };
  walk(dir);
  return out.sort();
}

/** The single generation `dir` holds completely; fails on a mix or a partial set. */
function completeGeneration(dir: string, count = 60): number {
  const expected = [...Object.keys(generation(0, count)), OUTPUT_MARKER].sort();
  expect(listFiles(dir)).toEqual(expected);
  const gens = new Set(
    Object.keys(generation(0, count)).map((f) => /^generation (\d+)/.exec(fs.readFileSync(path.join(dir, f), 'utf8'))![1]),
  );
  expect(gens.size).toBe(1);
  return Number([...gens][0]);
}

/** A seeded PRNG (mulberry32), so a failing run can be repeated. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-out-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A replacement in place stopped at its point of no return: generation 2 staged, every old entry moved aside. */
function stageAndMoveAside(out: string, stagingName: string): string {
  const staging = path.join(out, stagingName);
  fs.mkdirSync(staging);
  for (const [name, text] of Object.entries(generation(2))) {
    fs.mkdirSync(path.dirname(path.join(staging, name)), { recursive: true });
    fs.writeFileSync(path.join(staging, name), text);
  }
  fs.writeFileSync(path.join(staging, OUTPUT_MARKER), 'x');
  fs.mkdirSync(path.join(out, '.glidepath-previous'));
  for (const name of fs.readdirSync(out).filter((n) => !n.startsWith('.glidepath-'))) {
    fs.renameSync(path.join(out, name), path.join(out, '.glidepath-previous', name));
  }
  fs.renameSync(path.join(out, OUTPUT_MARKER), path.join(out, '.glidepath-previous', OUTPUT_MARKER));
  return staging;
}

describe('replaceDirectory', () => {
  test('replaces the whole directory, leaves nothing beside it', () => {
    const out = path.join(dir, 'out');
    replaceDirectory(out, generation(1));
    replaceDirectory(out, { 'only.txt': 'x' });
    expect(listFiles(out)).toEqual([OUTPUT_MARKER, 'only.txt']);
    expect(fs.readdirSync(dir)).toEqual(['out']);
  });

  test('refuses an empty path, the filesystem root and a directory holding files it did not write', () => {
    expect(() => replaceDirectory('', {})).toThrow('--out is empty; name the output directory');
    expect(() => replaceDirectory('/', {})).toThrow('is the filesystem root');
    const mine = path.join(dir, 'project');
    fs.mkdirSync(mine);
    fs.writeFileSync(path.join(mine, 'package.json'), '{}');
    expect(() => replaceDirectory(mine, generation(1))).toThrow(`--out ${mine} holds files glidepath did not write (package.json)`);
    expect(fs.readdirSync(mine)).toEqual(['package.json']);
  });

  test('a kill between the two renames: the next run restores the previous content and says so', () => {
    const out = path.join(dir, 'out');
    replaceDirectory(out, generation(1));
    // What a kill right after renaming the old directory aside leaves: no target, the old one beside it, a staging dir.
    fs.renameSync(out, `${out}.glidepath-previous`);
    fs.mkdirSync(`${out}.glidepath-staging-999999999`);
    const done = recoverInterrupted(out);
    expect(done).toEqual([
      `restored ${out} to its previous content: an earlier run was interrupted while replacing it`,
      `removed ${out}.glidepath-staging-999999999, left by an interrupted earlier run`,
    ]);
    expect(completeGeneration(out)).toBe(1);
    expect(fs.readdirSync(dir)).toEqual(['out']);
  });

  test('stages beside the target, so another filesystem than the temporary directory works (no EXDEV)', () => {
    const shm = '/dev/shm';
    if (!fs.existsSync(shm) || fs.statSync(shm).dev === fs.statSync(os.tmpdir()).dev) return;
    const other = fs.mkdtempSync(path.join(shm, 'glidepath-out-'));
    try {
      replaceDirectory(path.join(other, 'out'), generation(2));
      replaceDirectory(path.join(other, 'out'), generation(3));
      expect(completeGeneration(path.join(other, 'out'))).toBe(3);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  test(
    'SIGKILL at random points, including between the renames: never a mix, always restorable',
    async () => {
      // The writer runs in plain node processes (compiled here), so each run starts in milliseconds.
      const source = fs.readFileSync(path.join(__dirname, '..', '..', 'bin', 'commands', 'output-writer.ts'), 'utf8');
      const js = ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      }).outputText;
      const harness = path.join(dir, 'harness');
      fs.mkdirSync(harness);
      fs.writeFileSync(path.join(harness, 'output-writer.js'), js);
      // Each rename is followed by a short random pause, so kills often land between the two renames.
      fs.writeFileSync(
        path.join(harness, 'writer.js'),
        `const fs = require('node:fs');
const rename = fs.renameSync;
fs.renameSync = (a, b) => { rename(a, b); const end = Date.now() + Math.random() * 15; while (Date.now() < end) {} };
const { replaceDirectory } = require('./output-writer.js');
const [out, start] = [process.argv[2], Number(process.argv[3])];
const files = (gen) => Object.fromEntries(Array.from({ length: 60 }, (_, i) => ['d' + (i % 5) + '/f' + i + '.txt', 'generation ' + gen + ' file ' + i + '\\n']));
process.stdout.write('ready\\n');
for (let gen = start + 1; ; gen++) replaceDirectory(out, files(gen));
`,
      );
      const out = path.join(dir, 'out');
      replaceDirectory(out, generation(0));
      const runs = Number(process.env.GLIDEPATH_KILL_RUNS ?? 12);
      const next = random(Number(process.env.GLIDEPATH_KILL_SEED ?? 19));
      let restored = 0;
      let last = 0;
      for (let run = 0; run < runs; run++) {
        const child = spawn(process.execPath, [path.join(harness, 'writer.js'), out, String(last * 1000)], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
        await new Promise((resolve) => setTimeout(resolve, next() * 40));
        child.kill('SIGKILL');
        await new Promise((resolve) => child.once('exit', resolve));
        // Right after the kill: the target is complete, or missing with the complete previous content beside it.
        if (!fs.existsSync(out)) {
          completeGeneration(`${out}.glidepath-previous`);
          restored++;
        } else {
          completeGeneration(out);
        }
        recoverInterrupted(out);
        last = completeGeneration(out);
        expect(
          fs
            .readdirSync(dir)
            .filter((n) => n.startsWith('out'))
            .sort(),
        ).toEqual(['out']);
      }
      // The pauses make the window between the renames wide enough that some kills land in it.
      expect(runs < 50 || restored > 0).toBe(true);
      process.stdout.write(`kill test: ${runs} runs, ${restored} killed between the renames and restored\n`);
    },
    scaled(5_000 * Number(process.env.GLIDEPATH_KILL_RUNS ?? 12)),
  );
});

/** Compiles the writer to plain JavaScript beside a harness, so child processes start in milliseconds. */
function writeHarness(into: string, body: string): string {
  const source = fs.readFileSync(path.join(__dirname, '..', '..', 'bin', 'commands', 'output-writer.ts'), 'utf8');
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
  fs.mkdirSync(into, { recursive: true });
  fs.writeFileSync(path.join(into, 'output-writer.js'), js);
  fs.writeFileSync(path.join(into, 'writer.js'), body);
  return path.join(into, 'writer.js');
}

/** Whether this machine lets a test make a private mount namespace with a bind mount (root, unshare). */
function bindMountsWork(): boolean {
  const probe = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-probe-'));
  try {
    fs.mkdirSync(path.join(probe, 'a'));
    fs.mkdirSync(path.join(probe, 'b'));
    const r = spawnSync('unshare', ['-m', 'sh', '-c', `mount --bind '${probe}/a' '${probe}/b'`], { encoding: 'utf8' });
    return r.status === 0;
  } finally {
    fs.rmSync(probe, { recursive: true, force: true });
  }
}

describe('replaceDirectory on a mount point (the directory itself cannot be renamed)', () => {
  test('rename fails with EBUSY: the contents are replaced in place, nothing is left beside or inside', () => {
    const out = path.join(dir, 'out');
    replaceDirectory(out, generation(1));
    // The same code path as a real mount point: renaming the directory itself fails with EBUSY
    // (what Linux returns for a mount point, rename(2)); renames inside it work.
    // The node:fs module object itself (the writer's namespace import reads through to it).
    const nodeFs = require('node:fs') as typeof fs;
    const rename = nodeFs.renameSync;
    let refused = 0;
    nodeFs.renameSync = (from: fs.PathLike, to: fs.PathLike) => {
      if (path.resolve(String(from)) === out) {
        refused++;
        throw Object.assign(new Error(`EBUSY: resource busy or locked, rename '${String(from)}'`), { code: 'EBUSY' });
      }
      rename(from, to);
    };
    try {
      replaceDirectory(out, generation(2, 30));
    } finally {
      nodeFs.renameSync = rename;
    }
    expect(refused).toBe(1);
    expect(completeGeneration(out, 30)).toBe(2);
    expect(fs.readdirSync(dir)).toEqual(['out']);
  });

  test('a kill before the point of no return is undone; after it, finished', () => {
    const out = path.join(dir, 'out');
    replaceDirectory(out, generation(1));
    // Before: some old entries moved aside, the new content staged inside, no journal.
    fs.mkdirSync(path.join(out, '.glidepath-previous'));
    fs.renameSync(path.join(out, 'd0'), path.join(out, '.glidepath-previous', 'd0'));
    fs.mkdirSync(path.join(out, '.glidepath-staging-999999999'));
    expect(recoverInterrupted(out)).toEqual([
      `restored the contents of ${out}: an earlier run was interrupted while moving the old content aside`,
    ]);
    expect(completeGeneration(out)).toBe(1);
    // After: every old entry aside, the journal written, half the new content moved in.
    const staging = stageAndMoveAside(out, '.glidepath-staging-999999998');
    fs.writeFileSync(path.join(out, '.glidepath-previous', '.glidepath-swap-in'), '.glidepath-staging-999999998');
    fs.renameSync(path.join(staging, 'd1'), path.join(out, 'd1'));
    expect(recoverInterrupted(out)).toEqual([
      `finished replacing the contents of ${out}: an earlier run was interrupted while moving the new content in`,
    ]);
    expect(completeGeneration(out)).toBe(2);
  });

  test('a kill while the old content is deleted finishes the deletion, never restores old entries over new ones', () => {
    const out = path.join(dir, 'out');
    replaceDirectory(out, generation(1));
    replaceDirectory(out, generation(2));
    // The new content is in; the old one was renamed aside in one step and half deleted (its journal first).
    fs.mkdirSync(path.join(out, '.glidepath-discarded', 'd1'), { recursive: true });
    fs.writeFileSync(path.join(out, '.glidepath-discarded', 'd1', 'old'), 'generation 1');
    expect(() => recoverInterrupted(out)).not.toThrow();
    expect(fs.existsSync(path.join(out, '.glidepath-discarded'))).toBe(false);
    expect(completeGeneration(out)).toBe(2);
  });

  test('an empty journal (a kill while it was written) still finishes forwards with the staged content', () => {
    const out = path.join(dir, 'out');
    replaceDirectory(out, generation(1));
    stageAndMoveAside(out, '.glidepath-staging-999999997');
    fs.writeFileSync(path.join(out, '.glidepath-previous', '.glidepath-swap-in'), '');
    recoverInterrupted(out);
    expect(completeGeneration(out)).toBe(2);
  });

  const mounts = bindMountsWork();
  // Needs root and `unshare -m` (a private mount namespace, so the bind mount is gone when the test ends).
  (mounts ? test : test.skip)(
    'a real bind mount: synth-style replacement works, and SIGKILL at random points never leaves a mix',
    async () => {
      const volume = path.join(dir, 'volume'); // what the mount shows: the same directory, seen from outside the namespace
      const out = path.join(dir, 'out');
      fs.mkdirSync(volume);
      fs.mkdirSync(out);
      replaceDirectory(volume, generation(0));
      const writer = writeHarness(
        path.join(dir, 'harness'),
        `const fs = require('node:fs');
const rename = fs.renameSync;
const [out, start, once, stopAfter] = [process.argv[2], Number(process.argv[3]), process.argv[4] === 'once', Number(process.argv[4])];
let renames = 0;
fs.renameSync = (a, b) => {
  try { rename(a, b); } catch (e) { if (e.code === 'EBUSY') process.stdout.write('EBUSY\\n'); throw e; }
  // Told to stop after a given rename: it says so and waits there for the kill, whatever the load.
  if (++renames === stopAfter) { process.stdout.write('stopped\\n'); for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000); }
  const end = Date.now() + Math.random() * 20; while (Date.now() < end) {}
};
const { replaceDirectory } = require('./output-writer.js');
const files = (gen) => Object.fromEntries(Array.from({ length: 60 }, (_, i) => ['d' + (i % 5) + '/f' + i + '.txt', 'generation ' + gen + ' file ' + i + '\\n']));
process.stdout.write('ready\\n');
for (let gen = start + 1; ; gen++) { replaceDirectory(out, files(gen)); if (once) break; }
`,
      );
      const inMount = (args: string[]) => [
        '-m',
        'sh',
        '-c',
        `mount --bind '${volume}' '${out}' && exec '${process.execPath}' '${writer}' '${out}' ${args.join(' ')}`,
      ];
      // One complete run: the real rename(2) of the mount point fails with EBUSY, and the content is replaced.
      const once = spawnSync('unshare', inMount(['1', 'once']), { encoding: 'utf8' });
      expect(once.status).toBe(0);
      expect(once.stdout).toContain('EBUSY');
      expect(completeGeneration(volume)).toBe(2);
      expect(fs.readdirSync(dir).sort()).toEqual(['harness', 'out', 'volume']);
      const runs = Number(process.env.GLIDEPATH_KILL_RUNS ?? 12);
      const next = random(Number(process.env.GLIDEPATH_KILL_SEED ?? 23));
      let last = 2;
      let interrupted = 0;
      let stoppedMidSwap = 0;
      for (let run = 0; run < runs; run++) {
        // Every other run stops the writer right after its k-th rename of the swap (k of 1–11: 6 old
        // entries move aside, 6 new ones move in, then the old ones are discarded), so kills land
        // mid-swap however slow the machine; the others are killed at a random time.
        const stopAfter = run % 2 === 1 ? 1 + Math.floor(next() * 11) : undefined;
        const child = spawn('unshare', inMount([String(last * 1000), ...(stopAfter ? [String(stopAfter)] : [])]), {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => (output += chunk));
        const waitFor = (line: string) =>
          new Promise<void>((resolve) => {
            const check = () => (output.includes(`${line}\n`) ? resolve() : child.stdout.once('data', check));
            check();
          });
        await waitFor('ready');
        if (stopAfter) await waitFor('stopped');
        else await new Promise((resolve) => setTimeout(resolve, 50 + next() * 400));
        child.kill('SIGKILL');
        await new Promise((resolve) => child.once('exit', resolve));
        const midSwap = fs.existsSync(path.join(volume, '.glidepath-previous'));
        if (stopAfter) {
          expect({ stopAfter, midSwap }).toEqual({ stopAfter, midSwap: true });
          stoppedMidSwap++;
        }
        if (midSwap) interrupted++;
        recoverInterrupted(volume);
        last = completeGeneration(volume);
        expect(fs.readdirSync(volume).filter((n) => n.startsWith('.glidepath-') && n !== OUTPUT_MARKER)).toEqual([]);
      }
      expect(interrupted).toBeGreaterThanOrEqual(stoppedMidSwap);
      expect(stoppedMidSwap).toBe(Math.floor(runs / 2));
      process.stdout.write(`mount-point kill test: ${runs} runs, ${interrupted} killed mid-swap and recovered\n`);
    },
    120_000,
  );
  if (!mounts) {
    test('(the bind-mount test above is skipped: it needs root and `unshare -m`, which this machine does not allow)', () => {
      expect(mounts).toBe(false);
    });
  }
});

describe('replaceFile', () => {
  test('on failure leaves neither the target changed nor a temporary file', () => {
    const target = path.join(dir, 'runbook.md');
    fs.mkdirSync(target); // renaming a file onto a directory fails
    expect(() => replaceFile(target, '# runbook\n')).toThrow();
    expect(fs.readdirSync(dir)).toEqual(['runbook.md']);
    expect(() => replaceFile('', 'x')).toThrow('--output is empty');
  });
});

describe('CLI', () => {
  test('validate with several files refuses names two definitions would share in one app', async () => {
    const yaml = (service: string, env: string) =>
      [
        `service: ${service}`,
        'owners: { team: t, primary: "@a", backup: "@b", channel: "#c" }',
        'receivers: { critical: { enabled: false, reason: "A test definition: nobody is paged" } }',
        'workload: { container: { image: "x:1", port: 8080, healthCheckPath: /healthz } }',
        `environments: [{ name: ${env}, production: true, region: eu-west-1, rollout: { strategy: canary }, tls: { enabled: false, reason: "a name-collision fixture, never deployed" } }]`,
      ].join('\n');
    fs.writeFileSync(path.join(dir, 'a.yaml'), yaml('checkout', 'prod-eu'));
    fs.writeFileSync(path.join(dir, 'b.yaml'), yaml('checkout-prod', 'eu'));
    const err: string[] = [];
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
    expect(await main(['validate', path.join(dir, 'a.yaml'), path.join(dir, 'b.yaml')], io)).toBe(1);
    expect(err.join('')).toContain(
      `${path.join(dir, 'b.yaml')}: environments[0].name makes the CloudFormation stack "checkout-prod-eu", which ${path.join(dir, 'a.yaml')} (environment "prod-eu") makes too`,
    );
    expect(await main(['validate', path.join(dir, 'a.yaml')], io)).toBe(0);
  });

  test('synth --out "" is refused before anything is written', async () => {
    const err: string[] = [];
    const code = await main(['synth', 'examples/checkout/definition.yaml', '--out', ''], { out: () => undefined, err: (t) => err.push(t) });
    expect(code).toBe(1);
    expect(err.join('')).toContain('--out is empty; name the output directory, e.g. --out glidepath-out');
  });
});
