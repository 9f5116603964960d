// The layer rules of src (README "How it is built"), checked by `npm run lint:layers`.
// Deciding is pure and fed plain data; I/O is a thin shell around it; only src/cli turns errors and
// health into exit codes and talks to the user. Type-only imports count: a pure module that needs an
// I/O module's type is a type in the wrong place.

/**
 * The I/O files that live in a folder of pure code. Such a folder is pure except for the files named
 * here: a new file there is checked as pure until it is named, so it cannot slip past the rules.
 */
const IO_IN_PURE_FOLDERS = [
  "^src/(preflight|hostaudit)/gather[.]ts$",
  "^src/lint/load[.]ts$",
  "^src/check/run[.]ts$",
  "^src/fix/(client|gather|session)[.]ts$",
  "^src/watch/(loop|run|sampler|webhook|metrics|metricsRoute|outlets|processMetrics)[.]ts$",
  "^src/alerting/alertmanager[.]ts$",
];

/** Code that decides: no sockets, files, processes, clocks to wait on. Whole folders, less the I/O files above. */
const PURE = ["^src/(model|parse|text|cluster|diagnose|render|firewall|lint|check|fix|preflight|hostaudit|watch|alerting)/", "^src/(errors|version)[.]ts$"];

/** The I/O shell: network, disk, processes, the SQLite history, the HTTP server. */
const IO = ["^src/(collect|lab|http|history|files|dashboard|fleet)/", ...IO_IN_PURE_FOLDERS];

/** Node built-ins that reach outside the process. */
const IO_BUILTINS = "^(node:)?(fs|fs/promises|child_process|tls|http|https|http2|dgram|dns|dns/promises|readline|readline/promises|worker_threads|cluster)$";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "pure-imports-io",
      comment: "Pure layers (model, parse, cluster, diagnose, render, firewall, lint, fix's plan, check's report, the watch's state machine...) are fed plain data: they may not import the I/O shell (nor src/cli: see only-bin-imports-cli).",
      severity: "error",
      from: { path: PURE, pathNot: IO_IN_PURE_FOLDERS },
      to: { path: IO },
    },
    {
      name: "pure-uses-io-builtin",
      comment: "Pure layers may not open files, processes or connections (node:net is allowed for isIP and BlockList, which only parse: a connect would still be caught by review).",
      severity: "error",
      from: { path: PURE, pathNot: IO_IN_PURE_FOLDERS },
      to: { dependencyTypes: ["core"], path: IO_BUILTINS },
    },
    {
      name: "only-bin-imports-cli",
      comment: "src/cli is the top: it maps errors and health to exit codes and calls process.exit. Nothing under src imports it (bin/busdoctor runs its build).",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/cli/" },
      to: { path: "^src/cli/" },
    },
    {
      name: "model-is-a-leaf",
      comment: "src/model holds the plain data types everyone shares; it imports nothing else of src.",
      severity: "error",
      from: { path: "^src/model/" },
      to: { path: "^src/", pathNot: "^src/model/" },
    },
    {
      name: "client-imports-only-the-wire",
      comment: "The dashboard's browser code shares only the wire format with the server.",
      severity: "error",
      from: { path: "^src/dashboard/client/" },
      to: { path: "^src/", pathNot: ["^src/dashboard/client/", "^src/dashboard/wire[.]ts$"] },
    },
    {
      name: "no-folder-cycles",
      comment: "Folders depend one way: a cycle between folders means a type or a rule is in the wrong place.",
      severity: "error",
      scope: "folder",
      from: { path: "^src/" },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(dist|test|bench|scripts)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".js", ".mjs", ".cjs", ".json"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
