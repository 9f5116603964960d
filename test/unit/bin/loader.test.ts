// bin/loader.js runs the files of dist/bundle/ as require() would, compiled with the V8 code cache that
// scripts/code-cache.mjs writes beside each at build time; a cache V8 rejects is no cache.
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Script } from "node:vm";
import { afterAll, describe, expect, it } from "vitest";

interface Loader {
  loadBundle(file: string): Record<string, unknown>;
  compileBundle(file: string, cachedData: Buffer | undefined): Script;
  codeCacheOf(file: string): string;
  readCodeCache(file: string): Buffer | undefined;
}
const { loadBundle, compileBundle, codeCacheOf, readCodeCache } = createRequire(import.meta.url)("../../../bin/loader.js") as Loader;
const { writeCodeCaches } = (await import(new URL("../../../scripts/code-cache.mjs", import.meta.url).href)) as { writeCodeCaches(folder: string): void };

const folder = mkdtempSync(join(tmpdir(), "busdoctor-loader-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A bundle requiring a sibling twice and a Node.js module, as esbuild writes dist/bundle/main.cjs. */
function writeBundle(name: string): string {
  writeFileSync(join(folder, "shared.cjs"), "module.exports = { made: Date.now() };\n");
  const file = join(folder, name);
  writeFileSync(
    file,
    [
      'const { basename } = require("node:path");',
      'const shared = require("./shared.cjs");',
      `module.exports = { first: shared, second: require("./shared.cjs"), name: basename(__filename), square: (n) => n * n, tag: "${name}" };`,
      "",
    ].join("\n"),
  );
  return file;
}

describe("bin/loader.js", () => {
  it("runs a bundle with the code cache the build wrote, its siblings once each", () => {
    const file = writeBundle("main.cjs");
    writeCodeCaches(folder);
    expect(compileBundle(file, readFileSync(codeCacheOf(file))).cachedDataRejected).toBe(false);
    const loaded = loadBundle(file);
    expect(loaded["name"]).toBe("main.cjs");
    expect(loaded["first"]).toBe(loaded["second"]);
    expect(loadBundle(file)).toBe(loaded);
    expect((loaded["square"] as (n: number) => number)(7)).toBe(49);
  });

  it("compiles as usual when the cache is of another source, or missing", () => {
    const file = writeBundle("other.cjs");
    const foreign = compileBundle(file, readFileSync(codeCacheOf(join(folder, "shared.cjs"))));
    expect(foreign.cachedDataRejected).toBe(true);
    writeFileSync(codeCacheOf(file), readFileSync(codeCacheOf(join(folder, "shared.cjs"))));
    expect(loadBundle(file)["tag"]).toBe("other.cjs");
    const unbuilt = writeBundle("unbuilt.cjs");
    expect(readCodeCache(unbuilt)).toBeUndefined();
    expect(loadBundle(unbuilt)["tag"]).toBe("unbuilt.cjs");
  });

  it("does not use a cache older than its file: V8 would take one of another source of the same length", () => {
    const file = join(folder, "main.cjs");
    expect(readCodeCache(file)).toEqual(readFileSync(codeCacheOf(file)));
    const later = new Date(Date.now() + 60_000);
    utimesSync(file, later, later);
    expect(readCodeCache(file)).toBeUndefined();
  });
});
