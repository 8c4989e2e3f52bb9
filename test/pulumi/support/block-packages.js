/*
 * Preload (`node --require`) that makes the packages named in GLIDEPATH_BLOCKED (a JSON array)
 * unresolvable, as when they are not installed: Node's resolver, which `require` and
 * `require.resolve` both use, throws MODULE_NOT_FOUND for them. `loadedPackages()` lists the
 * top-level packages the process resolved a file from.
 */
const Module = require('node:module');

const blocked = JSON.parse(process.env.GLIDEPATH_BLOCKED ?? '[]');
const isPackage = (request, name) => request === name || request.startsWith(`${name}/`);
const loaded = new Set();
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (blocked.some((name) => isPackage(request, name))) {
    const error = new Error(`Cannot find module '${request}'`);
    error.code = 'MODULE_NOT_FOUND';
    throw error;
  }
  const file = resolve.call(this, request, ...rest);
  // The top-level package a file belongs to (scoped packages keep their scope).
  const match = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/](?!.*node_modules)/.exec(file);
  if (match) loaded.add(match[1].replace(/\\/g, '/'));
  return file;
};

module.exports = { loadedPackages: () => [...loaded].sort() };
