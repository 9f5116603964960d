import type { Command } from "commander";

/** Each command module registers itself and reports the exit code it wants through `setExit`. */
export type SetExit = (code: number) => void;

type Register = (program: Command, setExit: SetExit) => void;

/**
 * Command modules load lazily: `busdoctor check` should not pay for loading the lab or the linters'
 * parsers before it starts (Node.js module loading is most of a short run's wall time).
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  check: async () => (await import("./check.js")).registerCheckCommand,
  fix: async () => (await import("./fix.js")).registerFixCommand,
  demo: async () => (await import("./demo.js")).registerDemoCommand,
  lab: async () => (await import("./lab.js")).registerLabCommand,
  lint: async () => (await import("./lint.js")).registerLintCommand,
  watch: async () => (await import("./watch.js")).registerWatchCommand,
  timeline: async () => (await import("./timeline.js")).registerTimelineCommand,
  preflight: async () => (await import("./preflight.js")).registerPreflightCommand,
  "host-audit": async () => (await import("./hostAudit.js")).registerHostAuditCommand,
};

/** Registers the command named in argv, or every command (for help, or a name that needs suggestions). */
export async function registerCommands(program: Command, setExit: SetExit, argv: readonly string[]): Promise<void> {
  const named = argv[2] === undefined ? undefined : COMMANDS[argv[2]];
  const loaders = named ? [named] : Object.values(COMMANDS);
  for (const register of await Promise.all(loaders.map((load) => load()))) register(program, setExit);
}
