// Bundles the compiled CLI into dist/bundle/ with one lazily loaded chunk per command: Node.js
// resolving and loading ~100 small modules was most of a `busdoctor check` run's wall time.
// Also bundles the dashboard's browser code (Preact, htm, uPlot and src/dashboard/client) into
// dist/assets/dashboard/: watch serves these files, so nothing is fetched from a network at run time.
import { build } from "esbuild";

await build({
  entryPoints: ["dist/cli/main.js"],
  outdir: "dist/bundle",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  logLevel: "warning",
  // Packages that load files next to their own code at run time (WebAssembly grammars, native
  // addons) stay in node_modules, imported from there.
  external: ["web-tree-sitter", "@tree-sitter-grammars/*", "better-sqlite3"],
  // Some dependencies are CommonJS and call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
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
