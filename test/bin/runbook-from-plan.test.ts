import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { EXAMPLE_DEFINITIONS, exampleAws, type ExampleName } from '../support/example-outputs';

const ROOT = path.join(__dirname, '..', '..');

/** Every environment of every bundled example, as `[example, environment]`. */
const CASES: readonly (readonly [ExampleName, string])[] = [
  ['checkout', 'dev'],
  ['checkout', 'staging'],
  ['checkout', 'prod'],
  ['payments-api', 'staging'],
  ['payments-api', 'prod'],
  ['storefront-web', 'dev'],
  ['storefront-web', 'staging'],
  ['storefront-web', 'prod'],
];

/** What the spawned CLI printed for one environment. */
interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/**
 * Runs `glidepath runbook <definition> --env <env> -t aws` for every case in one fresh Node
 * process (the CLI's sources through the bin's transpiler, as `npx glidepath` runs them) and
 * reports what each printed and which packages the process loaded: `require.cache` holds every
 * module file loaded, so a file under node_modules/aws-cdk-lib means the command synthesized.
 */
function runInFreshProcess(): { runs: CliRun[]; loaded: string[] } {
  const script = `
    require(${JSON.stringify(path.join(ROOT, 'bin', 'transpile-typescript.js'))}).registerTypeScript();
    const { main } = require(${JSON.stringify(path.join(ROOT, 'bin', 'cli.ts'))});
    const cases = ${JSON.stringify(CASES.map(([example, env]) => [EXAMPLE_DEFINITIONS[example], env]))};
    (async () => {
      const runs = [];
      for (const [file, env] of cases) {
        let out = '', err = '';
        const code = await main(['runbook', file, '--env', env, '-t', 'aws'], { out: (t) => (out += t), err: (t) => (err += t) });
        runs.push({ code, out, err });
      }
      const loaded = [...new Set(Object.keys(require.cache)
        .map((f) => /[\\\\/]node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)/.exec(f)?.[1])
        .filter(Boolean))].sort();
      process.stdout.write(JSON.stringify({ runs, loaded }));
    })();
  `;
  const child = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (child.status !== 0) throw new Error(`the CLI process failed (${child.status}): ${child.stderr}`);
  return JSON.parse(child.stdout);
}

describe('glidepath runbook -t aws: from the plan, without synthesis', () => {
  const { runs, loaded } = runInFreshProcess();

  test('loads neither aws-cdk-lib nor constructs nor cdk8s', () => {
    expect(loaded).not.toContain('aws-cdk-lib');
    expect(loaded).not.toContain('constructs');
    expect(loaded).not.toContain('cdk8s');
    // The process did load the CLI's own dependencies: the check above would see aws-cdk-lib.
    expect(loaded).toContain('commander');
  });

  test.each(CASES.map(([example, env], i) => [example, env, i] as const))(
    '%s %s: the runbook synthesis writes, byte for byte, and its warnings',
    (example, env, i) => {
      const synthesized = exampleAws(example);
      const file = `${example}-${env}.md`;
      expect(runs[i].code).toBe(0);
      expect(runs[i].out).toBe(synthesized.runbooks[file]);
      // Synthesis reports every environment's warnings in one list, each starting with the stack name.
      const expected = synthesized.warnings.filter((w) => w.startsWith(`${example}-${env}: `)).map((w) => `warning: ${w}\n`);
      expect(runs[i].err).toBe(expected.join(''));
    },
  );

  test('every synthesis warning belongs to one environment, so the comparison above covers them all', () => {
    for (const example of Object.keys(EXAMPLE_DEFINITIONS) as ExampleName[]) {
      const envs = CASES.filter(([e]) => e === example).map(([, env]) => `${example}-${env}: `);
      for (const warning of exampleAws(example).warnings) expect(envs.some((prefix) => warning.startsWith(prefix))).toBe(true);
    }
  });

  test('the shifting ECS service of checkout prod keeps the listener-rule guard, with the fingerprint the template outputs', () => {
    const template = JSON.parse(exampleAws('checkout').templates['checkout-prod.template.json']);
    const fingerprint: string = template.Outputs.TrafficRouting.Value;
    expect(fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(runs[2].out).toContain(`[ "$DEPLOYED" != "${fingerprint}" ]`);
  });
});
