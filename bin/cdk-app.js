#!/usr/bin/env node
/**
 * The CDK app of this repository (cdk.json "app"): runs bin/app.ts with the sources transpiled by
 * bin/transpile-typescript.js, whose cache (keyed by content) the `glidepath` command shares, so
 * `npx cdk synth` does not transpile every source again on each run as ts-node did (about 3 s of
 * CPU less per synth once the cache is warm).
 */
// Stack traces in cdk.out's metadata (where a warning was raised) name the TypeScript lines, as
// ts-node's did: the transpiled code carries inline source maps.
process.setSourceMapsEnabled(true);
require('./transpile-typescript').registerTypeScript();
require('./app.ts');
