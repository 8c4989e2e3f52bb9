import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main, type CliIo } from '../../bin/cli';
import { starterDefinition, StarterStrategy } from '../../bin/commands/init';

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
}

describe('glidepath check reports every warning glidepath synth prints', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-check-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('a canary ECS cannot run as written: the same warnings as synth, once per environment', async () => {
    // The old starter: the standard five canary stages and a 5m configuration budget.
    const file = path.join(dir, 'five-stages.yaml');
    fs.writeFileSync(
      file,
      starterDefinition(StarterStrategy.CANARY)
        .replace(/rollout:\n {6}strategy: canary\n {6}stages:\n(?: {8}- .*\n)+/g, 'rollout: { strategy: canary }\n')
        .replace(/ {6}rationale: .*\n {6}# ECS runs.*\n {6}stages:\n(?: {8}- .*\n)+/, '      rationale: Canary.\n')
        .replace('configuration: 18m', 'configuration: 5m'),
    );
    const synth = capture();
    expect(await main(['synth', file, '--target', 'aws', '--out', path.join(dir, 'out')], synth)).toBe(0);
    const printed = synth.stderr
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('warning: '))
      .map((l) => l.replace(/^warning: /, ''));
    expect(printed.length).toBeGreaterThanOrEqual(4);

    const check = capture();
    expect(await main(['check', file], check)).toBe(0);
    const reported = check.stdout
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('warning synth '))
      .map((l) => l.replace(/^warning synth ([^:]+): /, '$1: '));
    const aws = reported.filter((l) => !l.includes('(Kubernetes)'));
    expect(aws.sort()).toEqual([...printed].sort());
    expect(new Set(reported).size).toBe(reported.length);
    expect(reported.filter((l) => l.startsWith('my-service-prod: ECS canary'))).toHaveLength(1);
    expect(check.stdout.join('')).toContain('rollback level 2 (redeploy the previous version) takes up to');
    expect(check.stdout.join('')).toContain('shorten the bake times before 100% traffic or raise the budget');
  });

  test.each(Object.values(StarterStrategy))('the %s starter synthesizes and checks with zero warnings', async (strategy) => {
    const file = path.join(dir, `${strategy}.yaml`);
    expect(await main(['init', '--strategy', strategy, '--output', file], capture())).toBe(0);
    const synth = capture();
    expect(await main(['synth', file, '--out', path.join(dir, `out-${strategy}`)], synth)).toBe(0);
    expect(synth.stderr.join('')).toBe('');
    expect(synth.stdout.join('')).toContain('*.template.json are for review and "glidepath check"; deploy AWS from a CDK app');
    const check = capture();
    expect(await main(['check', file], check)).toBe(0);
    // The per-step detection table (for rollouts that split traffic), then the summary.
    if (strategy !== StarterStrategy.ROLLING) expect(check.stdout.join('')).toContain('caught at quietest');
    expect(check.stdout.join('').endsWith(`${file}: 0 error(s), 0 warning(s)\n`)).toBe(true);
    expect(check.stdout.join('')).not.toMatch(/^warning/m);
  });

  test("the starter's header names the file it was written to", async () => {
    const file = path.join(dir, 'svc', 'glidepath.yaml');
    fs.mkdirSync(path.dirname(file));
    expect(await main(['init', '--output', file], capture())).toBe(0);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain(`npx glidepath validate ${file}`);
    expect(text).not.toContain('definition.yaml');
  });
});
