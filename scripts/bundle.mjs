// Bundles the compiled CLI into dist/bundle/: main.cjs, which loads commander and a command only when it
// runs, and one file per command (check.cjs, fix.cjs, ...). Node.js resolving, linking and compiling
// modules is most of a short run's wall time: `busdoctor check` loads main, commander and check.cjs, not the
// ~100 compiled modules. CommonJS, not ES modules: bin/busdoctor loads these files itself (code-cache.mjs,
// beside this script, writes the V8 code cache it reads them with) and Node.js's ES module loader is never
// started (that loader and the modules it compiles cost a `busdoctor check` about 10 ms).
// Also bundles the dashboard's browser code (Preact, htm, uPlot and src/dashboard/client) into
// dist/assets/dashboard/: watch serves these files, so nothing is fetched from a network at run time.
import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { build } from "esbuild";
import { writeCodeCaches } from "./code-cache.mjs";

const OUT = "dist/bundle";
const COMMANDS_DIR = "dist/cli/commands";
const commandModules = readdirSync(COMMANDS_DIR).filter((name) => name.endsWith(".js") && name !== "index.js");

/**
 * Modules main.cjs and the commands must share, one copy each: main.ts tells a BusdoctorError or a
 * CommanderError thrown in a command by `instanceof`. Each is a file of its own that the others require.
 */
const SHARED = { errors: resolve("dist/errors.js"), commander: resolve("node_modules/commander/esm.mjs") };

const common = {
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  logLevel: "warning",
  // Packages that load files next to their own code at run time (WebAssembly grammars, native
  // addons) stay in node_modules, required from there.
  external: ["web-tree-sitter", "@tree-sitter-grammars/*", "better-sqlite3"],
  // `await import("./check.js")` becomes a require() of check.cjs when its command runs.
  supported: { "dynamic-import": false },
  // The sources are ES modules that find files beside themselves (the dashboard's assets) from their own URL.
  define: { "import.meta.url": "__bundleUrl" },
  banner: { js: 'const __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
};

const commandFile = (path) => commandModules.find((name) => path === resolve(COMMANDS_DIR, name));
const sharedFile = (path) => Object.entries(SHARED).find(([, file]) => file === path)?.[0];

/** The file of dist/bundle/ an import stays a require() of (`./check.cjs`, resolved at run time), if any. */
function siblingFile(path, importer) {
  const command = importer === resolve(COMMANDS_DIR, "index.js") ? commandFile(path) : undefined;
  if (command !== undefined) return command.replace(/[.]js$/, ".cjs");
  const shared = sharedFile(path);
  return shared === undefined ? undefined : `${shared}.cjs`;
}

const siblings = {
  name: "siblings",
  setup(plugin) {
    plugin.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === "siblings") return undefined;
      const resolved = await plugin.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: "siblings" });
      const file = siblingFile(resolved.path, args.importer);
      return file === undefined ? resolved : { path: `./${file}`, external: true };
    });
  },
};

// A bundle of an earlier build must not stay next to the new ones (nor its code cache).
rmSync(OUT, { recursive: true, force: true });
await build({ ...common, entryPoints: Object.entries(SHARED).map(([out, file]) => ({ in: file, out })), outdir: OUT, outExtension: { ".js": ".cjs" } });
await build({
  ...common,
  entryPoints: [
    { in: "dist/cli/main.js", out: "main" },
    ...commandModules.map((name) => ({ in: resolve(COMMANDS_DIR, name), out: name.replace(/[.]js$/, "") })),
  ],
  outdir: OUT,
  outExtension: { ".js": ".cjs" },
  plugins: [siblings],
});
// What `busdoctor --version` prints; bin/busdoctor reads it without loading any module.
const { VERSION } = await import("../dist/version.js");
writeFileSync(`${OUT}/version.txt`, `${VERSION}\n`);

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

writeCodeCaches(OUT);
