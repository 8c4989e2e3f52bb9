#!/usr/bin/env node
// @ts-check
/**
 * `npm test`: the static checks (type-check, eslint, prettier, import cycles) and jest, run at the
 * same time instead of one after the other.
 *
 * Each static check is one single-threaded process, so while they ran alone (about a minute and a
 * half on the 2-core CI machine) one core idled; jest's two workers now start at once and the
 * checks take the CPU they leave (jest's suites spend part of their time waiting for each other's
 * shared outputs and for child processes). The checks run one after another, beside jest, so at
 * most three busy processes share the two cores.
 *
 * jest's output streams as it comes; a check's output is printed when it ends, with its status and
 * time. The exit code is non-zero when any of them failed. Arguments go to jest
 * (`npm test -- test/plan`); the checks are the `typecheck` and `lint` scripts of package.json,
 * which also run on their own.
 */
const { spawn } = require('node:child_process');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');

/** The static checks, as package.json's scripts run them (lint: eslint, prettier, import cycles). */
const CHECKS = ['typecheck', 'lint'];
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Runs a command; resolves with its exit code (1 when it could not start or was killed). */
function run(command, args, stdio) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio });
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => resolve({ code: 1, output: `${output}${error.message}\n` }));
    child.on('close', (code, signal) => resolve({ code: code ?? 1, output: signal ? `${output}killed by ${signal}\n` : output }));
  });
}

/**
 * CPU seconds of this process's children that have ended (./proc-cpu.js). A check's CPU is the
 * difference across it: its npm process waits for the tools it starts, and jest (the other child)
 * is only counted when it ends.
 */
const { endedChildrenCpuSeconds: endedChildrenCpu } = require('./proc-cpu');

/** Whether jest has ended (then the CPU difference across a check would include jest's). */
let jestEnded = false;

async function staticChecks() {
  let failed = 0;
  for (const check of CHECKS) {
    const start = Date.now();
    const startCpu = jestEnded ? undefined : endedChildrenCpu();
    const { code, output } = await run(NPM, ['run', '-s', check], ['ignore', 'pipe', 'pipe']);
    const endCpu = jestEnded ? undefined : endedChildrenCpu();
    const seconds = ((Date.now() - start) / 1000).toFixed(1);
    const cpu = startCpu !== undefined && endCpu !== undefined ? ` (${(endCpu - startCpu).toFixed(1)} s CPU)` : '';
    process.stderr.write(`\n[${check}] ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${seconds} s${cpu}\n${output}`);
    if (code !== 0) failed++;
  }
  return failed;
}

async function main() {
  const start = Date.now();
  const [checksFailed, jest] = await Promise.all([
    staticChecks(),
    run(process.execPath, [path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), ...process.argv.slice(2)], 'inherit').then((result) => {
      jestEnded = true;
      return result;
    }),
  ]);
  const seconds = ((Date.now() - start) / 1000).toFixed(1);
  const failures = [
    checksFailed ? `${checksFailed} static check(s) failed (see [name] above)` : '',
    jest.code ? `jest exited ${jest.code}` : '',
  ];
  const summary = failures.filter(Boolean).join('; ');
  process.stderr.write(`\nnpm test: ${summary || 'type-check, lint and jest passed'} in ${seconds} s wall\n`);
  process.exitCode = summary ? 1 : 0;
}

void main();
