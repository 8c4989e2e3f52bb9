import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { parse, parseAllDocuments } from 'yaml';
import { scaled } from '../support/budget';
import { ENV, packGlidepath, ROOT, run } from './pack';

/**
 * SLOW (about 2–3 minutes): the first hour of a new user, from the packed tarball, in fresh
 * temporary folders (issue 17's trial):
 * (a) an app with the files and tsconfig `cdk init app --language typescript` writes
 *     (trial-apps/cdk-init), with glidepath, aws-cdk-lib and constructs only: tsc, cdk synth, jest
 *     with the matchers;
 * (b) an app with the files and tsconfig `cdk8s init typescript-app` writes (trial-apps/cdk8s-init),
 *     with glidepath, cdk8s, cdk8s-plus-28 and constructs only: tsc (a jest test with
 *     glidepath/testing included), synthesizing DeploymentCharts, the matchers on a chart;
 * (c) the CLI from `init` to `pipeline github` on the starter: zero warnings, and a workflow whose
 *     every glidepath step succeeds and whose every deployed stack exists.
 * The tarball is unpacked into each app's node_modules and the other packages are linked from this
 * repository's install (no registry needed), so each app holds exactly the packages listed.
 * `GLIDEPATH_SKIP_CONSUMER=1` skips it, like the consumer-app test.
 */

const TRIAL_APPS = path.join(__dirname, 'trial-apps');
const describeSlow = process.env.GLIDEPATH_SKIP_CONSUMER ? describe.skip : describe;
jest.setTimeout(scaled(300_000));

/** Dev tools a fresh app installs beside its runtime packages, and the bins `npx` finds. */
const BINS: Record<string, string> = { tsc: 'typescript/bin/tsc', jest: 'jest/bin/jest.js', cdk: 'aws-cdk/bin/cdk' };

/**
 * Installs the tarball into `app/node_modules/glidepath` and links glidepath's own dependencies
 * and `packages` from this repository's node_modules; nothing else is there. `packages` may name
 * an alias of this repository as `name=alias` (`typescript=typescript-7`: TypeScript 7, installed
 * here as the devDependency "typescript-7", is the app's `typescript`).
 */
