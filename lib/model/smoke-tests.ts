import { z } from 'zod';
import { Duration } from './duration';
import { dnsLabel, durationField, positiveInt } from './private/fields';

/** HTTP methods a smoke check may use. */
export enum SmokeMethod {
  GET = 'GET',
  HEAD = 'HEAD',
  POST = 'POST',
  PUT = 'PUT',
  PATCH = 'PATCH',
  DELETE = 'DELETE',
  OPTIONS = 'OPTIONS',
}

/**
 * A header value taken from the environment of whoever runs the checks, e.g. `${SMOKE_TOKEN}`:
 * the only way to send a credential, so no credential is ever written into a definition.
 */
export const HEADER_ENV_REFERENCE = /^\$\{([A-Z_][A-Z0-9_]*)\}$/;

/** One HTTP check of the new version. */
export const smokeCheckSchema = z.strictObject({
  /** Check name, e.g. `home-page`. */
  name: dnsLabel(48).describe('Check name, e.g. "home-page": lower-case letters, digits and hyphens.'),
  /** HTTP method. @default GET */
  method: z.enum(SmokeMethod).optional().describe('HTTP method. Default "GET".'),
  /** Absolute path, with query string if needed, e.g. `/api/health?deep=1`. */
  path: z
    .string()
    .regex(/^\/\S*$/, { error: 'must be an absolute HTTP path starting with "/" and without spaces, e.g. "/healthz"' })
    .describe('Absolute path (and query), e.g. "/api/health?deep=1".'),
  /** Status the check expects. @default 200 */
  expectedStatus: z.number().int().min(100).max(599).optional().describe('Status the check expects. Default 200.'),
  /** Text the response body must contain. @default - body not checked */
  bodyContains: z.string().min(1).optional().describe('Text the response body must contain. Default: the body is not checked.'),
  /** Slowest acceptable response, in milliseconds. @default 2000 */
  maxLatencyMs: positiveInt.optional().describe('Slowest acceptable response in milliseconds. Default 2000.'),
  /**
   * Request headers. Values are plain text; a credential must be an environment reference such as
   * `${SMOKE_TOKEN}`, resolved when the checks run. @default - none
   */
  headers: z
    .record(z.string().regex(/^[A-Za-z0-9-]+$/, { error: 'is not an HTTP header name' }), z.string())
    .optional()
    .describe('Request headers. A credential must be an environment reference such as "${SMOKE_TOKEN}", never a value.'),
  /** Request body, for POST/PUT/PATCH. @default - none */
  body: z.string().optional().describe('Request body, for POST, PUT and PATCH.'),
});

/**
 * Smoke tests: HTTP checks that every stage runs against the new version before it takes traffic.
 * The same shape is the standalone `smoke-tests.json` format of `glidepath smoke-test`.
 */
export const smokeTestsSchema = z
  .strictObject({
    /** Optional link to the JSON Schema, for editors. */
    $schema: z.string().optional().describe('Link to the JSON Schema, for editors.'),
    /** A note for readers (generated files say where they come from). */
    $comment: z.string().optional().describe('A note for readers.'),
    /** The checks, run in order. */
    checks: z.array(smokeCheckSchema).min(1, { error: 'must list at least one check' }).describe('The checks, run in order.'),
    /** Attempts per check before it fails (retries with exponential backoff). @default 3 */
    attempts: z.number().int().min(1).max(10).optional().describe('Attempts per check before it fails, 1 to 10. Default 3.'),
    /** Wait before the first retry; doubles each retry. @default 1s */
    backoff: durationField.optional().describe('Wait before the first retry; it doubles each retry. Default "1s".'),
    /** Time limit of one request. @default 10s */
    timeout: durationField.optional().describe('Time limit of one request. Default "10s".'),
  })
  .meta({
    id: 'SmokeTests',
    title: 'glidepath smoke tests',
    description: 'HTTP checks of a new version: in a service definition or a standalone smoke-tests.json.',
  });

/** Smoke tests as written. */
export type SmokeTestsInput = z.input<typeof smokeTestsSchema>;

/** One check, resolved. */
export interface SmokeCheck {
  readonly name: string;
  readonly method: SmokeMethod;
  readonly path: string;
  readonly expectedStatus: number;
  readonly bodyContains?: string;
  readonly maxLatencyMs: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** Smoke tests, resolved. */
export interface SmokeTests {
  readonly checks: readonly SmokeCheck[];
  readonly attempts: number;
  readonly backoff: Duration;
  readonly timeout: Duration;
}

/** Fills the defaults of parsed smoke tests. */
export function resolveSmokeTests(parsed: z.output<typeof smokeTestsSchema>): SmokeTests {
  return {
    checks: parsed.checks.map((c) => ({
      name: c.name,
      method: c.method ?? SmokeMethod.GET,
      path: c.path,
      expectedStatus: c.expectedStatus ?? 200,
      bodyContains: c.bodyContains,
      maxLatencyMs: c.maxLatencyMs ?? 2000,
      headers: c.headers ?? {},
      body: c.body,
    })),
    attempts: parsed.attempts ?? 3,
    backoff: parsed.backoff ?? Duration.seconds(1),
    timeout: parsed.timeout ?? Duration.seconds(10),
  };
}

/** Header names that carry credentials: their values must be environment references. */
const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|x-api-key|api-key|x-auth-token)$|token|secret|passw|api[-_]?key/i;

/**
 * Problems with the headers of smoke checks, as `[path, value, fix]`: a credential-carrying header
 * must be an environment reference, and no value may look like a credential.
 */
export function smokeHeaderProblems(
  checks: readonly { readonly headers?: Readonly<Record<string, string>> }[],
  looksSecret: (value: string) => boolean,
): { at: PropertyKey[]; value: string; fix: string }[] {
  const out: { at: PropertyKey[]; value: string; fix: string }[] = [];
  checks.forEach((check, i) => {
    for (const [header, value] of Object.entries(check.headers ?? {})) {
      if (HEADER_ENV_REFERENCE.test(value)) continue;
      if (SECRET_HEADER.test(header) || looksSecret(value)) {
        out.push({
          at: ['checks', i, 'headers', header],
          value: value.length > 4 ? `${value.slice(0, 4)}…` : value,
          fix: `a credential must not be written in a definition; use an environment reference such as "\${SMOKE_${header.toUpperCase().replace(/-/g, '_')}}" and set that variable where the checks run`,
        });
      }
    }
  });
  return out;
}
