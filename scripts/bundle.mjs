// Bundles the compiled CLI into dist/bundle/: main.js, which loads commander and a command only when it
// runs, and one self-contained file per command (check.js, fix.js, ...). Node.js resolving, linking and
// compiling modules is most of a short run's wall time: `busdoctor check` loads main, commander and
// check.js, not the ~100 compiled modules nor the dozen chunks code splitting made of them.
// Also bundles the dashboard's browser code (Preact, htm, uPlot and src/dashboard/client) into
// dist/assets/dashboard/: watch serves these files, so nothing is fetched from a network at run time.
import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { build } from "esbuild";

const OUT = "dist/bundle";
const COMMANDS_DIR = "dist/cli/commands";
const commandModules = readdirSync(COMMANDS_DIR).filter((name) => name.endsWith(".js") && name !== "index.js");

/**
 * Modules main.js and the commands must share, one copy each: main.ts tells a BusdoctorError or a
 * CommanderError thrown in a command by `instanceof`. Both are entry points of the main build; the command
 * files import them from there.
 */
const SHARED = { errors: resolve("dist/errors.js"), commander: resolve("node_modules/commander/esm.mjs") };

const common = {
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  logLevel: "warning",
  // Packages that load files next to their own code at run time (WebAssembly grammars, native
  // addons) stay in node_modules, imported from there.
  external: ["web-tree-sitter", "@tree-sitter-grammars/*", "better-sqlite3"],
  // Some dependencies are CommonJS and call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
};

/** Imports that stay imports of another file of dist/bundle/ (`./check.js`), resolved at run time. */
function siblings(name, external) {
  return {
    name,
    setup(plugin) {
      plugin.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === name) return undefined;
        const resolved = await plugin.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: name });
        const file = external(resolved.path, args.importer);
        return file === undefined ? resolved : { path: `./${file}`, external: true };
      });
    },
  };
}

// Chunk names carry a content hash: chunks of an earlier build would pile up next to the new ones.
rmSync(OUT, { recursive: true, force: true });
await build({
  ...common,
  entryPoints: [{ in: "dist/cli/main.js", out: "main" }, ...Object.entries(SHARED).map(([out, file]) => ({ in: file, out }))],
  outdir: OUT,
  splitting: true,
  plugins: [
    siblings("commands", (path, importer) =>
      importer === resolve(COMMANDS_DIR, "index.js") && commandModules.includes(path.slice(resolve(COMMANDS_DIR).length + 1))
        ? path.slice(resolve(COMMANDS_DIR).length + 1)
        : undefined,
    ),
  ],
});
// What `busdoctor --version` prints; bin/busdoctor reads it without loading any module.
const { VERSION } = await import("../dist/version.js");
writeFileSync(`${OUT}/version.txt`, `${VERSION}\n`);
await build({
  ...common,
  entryPoints: commandModules.map((name) => resolve(COMMANDS_DIR, name)),
  outdir: OUT,
  plugins: [
    siblings("shared", (path) =>
      Object.entries(SHARED)
        .find(([, file]) => file === path)?.[0]
        ?.concat(".js"),
    ),
  ],
});

await build({
  entryPoints: [
    { in: "src/dashboard/client/main.ts", out: "dashboard" },
    { in: "src/dashboard/client/style.css", out: "dashboard" },
  ],
  outdir: "dist/assets/dashboard",
  bundle: true,
  format: "iife",
  platform: "browser",
  target: ["chrome109", "firefox115", "safari16"],
  minify: true,
  legalComments: "eof",
  logLevel: "warning",
});
