import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main, type CliIo } from '../../bin/cli';

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
}

describe('glidepath CLI', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-cli-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('synth writes templates, manifests and runbooks of every target for the chosen environments', async () => {
    const io = capture();
    const out = path.join(dir, 'out');
    const code = await main(['synth', 'examples/checkout/definition.yaml', '--env', 'prod', '--out', out], io);
    expect(code).toBe(0);
    expect(fs.readdirSync(path.join(out, 'aws'))).toEqual(['checkout-prod.template.json']);
    expect(fs.readdirSync(path.join(out, 'runbooks'))).toEqual(['checkout-prod.k8s.md', 'checkout-prod.md']);
    expect(fs.readdirSync(path.join(out, 'k8s'))).toEqual(['checkout-prod.k8s.yaml']);
    const template = JSON.parse(fs.readFileSync(path.join(out, 'aws', 'checkout-prod.template.json'), 'utf8'));
    expect(Object.values(template.Resources as Record<string, { Type: string }>).some((r) => r.Type === 'AWS::ECS::Service')).toBe(true);
    expect(io.stdout.join('')).toContain(`wrote ${path.join(out, 'runbooks', 'checkout-prod.md')}`);
    expect(fs.readdirSync(dir)).toEqual(['out']); // no staging directory left behind
  });

  test('--target picks one target; a function cannot go to Kubernetes', async () => {
    const out = path.join(dir, 'out');
    expect(await main(['synth', 'examples/checkout/definition.yaml', '--env', 'dev', '--target', 'k8s', '--out', out], capture())).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['.glidepath-output', 'k8s', 'runbooks', 'smoke-tests']);
    const io = capture();
    expect(await main(['synth', 'examples/payments-api/definition.ts', '--target', 'k8s', '--out', path.join(dir, 'fn')], io)).toBe(1);
    expect(io.stderr.join('')).toContain('"payments-api" is a function; the k8s target runs containers, use --target aws');
    expect(fs.existsSync(path.join(dir, 'fn'))).toBe(false);
  });

  test('an invalid definition exits 1 with every problem and writes nothing', async () => {
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(
      file,
      [
        'service: Checkout',
        'owners: { team: t, primary: p, backup: b, channel: c }',
        'receivers: { critical: { enabled: false, reason: "A test definition: nobody is paged" } }',
        'workload: { container: { image: "x:1", port: 8080, healthCheckPath: /healthz } }',
        'environments:',
        '  - name: prod',
        '    rollout: { strategy: canry }',
      ].join('\n'),
    );
    const io = capture();
    const out = path.join(dir, 'out');
    const code = await main(['synth', file, '--out', out], io);
    expect(code).toBe(1);
    const stderr = io.stderr.join('');
    expect(stderr).toContain(`${file}: the definition has 2 problems:`);
    expect(stderr).toContain('service is "Checkout"; it is not a valid name');
    expect(stderr).toContain('environments[0].rollout.strategy is "canry"; use one of');
    expect(stderr).toContain('(did you mean "canary"?)');
    expect(fs.existsSync(out)).toBe(false);
  });

  test('a failing synth leaves an existing output directory as it was', async () => {
    const out = path.join(dir, 'out');
    fs.mkdirSync(path.join(out, 'runbooks'), { recursive: true });
    fs.writeFileSync(path.join(out, 'runbooks', 'keep.md'), 'previous run');
    const io = capture();
    expect(await main(['synth', 'examples/checkout/definition.yaml', '--env', 'qa', '--out', out], io)).toBe(1);
    expect(io.stderr.join('')).toContain('environment "qa" is not defined for service "checkout"; defined: dev, staging, prod');
    expect(fs.readdirSync(path.join(out, 'runbooks'))).toEqual(['keep.md']);
  });

  test('validate reports a valid definition and its promotion order', async () => {
    const io = capture();
    expect(await main(['validate', 'examples/payments-api/definition.ts'], io)).toBe(0);
    expect(io.stdout.join('')).toBe('examples/payments-api/definition.ts: valid (payments-api: staging → prod)\n');
  });

  test('runbook prints one runbook, or writes it to a file', async () => {
    const io = capture();
    expect(await main(['runbook', 'examples/checkout/definition.yaml', '--env', 'prod', '--target', 'k8s'], io)).toBe(0);
    expect(io.stdout.join('')).toContain('# Runbook: checkout in prod (Kubernetes)');
    const file = path.join(dir, 'rb', 'checkout-prod.md');
    expect(await main(['runbook', 'examples/checkout/definition.yaml', '--env', 'prod', '--output', file], capture())).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toContain('# Runbook: checkout in prod (AWS)');
    const missing = capture();
    expect(await main(['runbook', 'examples/checkout/definition.yaml'], missing)).toBe(2);
    expect(missing.stderr.join('')).toContain("required option '-e, --env <name>' not specified");
  });

  test.each(['canary', 'blue-green', 'rolling'])('init --strategy %s writes a starter definition that validates', async (strategy) => {
    const file = path.join(dir, `${strategy}.yaml`);
    expect(await main(['init', '--strategy', strategy, '--output', file], capture())).toBe(0);
    const io = capture();
    expect(await main(['validate', file], io)).toBe(0);
    expect(io.stdout.join('')).toContain('valid (my-service: dev → staging → prod)');
    expect(fs.readFileSync(file, 'utf8')).toContain(`strategy: ${strategy}`);
    const again = capture();
    expect(await main(['init', '--output', file], again)).toBe(1);
    expect(again.stderr.join('')).toContain('already exists; pass --force to overwrite it');
  });

  test('check passes the examples and fails a risky definition with exit 1', async () => {
    const ok = capture();
    expect(await main(['check', 'examples/checkout/definition.yaml', '--env', 'prod'], ok)).toBe(0);
    // checkout's prod synthesizes without a warning on either target (its runbookBaseUrl is set and
    // its flag budget covers the ConfigMap refresh): check prints each target's detection table and
    // a clean summary. check.test.ts shows check reporting the warnings synth prints.
    const out = ok.stdout.join('');
    expect(out).not.toMatch(/^warning/m);
    expect(out).toContain('checkout-prod (ECS): detection of a 2× regression');
    expect(out).toContain('checkout-prod (Argo Rollouts): detection of a 2× regression');
    expect(out.endsWith('examples/checkout/definition.yaml: 0 error(s), 0 warning(s)\n')).toBe(true);
    const file = path.join(dir, 'risky.yaml');
    fs.writeFileSync(
      file,
      [
        'service: orders',
        'owners: { team: t, primary: "@p", backup: "@b", channel: "#c" }',
        'receivers: { critical: { enabled: false, reason: "A test definition: nobody is paged" } }',
        'workload: { container: { image: "x:1", port: 8080, healthCheckPath: /healthz } }',
        'environments:',
        '  - { name: prod, region: eu-west-1, approval: false, tls: { certificateArn: "arn:aws:acm:eu-west-1:111111111111:certificate/abc" }, kubernetes: { ingress: { host: orders.acme.example, tls: { clusterIssuer: letsencrypt-prod } } }, rollout: { strategy: all-at-once } }',
      ].join('\n'),
    );
    const risky = capture();
    expect(await main(['check', file], risky)).toBe(1);
    expect(risky.stderr.join('')).toContain(
      'error GP-PROD1 environments[0] (prod): production environment "prod" deploys "all-at-once" without an approval',
    );
    expect(risky.stderr.join('')).toContain('error GP-PROD2 environments[0] (prod)');
    expect(risky.stdout.join('')).toContain('warning GP-REL1 environments[0] (prod)');
    // Besides GP-REL1, synth's own: the dead-man's switch without a domain to probe, and relative runbook links.
    expect(risky.stdout.join('')).toContain('warning synth orders-prod (Kubernetes): runbookBaseUrl is not set');
    expect(risky.stdout.join('')).toContain(`${file}: 2 error(s), 3 warning(s)`);
  });

  test('unknown commands exit 2 with help', async () => {
    const io = capture();
    expect(await main(['deploy-everything'], io)).toBe(2);
    expect(io.stderr.join('')).toContain("unknown command 'deploy-everything'");
  });
});
