import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { main, type CliIo } from '../../bin/cli';
import { renderSmokeTestsSchema, SMOKE_SCHEMA_FILE } from '../../bin/generate-schema';
import { startTestServer, type TestServer } from '../smoke/server';

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
}

const ROOT = path.resolve(__dirname, '..', '..');

describe('glidepath smoke-test', () => {
  let dir: string;
  let server: TestServer;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'glidepath-smoke-'));
    server = await startTestServer();
  });
  afterEach(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await server.close();
  });

  const config = (content: unknown): string => {
    const file = path.join(dir, 'smoke-tests.json');
    fs.writeFileSync(file, JSON.stringify(content));
    return file;
  };

  test('exits 0 and prints the table when every check passes', async () => {
    const io = capture();
    const file = config({
      checks: [
        { name: 'health', path: '/ok', bodyContains: 'healthy' },
        { name: 'flaky', path: '/flaky' },
      ],
      backoff: '0.01s',
    });
    const code = await main(['smoke-test', '--url', server.url, '--config', file], io);
    expect(code).toBe(0);
    const out = io.stdout.join('');
    expect(out).toMatch(/PASS +health +GET \/ok +200/);
    expect(out).toMatch(/PASS +flaky +GET \/flaky +200 +\d+ ms +3 +ok/);
    expect(out).toContain('2 of 2 checks passed');
  });

  test('exits 1 when a check fails', async () => {
    const io = capture();
    const file = config({ checks: [{ name: 'broken', path: '/fail' }], attempts: 2, backoff: '0.01s' });
    expect(await main(['smoke-test', '--url', server.url, '--config', file], io)).toBe(1);
    expect(io.stdout.join('')).toContain('0 of 1 checks passed: FAILED');
    expect(server.hits.get('/fail')).toBe(2);
  });

  test("uses a definition's smokeTests with --definition", async () => {
    const io = capture();
    const definition = path.join(dir, 'definition.yaml');
    // The checkout definition with a 10 ms backoff instead of its 2 s: its checks fail here (below),
    // and every retry would otherwise wait on the clock (about 20 s of an idle jest worker).
    const checkout = fs.readFileSync(path.join(ROOT, 'examples', 'checkout', 'definition.yaml'), 'utf8');
    expect(checkout).toMatch(/^ {2}attempts: 3\n {2}backoff: 2s$/m);
    fs.writeFileSync(definition, checkout.replace(/^ {2}backoff: 2s$/m, '  backoff: 0.01s'));
    const code = await main(['smoke-test', '--url', server.url, '--definition', definition], io);
    // The checkout checks call paths this server does not serve: a clean failure, not a crash.
    expect(code).toBe(1);
    expect(io.stdout.join('')).toMatch(/FAIL +\S+ +GET \//);
    // The definition's checks and attempts were used: its health check, tried 3 times.
    expect(server.hits.get('/healthz')).toBe(3);
  });

  test('fails when the config file is invalid, naming the field', async () => {
    const io = capture();
    const file = config({ checks: [{ name: 'health', path: 'ok', headers: { Authorization: 'Bearer abcdefghijkl' } }] });
    expect(await main(['smoke-test', '--url', server.url, '--config', file], io)).toBe(1);
    expect(io.stderr.join('')).toContain('checks[0].path is "ok"; it must be an absolute HTTP path starting with "/"');
  });

  test('fails when a header holds a credential instead of an environment reference', async () => {
    const io = capture();
    const file = config({ checks: [{ name: 'health', path: '/ok', headers: { Authorization: 'Bearer abcdefghijkl' } }] });
    expect(await main(['smoke-test', '--url', server.url, '--config', file], io)).toBe(1);
    expect(io.stderr.join('')).toContain(
      'checks[0].headers.Authorization is "Bear…"; a credential must not be written in a definition; use an environment reference such as "${SMOKE_AUTHORIZATION}"',
    );
  });

  test('fails when neither --config nor --definition is given', async () => {
    const io = capture();
    expect(await main(['smoke-test', '--url', server.url], io)).toBe(1);
    expect(io.stderr.join('')).toContain('give the checks with --config smoke-tests.json or --definition <file>');
  });
});

describe('schema/smoke-tests.schema.json', () => {
  test('is up to date with the model (run "npm run schema" if this fails)', () => {
    expect(fs.readFileSync(path.join(ROOT, SMOKE_SCHEMA_FILE), 'utf8')).toBe(renderSmokeTestsSchema());
  });

  test('accepts the example smoke-tests.json and rejects an unknown field', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    const validate = ajv.compile(JSON.parse(renderSmokeTestsSchema()));
    const example = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', 'checkout', 'smoke-tests.json'), 'utf8'));
    expect(validate(example)).toBe(true);
    expect(validate({ checks: [{ name: 'a', path: '/', expected: 200 }] })).toBe(false);
  });
});
