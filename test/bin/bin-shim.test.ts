import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/** `npx glidepath` in this repository: the bin runs the sources without a build, and npm ci links it. */
describe('the glidepath bin in a checkout', () => {
  test('package.json: the bin is the shim, and prepare links it into node_modules/.bin', () => {
    expect(manifest.bin).toEqual({ glidepath: 'bin/glidepath-bin.js' });
    expect(manifest.scripts.prepare).toBe('node bin/link-bin.js');
    expect(manifest.files).toContain('bin/glidepath-bin.js');
    expect(fs.statSync(path.join(ROOT, 'bin', 'glidepath-bin.js')).mode & 0o111).toBe(0o111);
  });

  test('runs the TypeScript sources (no dist/ needed): --version and validate', () => {
    const version = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'glidepath-bin.js'), '--version'], { cwd: ROOT, encoding: 'utf8' });
    expect(version.stdout).toBe(`${manifest.version}\n`);
    const validate = spawnSync(
      process.execPath,
      [path.join(ROOT, 'bin', 'glidepath-bin.js'), 'validate', 'examples/payments-api/definition.ts'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(validate.stdout).toBe('examples/payments-api/definition.ts: valid (payments-api: staging → prod)\n');
  });

  test('link-bin.js links node_modules/.bin/glidepath to the shim, once', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-link-'));
    try {
      fs.mkdirSync(path.join(dir, 'bin'));
      fs.mkdirSync(path.join(dir, 'node_modules'));
      for (const file of ['link-bin.js', 'glidepath-bin.js']) fs.copyFileSync(path.join(ROOT, 'bin', file), path.join(dir, 'bin', file));
      for (let i = 0; i < 2; i++) expect(spawnSync(process.execPath, [path.join(dir, 'bin', 'link-bin.js')]).status).toBe(0);
      const link = path.join(dir, 'node_modules', '.bin', 'glidepath');
      expect(fs.readlinkSync(link)).toBe('../../bin/glidepath-bin.js');
      expect(fs.realpathSync(link)).toBe(fs.realpathSync(path.join(dir, 'bin', 'glidepath-bin.js')));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the packed package.json has no install-time script: prepack strips them, postpack puts the original back', () => {
    expect(manifest.scripts).toMatchObject({
      prepack: 'npm run build && node bin/publish-manifest.js strip',
      postpack: 'node bin/publish-manifest.js restore',
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-manifest-'));
    try {
      fs.mkdirSync(path.join(dir, 'bin'));
      fs.copyFileSync(path.join(ROOT, 'bin', 'publish-manifest.js'), path.join(dir, 'bin', 'publish-manifest.js'));
      const original = fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8');
      fs.writeFileSync(path.join(dir, 'package.json'), original);
      const script = path.join(dir, 'bin', 'publish-manifest.js');
      // Twice: a pack that stopped before postpack is repaired, not stripped from a stripped copy.
      for (let i = 0; i < 2; i++) expect(spawnSync(process.execPath, [script, 'strip']).status).toBe(0);
      const packed = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
      // npm 11 lists these for approval on every consumer's install (docs.npmjs.com, "Life Cycle Scripts").
      for (const name of ['preinstall', 'install', 'postinstall', 'prepare']) expect(packed.scripts).not.toHaveProperty(name);
      expect(packed.scripts.build).toBe('node bin/build.js');
      expect({ ...packed, scripts: undefined }).toEqual({ ...manifest, scripts: undefined });
      expect(spawnSync(process.execPath, [script, 'restore']).status).toBe(0);
      expect(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).toBe(original);
      expect(fs.readdirSync(dir).sort()).toEqual(['bin', 'package.json']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
