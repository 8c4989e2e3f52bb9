#!/usr/bin/env node
/**
 * `npm run build`: compiles the package into `dist/` (or the directory given as the first argument)
 * from scratch, so files of deleted sources never reach the package, publishes declarations
 * without zod's types (see flatten-declarations.js), and marks the CLI executable.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const outDir = path.resolve(process.argv[2] ?? path.join(root, 'dist'));
fs.rmSync(outDir, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json'), '--outDir', outDir], { stdio: 'inherit' });
if (tsc.status !== 0) {
  process.exit(tsc.status ?? 1);
}
const { notes } = require('./flatten-declarations').flattenDeclarations(outDir);
for (const note of notes) process.stdout.write(`declarations: ${note}\n`);
fs.chmodSync(path.join(outDir, 'bin', 'glidepath.js'), 0o755);
