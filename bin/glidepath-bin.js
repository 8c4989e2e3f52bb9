#!/usr/bin/env node
/**
 * The `glidepath` command (package.json "bin"). In the published package it runs the compiled CLI
 * in dist/. In a checkout of the repository (the TypeScript sources sit beside this file) it runs
 * the sources, transpiled with the `typescript` package (cached by content in
 * node_modules/.cache/glidepath-transpile: see transpile-typescript.js), so `npx glidepath` works there
 * without a build, as the generated runbooks, pipelines and workflows expect.
 */
const fs = require('node:fs');
const path = require('node:path');

const source = path.join(__dirname, 'glidepath.ts');
if (fs.existsSync(source)) {
  require('./transpile-typescript').registerTypeScript();
  require(source);
} else {
  require(path.join(__dirname, '..', 'dist', 'bin', 'glidepath.js'));
}
