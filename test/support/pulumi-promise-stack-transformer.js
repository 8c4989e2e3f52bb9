// @ts-check
/**
 * `@pulumi/pulumi/runtime/debuggable.js` without the stack trace it records for every promise.
 *
 * Pulumi keeps `new Error().stack` on each of its promises (`debuggablePromise`), only to print
 * where a promise was made when a program exits with some still pending. Inside jest every such
 * `.stack` goes through jest's source-map support, which maps each frame: measured here, 1.7 s of a
 * 17 s Pulumi suite. The tests never read those traces (a leaked promise fails a test through its
 * own assertion), so the transform records a note instead. When a Pulumi upgrade changes the line,
 * the file is left unchanged (the traces are recorded, as before) and a note says so. Child
 * processes (the trial's Pulumi program) are not transformed. `GLIDEPATH_PULUMI_PROMISE_STACKS=on`
 * keeps the traces (to debug a leak).
 */
const ORIGINAL = 'Object.defineProperty(p, "_debugStackTrace", { writable: true, value: new Error().stack });';
const PATCHED =
  'Object.defineProperty(p, "_debugStackTrace", { writable: true, value: "(not recorded in glidepath\'s tests: test/support/pulumi-promise-stack-transformer.js)" });';

module.exports = require('./source-patch').sourcePatch({
  original: ORIGINAL,
  patched: PATCHED,
  changed: 'test/support/pulumi-promise-stack-transformer.js: @pulumi/pulumi changed debuggablePromise; its stack traces are recorded',
  // GLIDEPATH_PULUMI_PROMISE_STACKS=on keeps the traces.
  skip: () => process.env.GLIDEPATH_PULUMI_PROMISE_STACKS === 'on',
});
