import { inlineSmokeCheckSource } from '../../../lib/smoke/inline';

/**
 * Small Node.js programs run by `node -e` in the `NODE_IMAGE` container (no build, no extra
 * image): the smoke tests (the same `runSmokeCheck` as `glidepath smoke-test`) and the wait for a
 * migration Job.
 */
export const NODE_IMAGE = 'node:24-alpine';

/** Runs `SMOKE_TESTS` (`{ checks, settings }`) against `BASE_URL`; exit 1 when a check fails. */
export function smokeScript(): string {
  return [
    `const runSmokeCheck = ${inlineSmokeCheckSource()};`,
    '(async () => {',
    'const t = JSON.parse(process.env.SMOKE_TESTS);',
    'let failed = 0;',
    'for (const c of t.checks) {',
    'const r = await runSmokeCheck(process.env.BASE_URL, c, t.settings, process.env);',
    'console.log(JSON.stringify(r));',
    'if (!r.passed) failed++;',
    '}',
    "console.log(failed ? failed + ' smoke tests FAILED' : 'all ' + t.checks.length + ' smoke tests passed');",
    'process.exit(failed ? 1 : 0);',
    '})();',
  ].join('\n');
}

/**
 * Waits until Job `JOB` in `NAMESPACE` succeeds (exit 0) or fails (exit 1); exits 2 on 403 and 3
 * on 404 with a message saying what to do (waiting would never end), reading the Job from the
 * Kubernetes API with the pod's projected service-account token (`TOKEN_FILE`, CA in `CA_FILE` via
 * `NODE_EXTRA_CA_CERTS`). Polls every 5 seconds.
 */
export function waitForJobScript(): string {
  return [
    "const fs = require('fs');",
    "const url = (process.env.KUBERNETES_API || 'https://kubernetes.default.svc') + '/apis/batch/v1/namespaces/' + process.env.NAMESPACE + '/jobs/' + process.env.JOB;",
    '(async () => {',
    'for (;;) {',
    "const res = await fetch(url, { headers: { authorization: 'Bearer ' + fs.readFileSync(process.env.TOKEN_FILE, 'utf8').trim() } }).catch((e) => ({ ok: false, status: e.message }));",
    'const job = res.ok ? await res.json() : undefined;',
    'const conditions = (job && job.status && job.status.conditions) || [];',
    "if (conditions.some((c) => c.type === 'Complete' && c.status === 'True')) { console.log('migration ' + process.env.JOB + ' complete'); process.exit(0); }",
    "if (conditions.some((c) => c.type === 'Failed' && c.status === 'True')) { console.log('migration ' + process.env.JOB + ' FAILED: kubectl logs job/' + process.env.JOB); process.exit(1); }",
    // 403/404 never heal by waiting: say why and fail, so the pod shows Init:Error with a reason.
    "if (res.status === 403) { console.error('cannot read Job ' + process.env.JOB + ' (403 Forbidden): the Role ' + (process.env.ROLE || 'migration-reader') + ' does not list it; this pod template is older than the releases the Role keeps. Re-apply the manifest of a release that lists it, or release again'); process.exit(2); }",
    "if (res.status === 404) { console.error('Job ' + process.env.JOB + ' not found (404): it was deleted or never applied; apply the manifest of the release that creates it, or release again'); process.exit(3); }",
    "console.log('waiting for migration ' + process.env.JOB + (res.ok ? '' : ' (' + res.status + ')'));",
    'await new Promise((r) => setTimeout(r, Number(process.env.POLL_MS || 5000)));',
    '}',
    '})();',
  ].join('\n');
}

/** The restricted-profile security context of the glidepath helper containers. */
export const HELPER_SECURITY_CONTEXT = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  privileged: false,
  runAsNonRoot: true,
  // The `node` user of the official image.
  runAsUser: 1000,
  runAsGroup: 1000,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};
