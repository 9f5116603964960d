// Writes the V8 code cache of every file of dist/bundle/ beside it, which bin/loader.js compiles the file
// with. Every function is compiled (`--no-lazy`), not only the top level V8 compiles up front: a run then
// compiles nothing, whichever command and code path it takes. The flag is set back before the cache is
// made, because V8 accepts a cache only under the flags it was made with (those of a plain `node`, as
// bin/busdoctor runs). Made by the Node.js that builds; another version ignores it (bin/loader.js).
import { readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { setFlagsFromString } from "node:v8";

const { compileBundle, codeCacheOf } = createRequire(import.meta.url)("../bin/loader.js");

export function writeCodeCaches(folder) {
  for (const name of readdirSync(folder).filter((entry) => entry.endsWith(".cjs"))) {
    const file = resolve(join(folder, name));
    setFlagsFromString("--no-lazy");
    const script = compileBundle(file, undefined);
    setFlagsFromString("--lazy");
    writeFileSync(codeCacheOf(file), script.createCachedData());
  }
}
