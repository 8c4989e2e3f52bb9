/**
 * The check logic shared by `glidepath smoke-test` and the in-platform hooks. `runSmokeCheck` is
 * self-contained (no imports, only Node's global `fetch`, `AbortSignal` and timers) because its
 * source is also inlined into the hook Lambda functions: keep it that way.
 */

/** A check in the plain shape the runner and the inline hooks use. */
export interface SmokeCheckSpec {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly expectedStatus: number;
  readonly bodyContains?: string;
  readonly maxLatencyMs: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** Retry and time limits of a run. */
export interface SmokeSettings {
  /** Attempts per check (1 = no retry). */
  readonly attempts: number;
  /** Wait before the first retry, doubling each retry. */
  readonly backoffMs: number;
  /** Time limit of one request. */
  readonly timeoutMs: number;
}

/** What one check did. */
export interface SmokeCheckResult {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly passed: boolean;
  /** Status of the last attempt (0 when no response arrived). */
  readonly status: number;
  /** Latency of the last attempt in milliseconds. */
  readonly latencyMs: number;
  /** Attempts made. */
  readonly attempts: number;
  /** Why the last attempt failed, or "ok". */
  readonly detail: string;
}

/**
 * What `runSmokeCheck` needs of `fetch`, so a hook can send a check another way (a Lambda invoke).
 * `signal` is the request's `AbortSignal`; typed `unknown` so the published declarations need
 * neither the DOM nor Node's global types (a cdk8s app's tsconfig loads neither).
 */
export type SmokeSend = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; redirect: 'manual'; signal: unknown },
) => Promise<{ status: number; text(): Promise<string> }>;

/**
 * Runs one check against `baseUrl` (e.g. `http://10.0.1.5:9000`), retrying with exponential
 * backoff until it passes or the attempts run out. Header values `${NAME}` come from `env`.
 * `send` defaults to the global `fetch`.
 */
export async function runSmokeCheck(
  baseUrl: string,
  check: SmokeCheckSpec,
  settings: SmokeSettings,
  env: Readonly<Record<string, string | undefined>>,
  send?: SmokeSend,
): Promise<SmokeCheckResult> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(check.headers || {})) {
    const ref = /^\$\{([A-Z_][A-Z0-9_]*)\}$/.exec(value);
    if (ref && env[ref[1]] === undefined) {
      return {
        name: check.name,
        method: check.method,
        path: check.path,
        passed: false,
        status: 0,
        latencyMs: 0,
        attempts: 0,
        detail: `header ${key} needs environment variable ${ref[1]}, which is not set`,
      };
    }
    headers[key] = ref ? String(env[ref[1]]) : value;
  }
  const url = baseUrl.replace(/\/+$/, '') + check.path;
  let last = { status: 0, latencyMs: 0, detail: 'not run' };
  for (let attempt = 1; attempt <= settings.attempts; attempt++) {
    if (attempt > 1) {
      await new Promise((resolve) => setTimeout(resolve, settings.backoffMs * 2 ** (attempt - 2)));
    }
    const started = Date.now();
    try {
      const response = await (send || fetch)(url, {
        method: check.method,
        headers,
        body: check.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(settings.timeoutMs),
      });
      const text = check.method === 'HEAD' ? '' : await response.text();
      const latencyMs = Date.now() - started;
      let detail = 'ok';
      if (response.status !== check.expectedStatus) {
        detail = `status ${response.status}, expected ${check.expectedStatus}`;
      } else if (check.bodyContains !== undefined && !text.includes(check.bodyContains)) {
        detail = `body does not contain ${JSON.stringify(check.bodyContains)}`;
      } else if (latencyMs > check.maxLatencyMs) {
        detail = `took ${latencyMs} ms, over ${check.maxLatencyMs} ms`;
      }
      last = { status: response.status, latencyMs, detail };
    } catch (error) {
      const err = error as Error & { cause?: { code?: string; message?: string } };
      const timedOut = err.name === 'TimeoutError' || err.name === 'AbortError';
      last = {
        status: 0,
        latencyMs: Date.now() - started,
        detail: timedOut
          ? `no response within ${settings.timeoutMs} ms`
          : `request failed: ${(err.cause && (err.cause.code || err.cause.message)) || err.message}`,
      };
    }
    if (last.detail === 'ok') {
      return { name: check.name, method: check.method, path: check.path, passed: true, ...last, attempts: attempt };
    }
  }
  return { name: check.name, method: check.method, path: check.path, passed: false, ...last, attempts: settings.attempts };
}
