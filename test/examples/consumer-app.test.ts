import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { scaled } from '../support/budget';
import { packGlidepath, ROOT, run } from './pack';

/**
 * SLOW (about 1.5–2 minutes): glidepath as a consumer gets it. Builds the library as `npm run build`
 * does (into a staged copy, not the working tree's dist/) and packs it with `npm pack`, installs the tarball into a fresh copy of examples/consumer-app (no workspace links),
 * and runs that app's own `cdk synth`, type-check and jest suite. The app's committed snapshots
 * must match, and still match after a change to an asset's contents only.
 * `GLIDEPATH_SKIP_CONSUMER=1 npx jest` skips it while iterating on something else.
 */

const CONSUMER = path.join(ROOT, 'examples', 'consumer-app');

const describeSlow = process.env.GLIDEPATH_SKIP_CONSUMER ? describe.skip : describe;
// About 2 minutes on an idle machine; each command's limit scales with the load (./pack.ts).
jest.setTimeout(scaled(300_000));

describeSlow('SLOW: examples/consumer-app installs the packed tarball and passes its own synth and tests', () => {
  let tmp: string;
  let app: string;
  let tarball: string;
  let files: ReturnType<typeof packGlidepath>['files'];
  let installed: ReturnType<typeof run>;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-consumer-'));
    app = path.join(tmp, 'consumer-app');
    ({ tarball, files } = packGlidepath());
    fs.cpSync(CONSUMER, app, { recursive: true, filter: (src) => !/[/\\](node_modules|cdk\.out)$/.test(src) });
    const manifest = JSON.parse(fs.readFileSync(path.join(app, 'package.json'), 'utf8'));
    manifest.dependencies.glidepath = `file:${tarball}`;
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify(manifest, null, 2));
    installed = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], app);
  }, scaled(300_000));
  afterAll(() => tmp && fs.rmSync(tmp, { recursive: true, force: true }));

  test('npm pack builds first (prepack)', () => {
    expect(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts).toMatchObject({
      prepack: 'npm run build && node bin/publish-manifest.js strip',
      build: 'node bin/build.js',
    });
  });

  test("npm install asks the consumer to approve no glidepath script (the package's manifest has none)", () => {
    // npm 11 prints "<name>@<version> (<script>: …)" for each package whose install-time scripts it did not run.
    expect(`${installed.stdout}${installed.stderr}`).not.toMatch(/glidepath@\S+ \((preinstall|install|postinstall|prepare):/);
    const manifest = JSON.parse(fs.readFileSync(path.join(app, 'node_modules', 'glidepath', 'package.json'), 'utf8'));
    expect(Object.keys(manifest.scripts ?? {}).filter((s) => /^(pre|post)?(install|prepare)$/.test(s))).toEqual([]);
  });

  test('the tarball holds compiled JavaScript, declarations, the schema and an executable CLI; no tests, examples, bench or quick-start app', () => {
    const paths = files.map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'schema/glidepath.schema.json',
        'dist/lib/index.js',
        'dist/lib/index.d.ts',
        'dist/constructs/testing/index.d.ts',
      ]),
    );
    expect(paths.filter((p) => !/^dist\/.*\.(js|d\.ts)$/.test(p)).sort()).toEqual([
      'LICENSE',
      'README.md',
      'bin/glidepath-bin.js',
      'package.json',
      'schema/glidepath.schema.json',
      'schema/smoke-tests.schema.json',
    ]);
    expect(paths.filter((p) => /(^|\/)(test|examples|bench)\/|\.test\.|dist\/bin\/(app|generate-schema)\./.test(p))).toEqual([]);
    expect(files.find((f) => f.path === 'bin/glidepath-bin.js')!.mode & 0o111).toBe(0o111);
  });

  test('glidepath is a real install of the tarball, with one copy of aws-cdk-lib and constructs', () => {
    const installed = path.join(app, 'node_modules', 'glidepath');
    expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
    expect(fs.existsSync(path.join(installed, 'dist', 'constructs', 'testing', 'index.d.ts'))).toBe(true);
    expect(fs.existsSync(path.join(installed, 'test'))).toBe(false);
    expect(fs.existsSync(path.join(installed, 'examples'))).toBe(false);
    for (const name of ['aws-cdk-lib', 'constructs', 'cdk8s']) {
      expect(fs.existsSync(path.join(installed, 'node_modules', name))).toBe(false);
    }
  });

  test('its CLI runs from the installed bin', () => {
    expect(run(path.join(app, 'node_modules', '.bin', 'glidepath'), ['--help'], app).stdout).toContain('Usage: glidepath');
  });

  test('cdk synth writes the template and a runbook naming the real resources', () => {
    const result = run('npx', ['cdk', 'synth', '--quiet'], app);
    expect(result.stderr).not.toMatch(/WARNING|NOTICES|feature flags? (are|is) not configured/i);
    expect(fs.existsSync(path.join(app, 'cdk.out', 'shop-prod.template.json'))).toBe(true);
    const runbook = fs.readFileSync(path.join(app, 'cdk.out', 'shop-prod.runbook.md'), 'utf8');
    expect(runbook).toContain('shop-web-dead-mans-switch');
    expect(runbook).toContain('--cluster shop --service shop-web');
  });

  test('its own type-check and jest suite pass against the committed snapshots after an asset-only change', () => {
    // The snapshots were recorded from the Lambda code as committed; a change to that code alone
    // (a new asset hash) must not fail them. One run proves both: a snapshot that passes with the
    // changed asset holds nothing that depends on it, so it passes with the committed one too.
    const handler = path.join(app, 'lambda', 'thumbnailer', 'index.js');
    fs.appendFileSync(handler, '// a change to the asset only\n');
    const result = run('npm', ['test', '--', '--ci'], app);
    expect(result.stderr).toMatch(/Snapshots: +2 passed, 2 total/);
  });
});
