// Loads the CommonJS files of dist/bundle/ (made by `npm run build`) as require() would, but compiled with
// the V8 code cache the build wrote beside each (`check.cjs.code-cache`, scripts/code-cache.mjs): without
// it, compiling the bundle is about 30 ms of a `busdoctor check` (bench/startup.ts). V8 rejects a cache
// made by another version of itself or under other flags (another Node.js): the file is then compiled as
// usual, as when the cache is missing or unreadable. V8 checks the source only by its length, so a cache
// older than its file (the file was changed after the build) is not used.
"use strict";
const { readFileSync, statSync } = require("node:fs");
const Module = require("node:module");
const { dirname, join } = require("node:path");
const { Script } = require("node:vm");

/** Where the build writes the code cache of a bundle file. */
const codeCacheOf = (file) => `${file}.code-cache`;

/** A bundle file as V8 compiles it, in Node.js's CommonJS wrapper; `cachedData` spares compiling what it holds. */
function compileBundle(file, cachedData) {
  return new Script(Module.wrap(readFileSync(file, "utf8")), { filename: file, cachedData });
}

/** The code cache of a bundle file, if there is one made after the file. */
function readCodeCache(file) {
  try {
    const cache = codeCacheOf(file);
    return statSync(cache).mtimeMs < statSync(file).mtimeMs ? undefined : readFileSync(cache);
  } catch {
    return undefined;
  }
}

/** A require() of another file of the bundle (`./commander.cjs`), which the build left out of this one. */
const SIBLING = /^\.\/[\w-]+\.cjs$/;

const loaded = new Map();

/** Runs a bundle file once and returns its exports; its requires of siblings load them the same way. */
function loadBundle(file) {
  const known = loaded.get(file);
  if (known !== undefined) return known.exports;
  const module = { exports: {} };
  loaded.set(file, module);
  const folder = dirname(file);
  const requireFromFile = Module.createRequire(file);
  const require = (id) => (SIBLING.test(id) ? loadBundle(join(folder, id)) : requireFromFile(id));
  compileBundle(file, readCodeCache(file)).runInThisContext().call(module.exports, module.exports, require, module, file, folder);
  return module.exports;
}

module.exports = { loadBundle, compileBundle, codeCacheOf, readCodeCache };