function install(app: string, tarball: string, packages: readonly string[]): void {
  const modules = path.join(app, 'node_modules');
  const glidepath = path.join(modules, 'glidepath');
  fs.mkdirSync(glidepath, { recursive: true });
  run('tar', ['-xzf', tarball, '-C', glidepath, '--strip-components=1'], app);
  const manifest = JSON.parse(fs.readFileSync(path.join(glidepath, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const names = packages.map((p) => p.split('=')[0]);
  for (const entry of [...Object.keys(manifest.dependencies), ...packages]) {
    const [name, source = name] = entry.split('=');
    fs.mkdirSync(path.dirname(path.join(modules, name)), { recursive: true });
    fs.symlinkSync(fs.realpathSync(path.join(ROOT, 'node_modules', source)), path.join(modules, name));
  }
  fs.mkdirSync(path.join(modules, '.bin'));
  fs.symlinkSync('../glidepath/bin/glidepath-bin.js', path.join(modules, '.bin', 'glidepath'));
  for (const [bin, target] of Object.entries(BINS)) {
    if (names.includes(target.split('/')[0])) fs.symlinkSync(`../${target}`, path.join(modules, '.bin', bin));
  }
}

/** Runs a bin of the app, as `npx` would. */
function npx(app: string, bin: string, args: string[]) {
  return run(path.join(app, 'node_modules', '.bin', bin), args, app, {
    ...ENV,
    PATH: `${path.join(app, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH}`,
  });
}

describeSlow('SLOW: the first hour of a new user, from the packed tarball', () => {
  let tmp: string;
  let tarball: string;
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-trial-'));
    ({ tarball } = packGlidepath());
  }, scaled(300_000));
  afterAll(() => tmp && fs.rmSync(tmp, { recursive: true, force: true }));

  test('the package needs aws-cdk-lib, cdk8s and cdk8s-plus-28 only where used; its declarations never name zod, nor a peer in the glidepath entry, nor the root of aws-cdk-lib', () => {
    const dir = path.join(tmp, 'inspect');
    fs.mkdirSync(dir);
    run('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1'], dir);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    for (const peer of ['aws-cdk-lib', 'cdk8s', 'cdk8s-plus-28']) {
      expect(manifest.peerDependenciesMeta[peer]).toEqual({ optional: true });
    }
    expect(manifest.peerDependenciesMeta.constructs).toBeUndefined();
    const declarations = (fs.readdirSync(path.join(dir, 'dist'), { recursive: true }) as string[]).filter((f) => f.endsWith('.d.ts'));
    expect(declarations.length).toBeGreaterThan(50);
    const withZod = declarations.filter((f) =>
      /from ['"]zod['"]|import\(['"]zod['"]\)/.test(fs.readFileSync(path.join(dir, 'dist', f), 'utf8')),
    );
    expect(withZod).toEqual([]);
    // The `glidepath` entry point needs no peer: its declarations name none (a Pulumi program has no constructs).
    const withPeers = declarations.filter(
      (f) =>
        f.startsWith(`lib${path.sep}`) &&
        /from ['"](constructs|aws-cdk-lib|cdk8s|cdk8s-plus-28|@pulumi\/[a-z]+)(\/[^'"]*)?['"]|import\(['"](constructs|aws-cdk-lib|cdk8s)/.test(
          fs.readFileSync(path.join(dir, 'dist', f), 'utf8'),
        ),
    );
    expect(withPeers).toEqual([]);
    // aws-cdk-lib's root re-exports every service: a declaration importing it makes every user's tsc
    // read all of them (1.07 M lines of declarations for the (d) app below instead of 0.39 M).
    const withCdkRoot = declarations.filter((f) =>
      /from ['"]aws-cdk-lib['"]|import\(['"]aws-cdk-lib['"]\)/.test(fs.readFileSync(path.join(dir, 'dist', f), 'utf8')),
    );
    expect(withCdkRoot).toEqual([]);
  });

  describe('(c) the CLI from init to pipeline github', () => {
    test('init and validate need neither aws-cdk-lib nor cdk8s; synth and check name the peer they need', () => {
      const bare = path.join(tmp, 'bare');
      fs.mkdirSync(bare);
      install(bare, tarball, []);
      expect(npx(bare, 'glidepath', ['--version']).stdout.trim()).toBe(
        JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version,
      );
      npx(bare, 'glidepath', ['init', '--output', 'service.yaml']);
      expect(npx(bare, 'glidepath', ['validate', 'service.yaml']).stdout).toBe('service.yaml: valid (my-service: dev → staging → prod)\n');
      expect(() => npx(bare, 'glidepath', ['check', 'service.yaml'])).toThrow(
        'glidepath check (target aws) needs the peer dependencies "aws-cdk-lib", "constructs", which are not installed: run npm install aws-cdk-lib constructs',
      );
      expect(() => run(process.execPath, ['-e', "require('glidepath/k8s')"], bare)).toThrow(
        'glidepath/k8s needs the peer dependencies "cdk8s", "cdk8s-plus-28", "constructs"',
      );
    });
  });

  describe('(a) a cdk init app with glidepath, aws-cdk-lib and constructs', () => {
    let app: string;
    beforeAll(() => {
      app = path.join(tmp, 'cdk-init');
      fs.cpSync(path.join(TRIAL_APPS, 'cdk-init'), app, { recursive: true });
      install(app, tarball, ['aws-cdk-lib', 'constructs', 'typescript', 'jest', 'ts-jest', '@types/jest', '@types/node', 'aws-cdk']);
      npx(app, 'glidepath', ['init', '--output', 'service.yaml']);
    });

    test('holds no cdk8s', () => {
      for (const name of ['cdk8s', 'cdk8s-plus-28']) expect(fs.existsSync(path.join(app, 'node_modules', name))).toBe(false);
      expect(() => run(process.execPath, ['-e', "require('glidepath/k8s')"], app)).toThrow(
        'glidepath/k8s needs the peer dependencies "cdk8s", "cdk8s-plus-28", which are not installed: run npm install cdk8s cdk8s-plus-28',
      );
    });

    test('compiles with the tsconfig cdk init writes (cdk.json runs tsc), and cdk synth writes the README stack and one stack per environment without a warning', () => {
      expect(JSON.parse(fs.readFileSync(path.join(app, 'tsconfig.json'), 'utf8')).compilerOptions).not.toHaveProperty('esModuleInterop');
      expect(JSON.parse(fs.readFileSync(path.join(app, 'cdk.json'), 'utf8')).app).toBe('npx tsc && node bin/trial-app.js');
      const result = npx(app, 'cdk', ['synth', '--quiet', '--no-notices']);
      expect(`${result.stdout}${result.stderr}`).not.toMatch(/warning/i);
      for (const stack of ['TrialAppStack', 'my-service-dev', 'my-service-staging', 'my-service-prod']) {
        expect(fs.existsSync(path.join(app, 'cdk.out', `${stack}.template.json`))).toBe(true);
      }
    });

    test('jest runs the glidepath matchers and snapshotOf', () => {
      // The app's jest config, with ts-jest transpiling only: `cdk synth` above ran the app's tsc on
      // these same files with the same tsconfig, so ts-jest's type-check (a language service over
      // every aws-cdk-lib declaration, ~20 s of CPU) would prove nothing more.
      const config = { ...require(path.join(app, 'jest.config.js')), rootDir: app };
      expect(config.transform).toEqual({ '^.+\\.tsx?$': 'ts-jest' });
      config.transform = { '^.+\\.tsx?$': ['ts-jest', { isolatedModules: true }] };
      const result = npx(app, 'jest', ['--ci=false', '--config', JSON.stringify(config)]);
      expect(result.stderr).toMatch(/Tests: +2 passed, 2 total/);
      expect(result.stderr).toMatch(/1 snapshot written/);
    });

    test('(c) init → validate → synth → runbook → check → pipeline github: zero warnings, every step can succeed', () => {
      const all = (args: string[]) => {
        const r = npx(app, 'glidepath', args);
        return `${r.stdout}${r.stderr}`;
      };
      // `check` runs below, as the workflow's steps run it.
      const outputs = [
        all(['validate', 'service.yaml']),
        all(['synth', 'service.yaml', '--out', 'glidepath-out']),
        all(['runbook', 'service.yaml', '--env', 'prod', '--output', 'prod.md']),
        all(['pipeline', 'github', 'service.yaml', '--output', '.github/workflows/deploy.yml']),
      ];
      expect(outputs.join('')).not.toMatch(/^warning|warning:/im);
      expect(fs.readFileSync(path.join(app, 'prod.md'), 'utf8')).toContain('my-service-prod');

      const text = fs.readFileSync(path.join(app, '.github', 'workflows', 'deploy.yml'), 'utf8');
      expect(validateWorkflow(text).errors).toEqual([]);
      const steps = Object.values((parse(text) as { jobs: Record<string, { steps: { run?: string }[] }> }).jobs).flatMap((j) => j.steps);
      const commands = steps.map((s) => s.run).filter((r): r is string => r !== undefined);
      // The app's scripts exist for the commands the workflow runs (lint is --if-present).
      const scripts = JSON.parse(fs.readFileSync(path.join(app, 'package.json'), 'utf8')).scripts;
      expect(commands).toEqual(expect.arrayContaining(['npm ci', 'npm test', 'npm run build --if-present']));
      expect(scripts).toHaveProperty('test');
      // The starter has smokeTests: each environment's deploy job runs them against the deployed URL.
      const smoke = commands.filter((c) => c.includes('smoke-test'));
      expect(smoke).toEqual(['dev', 'staging', 'prod'].map(() => 'npx glidepath smoke-test --url "$URL" --definition service.yaml'));
      // Every other glidepath command of the workflow succeeds here (smoke-test needs the live URL).
      const glidepathRuns = commands.filter((c) => c.startsWith('npx glidepath ') && !smoke.includes(c));
      expect(glidepathRuns.length).toBeGreaterThanOrEqual(4);
      expect(glidepathRuns).toContain('npx glidepath check service.yaml');
      for (const command of glidepathRuns) {
        // `check` prints its per-step detection table first, then the summary.
        const out = all(command.replace(/^npx glidepath /, '').split(' '));
        expect(out).not.toMatch(/^(warning|error) /m);
        expect(out.trimEnd().split('\n').pop()).toBe('service.yaml: 0 error(s), 0 warning(s)');
      }
      // Every stack the workflow deploys is one the app synthesizes.
      const deployed = commands.flatMap((c) => /npx cdk deploy (\S+)/.exec(c)?.[1] ?? []);
      expect(deployed).toEqual(['my-service-dev', 'my-service-staging', 'my-service-prod']);
      const artifacts = Object.keys(JSON.parse(fs.readFileSync(path.join(app, 'cdk.out', 'manifest.json'), 'utf8')).artifacts);
      expect(artifacts).toEqual(expect.arrayContaining(deployed));
    });
  });

  describe('(b) a cdk8s init app (cdk8s-plus-33) with glidepath, cdk8s and cdk8s-plus-28', () => {
    let app: string;
    beforeAll(() => {
      app = path.join(tmp, 'cdk8s-init');
      fs.cpSync(path.join(TRIAL_APPS, 'cdk8s-init'), app, { recursive: true });
      install(app, tarball, ['cdk8s', 'cdk8s-plus-28', 'cdk8s-plus-33', 'constructs', 'typescript', '@types/node', '@types/jest']);
      npx(app, 'glidepath', ['init', '--output', 'service.yaml']);
    });

    test('holds no aws-cdk-lib; glidepath/aws names it when imported', () => {
      expect(fs.existsSync(path.join(app, 'node_modules', 'aws-cdk-lib'))).toBe(false);
      expect(() => run(process.execPath, ['-e', "require('glidepath/aws')"], app)).toThrow(
        'glidepath/aws needs the peer dependency "aws-cdk-lib", which is not installed: run npm install aws-cdk-lib',
      );
    });

    test('compiles with the tsconfig cdk8s init writes (no esModuleInterop, no skipLibCheck; glidepath/testing included) and synthesizes the charts', () => {
      const options = JSON.parse(fs.readFileSync(path.join(app, 'tsconfig.json'), 'utf8')).compilerOptions;
      expect(options).not.toHaveProperty('esModuleInterop');
      expect(options).not.toHaveProperty('skipLibCheck');
      npx(app, 'tsc', []);
      run(process.execPath, ['main.js'], app);
      // The app's own chart, built with the cdk8s-plus-33 that cdk8s init installs, beside glidepath's.
      const own = parseAllDocuments(fs.readFileSync(path.join(app, 'dist', 'trial-k8s.k8s.yaml'), 'utf8')).map((d) => d.toJSON());
      expect(own.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([expect.stringMatching(/^ConfigMap\/trial-k8s-settings-/)]);
      expect(own[0].data).toEqual({ GREETING: 'hello' });
      for (const env of ['dev', 'staging', 'prod']) {
        expect(fs.readFileSync(path.join(app, 'dist', `my-service-${env}.k8s.yaml`), 'utf8')).toContain(`namespace: my-service-${env}`);
        // writeRunbooks(app): the file the alerts' runbook_url (runbooks/my-service-<env>.k8s.md#…) links to, from dist/.
        expect(fs.readFileSync(path.join(app, 'dist', 'runbooks', `my-service-${env}.k8s.md`), 'utf8')).toContain('## Accepted risks');
      }
    });

    test('glidepath/testing works without aws-cdk-lib: the matchers and snapshotOf on a DeploymentChart', () => {
      const script = [
        "const { Testing } = require('cdk8s');",
        "const { loadDefinitionFile } = require('glidepath');",
        "const { DeploymentChart } = require('glidepath/k8s');",
        "const { snapshotOf, toRollBackOnAlarm, toHaveDeadMansSwitch } = require('glidepath/testing');",
        "const chart = new DeploymentChart(Testing.app(), 'my-service-prod', { definition: loadDefinitionFile('service.yaml'), environment: 'prod' });",
        'const snapshot = snapshotOf(chart);',
        'console.log(JSON.stringify([toRollBackOnAlarm.call({}, chart).pass, toHaveDeadMansSwitch.call({}, chart).pass, Object.keys(snapshot)]));',
      ].join('\n');
      expect(JSON.parse(run(process.execPath, ['-e', script], app).stdout)).toEqual([true, true, ['manifests', 'runbooks']]);
    });
  });

  describe.each([
    // What `npm install typescript` and `cdk init` bring today: the native compiler, without a JavaScript transpile API.
    { typescript: 'typescript-7', version: '7.0.2' },
    // The lowest version of the peer range.
    { typescript: 'typescript-5', version: '5.0.4' },
  ])("(d) TypeScript $version: a user's .ts definition loads and every declaration compiles", ({ typescript, version }) => {
    let app: string;
    beforeAll(() => {
      app = path.join(tmp, typescript);
      fs.cpSync(path.join(TRIAL_APPS, 'typescript-versions'), app, { recursive: true });
      // The tsconfig cdk8s init writes: no skipLibCheck, so the compiler checks the declarations too.
      fs.copyFileSync(path.join(TRIAL_APPS, 'cdk8s-init', 'tsconfig.json'), path.join(app, 'tsconfig.json'));
      const peers = ['aws-cdk-lib', 'constructs', 'cdk8s', 'cdk8s-plus-28', '@pulumi/pulumi', '@pulumi/aws', '@pulumi/kubernetes'];
      install(app, tarball, [...peers, `typescript=${typescript}`, '@types/node']);
    });

    test('tsc compiles the definition and every entry point against the published declarations', () => {
      expect(npx(app, 'tsc', ['--version']).stdout.trim()).toBe(`Version ${version}`);
      const files = npx(app, 'tsc', ['--noEmit', '--listFiles']).stdout.split('\n');
      const declarations = files.filter((f) => /node_modules\/glidepath\/dist\/.*\.d\.ts$/.test(f));
      expect(declarations.length).toBeGreaterThan(100);
      for (const entry of ['lib', 'constructs/aws', 'constructs/k8s', 'constructs/pulumi', 'constructs/testing']) {
        expect(declarations).toContainEqual(expect.stringMatching(new RegExp(`dist/${entry}/index\\.d\\.ts$`)));
      }
    });

    test('glidepath validate loads service.ts, and refuses a missing comma with the file, line and column', () => {
      expect(npx(app, 'glidepath', ['validate', 'service.ts']).stdout).toBe('service.ts: valid (my-service: dev → staging)\n');
      const text = fs.readFileSync(path.join(app, 'service.ts'), 'utf8');
      fs.writeFileSync(path.join(app, 'broken.ts'), text.replace("service: 'my-service',", "service: 'my-service'"));
      const line = text.split('\n').findIndex((l) => l.includes("service: 'my-service'")) + 2;
      expect(() => npx(app, 'glidepath', ['validate', 'broken.ts'])).toThrow(
        new RegExp(`\\(document\\) is not valid TypeScript: Unexpected token, expected ","; .*\\(at broken\\.ts:${line}:\\d+\\)`),
      );
    });
  });

  describe('(e) a Pulumi program with only @pulumi/pulumi and @pulumi/aws', () => {
    let app: string;
    beforeAll(() => {
      app = path.join(tmp, 'pulumi-new');
      fs.cpSync(path.join(TRIAL_APPS, 'pulumi-new'), app, { recursive: true });
      install(app, tarball, ['@pulumi/pulumi', '@pulumi/aws', 'typescript', '@types/node']);
      npx(app, 'glidepath', ['init', '--output', 'service.yaml']);
    });

    test('holds no aws-cdk-lib, constructs, cdk8s or @pulumi/kubernetes', () => {
      for (const name of ['aws-cdk-lib', 'constructs', 'cdk8s', 'cdk8s-plus-28', '@pulumi/kubernetes']) {
        expect(fs.existsSync(path.join(app, 'node_modules', name))).toBe(false);
      }
    });

    test('the program compiles with the tsconfig pulumi new writes', () => {
      npx(app, 'tsc', []);
      expect(fs.existsSync(path.join(app, 'bin', 'index.js'))).toBe(true);
    });

    test('the program runs under Pulumi mocks: the component creates its alarms', () => {
      if (!fs.existsSync(path.join(app, 'bin', 'index.js'))) npx(app, 'tsc', []);
      const out = JSON.parse(run(process.execPath, ['mocks.js', 'prod'], app).stdout.trim().split('\n').pop()!) as {
        alarmNames: string[];
        types: string[];
      };
      expect(out.alarmNames).toContain('my-service-prod-dead-mans-switch');
      expect(out.types).toEqual(expect.arrayContaining(['aws:cloudwatch/metricAlarm:MetricAlarm', 'aws:ecs/service:Service']));
    });
  });
});
