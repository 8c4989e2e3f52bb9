import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { OUTPUT_MARKER, recoverInterrupted, replaceDirectory, replaceFile } from '../../bin/commands/output-writer';
import { main } from '../../bin/cli';

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

  test('SIGKILL at random points, including between the renames: never a mix, always restorable', async () => {
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
  }, 60_000);
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
        `environments: [{ name: ${env}, production: true, rollout: { strategy: canary } }]`,
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
