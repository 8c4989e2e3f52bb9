#!/usr/bin/env node
/**
 * The package.json a consumer receives: this repository's, without the lifecycle scripts npm runs
 * when a package is installed. The repository's `prepare` (bin/link-bin.js, a development
 * convenience) is not in the package, and npm 11 lists every dependency with an install-time
 * script as "not yet covered by allowScripts" on each consumer's `npm install`, asking for
 * approval; a git install would run it and fail on the missing file. The same pattern as pinst
 * and clean-package: `prepack` writes the stripped manifest (`strip`), `postpack` puts the
 * original back (`restore`); the original is kept beside it until then, so a pack that stopped
 * half-way is repaired by the next `strip` or `restore`.
 * @see https://docs.npmjs.com/cli/v11/using-npm/scripts#life-cycle-scripts
 */
const fs = require('node:fs');
const path = require('node:path');

/** The scripts npm runs in a package when it is installed (as a dependency, or from git). */
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'preprepare', 'prepare', 'postprepare'];

/** The manifest text a consumer gets for the manifest text `text` (formatting kept). */
function publishedManifest(text) {
  const manifest = JSON.parse(text);
  for (const name of INSTALL_SCRIPTS) delete manifest.scripts?.[name];
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

const BACKUP = '.package.json.unpacked';

/** Puts the original manifest of `dir` back, if a `strip` left it aside. */
function restore(dir) {
  const backup = path.join(dir, BACKUP);
  if (fs.existsSync(backup)) fs.renameSync(backup, path.join(dir, 'package.json'));
}

/** Writes the published manifest into `dir`/package.json and keeps the original aside. */
function strip(dir) {
  restore(dir);
  const file = path.join(dir, 'package.json');
  const text = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(path.join(dir, BACKUP), text);
  fs.writeFileSync(file, publishedManifest(text));
}

module.exports = { INSTALL_SCRIPTS, publishedManifest };

if (require.main === module) {
  const [command] = process.argv.slice(2);
  const root = path.resolve(__dirname, '..');
  if (command === 'strip') strip(root);
  else if (command === 'restore') restore(root);
  else {
    process.stderr.write('usage: node bin/publish-manifest.js strip|restore\n');
    process.exit(2);
  }
}
