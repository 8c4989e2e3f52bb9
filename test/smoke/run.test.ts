import { Duration } from '../../lib/model/duration';
import { SmokeMethod, type SmokeCheck, type SmokeTests } from '../../lib/model/smoke-tests';
import { runSmokeTests } from '../../lib/smoke/run';
import { formatSmokeReport } from '../../lib/smoke/table';
import { startTestServer, type TestServer } from './server';

function check(name: string, path: string, extra: Partial<SmokeCheck> = {}): SmokeCheck {
  return { name, method: SmokeMethod.GET, path, expectedStatus: 200, maxLatencyMs: 1000, headers: {}, ...extra };
}

/**
 * The request timeout is generous (5 s) except where a test is about it: on a loaded machine a
 * local request can take longer than 0.3 s, which made a passing check time out and retry.
 */
function tests(checks: SmokeCheck[], attempts = 3, timeout = '5s'): SmokeTests {
  return { checks, attempts, backoff: Duration.parse('0.02s')!, timeout: Duration.parse(timeout)! };
}

describe('runSmokeTests against a local HTTP server', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(() => server.close());

  test('passes a check whose status, body and latency match, on the first attempt', async () => {
    const report = await runSmokeTests(server.url, tests([check('health', '/ok', { bodyContains: 'healthy' })]));
    expect(report.passed).toBe(true);
    expect(report.results[0]).toMatchObject({ name: 'health', passed: true, status: 200, attempts: 1, detail: 'ok' });
    expect(server.hits.get('/ok')).toBe(1);
  });

  test('fails a wrong status after every attempt, with the status in the detail', async () => {
    const report = await runSmokeTests(server.url, tests([check('broken', '/fail')]));
    expect(report.passed).toBe(false);
    expect(report.results[0]).toMatchObject({ passed: false, status: 500, attempts: 3, detail: 'status 500, expected 200' });
    expect(server.hits.get('/fail')).toBe(3);
  });

  test('fails a body that does not contain the expected text', async () => {
    const report = await runSmokeTests(server.url, tests([check('body', '/ok', { bodyContains: 'version 2' })], 1));
    expect(report.results[0].detail).toBe('body does not contain "version 2"');
  });

  test('fails a response slower than maxLatencyMs', async () => {
    const report = await runSmokeTests(server.url, tests([check('slow', '/slow', { maxLatencyMs: 50 })], 2));
    expect(report.results[0]).toMatchObject({ passed: false, status: 200, attempts: 2 });
    expect(report.results[0].detail).toMatch(/^took \d+ ms, over 50 ms$/);
    expect(report.results[0].latencyMs).toBeGreaterThanOrEqual(140);
  });

  test('passes a slow response within its bound', async () => {
    const report = await runSmokeTests(server.url, tests([check('slow', '/slow', { maxLatencyMs: 1000 })]));
    expect(report.results[0]).toMatchObject({ passed: true, attempts: 1 });
  });

  test('retries a flaky check with backoff until it passes', async () => {
    const started = Date.now();
    const report = await runSmokeTests(server.url, tests([check('flaky', '/flaky')]));
    expect(report.results[0]).toMatchObject({ passed: true, attempts: 3, status: 200 });
    // Backoff 20 ms, then 40 ms.
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });

  test('ends a request that never answers at the timeout', async () => {
    const report = await runSmokeTests(server.url, tests([check('hang', '/hang')], 1, '0.3s'));
    expect(report.results[0]).toMatchObject({ passed: false, status: 0, detail: 'no response within 300 ms' });
  });

  test('reports a refused connection', async () => {
    const url = server.url;
    await server.close();
    server = await startTestServer();
    const report = await runSmokeTests(url, tests([check('down', '/ok')], 1));
    expect(report.results[0].detail).toMatch(/^request failed: ECONNREFUSED/);
  });

  test('sends the method, body and headers, resolving ${NAME} from the environment', async () => {
    const report = await runSmokeTests(
      server.url,
      tests(
        [
          check('create', '/created', {
            method: SmokeMethod.POST,
            expectedStatus: 201,
            body: '{}',
            headers: { 'X-Smoke': 'yes', Authorization: '${SMOKE_TOKEN}' },
          }),
        ],
        1,
      ),
      { env: { SMOKE_TOKEN: 'Bearer test-only' } },
    );
    expect(report.results[0]).toMatchObject({ passed: true, status: 201 });
    expect(server.headers.get('/created')).toMatchObject({ 'x-smoke': 'yes', authorization: 'Bearer test-only' });
  });

  test('fails a check whose header needs a variable that is not set, without calling the server', async () => {
    const report = await runSmokeTests(server.url, tests([check('auth', '/ok', { headers: { Authorization: '${SMOKE_TOKEN}' } })]), {
      env: {},
    });
    expect(report.results[0]).toMatchObject({
      passed: false,
      attempts: 0,
      detail: 'header Authorization needs environment variable SMOKE_TOKEN, which is not set',
    });
    expect(server.hits.get('/ok')).toBeUndefined();
  });

  test('runs every check even after a failure and prints a pass/fail table', async () => {
    const report = await runSmokeTests(server.url, tests([check('broken', '/fail'), check('health', '/ok')], 1));
    expect(report.results.map((r) => r.passed)).toEqual([false, true]);
    const table = formatSmokeReport(report).split('\n');
    expect(table[0]).toBe(`Smoke tests against ${server.url}`);
    expect(table[1]).toMatch(/^Result +Check +Request +Status +Latency +Attempts +Detail$/);
    expect(table[3]).toMatch(/^FAIL +broken +GET \/fail +500 +\d+ ms +1 +status 500, expected 200$/);
    expect(table[4]).toMatch(/^PASS +health +GET \/ok +200 /);
    expect(table).toContain('1 of 2 checks passed: FAILED');
  });

  test('fails when the URL is not http(s)', async () => {
    await expect(runSmokeTests('checkout.example.com', tests([check('health', '/ok')]))).rejects.toThrow(
      '--url is "checkout.example.com"; use an http(s) URL such as "https://checkout.example.com"',
    );
  });
});
