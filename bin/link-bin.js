#!/usr/bin/env node
/**
 * `npm install` / `npm ci` in this repository (the "prepare" script): links node_modules/.bin/glidepath
 * to bin/glidepath-bin.js, so `npx glidepath` — which the generated runbooks, the checkout pipeline's
 * CodeBuild steps and the GitHub workflow run — works in the repository itself, without a build
 * (npm links the bins of dependencies, never the project's own).
 */
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const binDir = path.join(root, 'node_modules', '.bin');
if (fs.existsSync(path.join(root, 'node_modules'))) {
  fs.mkdirSync(binDir, { recursive: true });
  const link = path.join(binDir, 'glidepath');
  const target = path.relative(binDir, path.join(root, 'bin', 'glidepath-bin.js'));
  let current;
  try {
    current = fs.readlinkSync(link);
  } catch {
    current = undefined;
  }
  if (current !== target) {
    fs.rmSync(link, { force: true });
    fs.symlinkSync(target, link);
  }
}
