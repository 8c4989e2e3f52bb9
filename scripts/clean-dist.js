#!/usr/bin/env node
/**
 * Build helper for `npm run build`: without arguments removes `dist/` so files of deleted sources
 * never reach the package; with `--chmod-bin` marks the CLI executable after compiling.
 */
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
if (process.argv.includes('--chmod-bin')) {
  fs.chmodSync(path.join(root, 'dist', 'bin', 'glidepath.js'), 0o755);
} else {
  fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
}
