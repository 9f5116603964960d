import { Help, type Command } from "commander";

/** Each command module registers itself and reports the exit code it wants through `setExit`. */
export type SetExit = (code: number) => void;

type Register = (program: Command, setExit: SetExit) => void;

/** A command as `busdoctor --help` lists it, and how to load the module that implements it. */
interface CommandEntry {
  /** Its line's left column, e.g. "check [options] [seeds...]": what commander prints for the loaded command. */
  term: string;
  summary: string;
  load: () => Promise<Register>;
  /**
   * Goes on when stdout's reader goes away (EPIPE): watch, whose other outputs (the history, metrics,
   * webhooks, the Alertmanager push) do not depend on stdout. Any other command then ends (main.ts).
   */
  outlivesStdout?: true;
}

/**
 * Command modules load only when their command runs: Node.js compiling code it never runs was most of a
 * short run's wall time (`--version` compiled every command, the linters' parsers and prom-client included).
 * The terms and summaries repeat what each module registers, so that `--help` lists every command without
 * loading one; a unit test compares this listing with the loaded commands' own.
 */
export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  check: {
    term: "check [options] [seeds...]",
    summary: "diagnose a live cluster's bus from any seed node",
    load: async () => (await import("./check.js")).registerCheckCommand,
  },
  fix: {
    term: "fix [options] [seeds...]",
    summary: "plan the recovery from the evidence; --apply runs its safe steps one at a time",
    load: async () => (await import("./fix.js")).registerFixCommand,
  },
  demo: {
    term: "demo [options]",
    summary: "reproduce a blocked bus port on this machine and diagnose it (needs root and nftables)",
    load: async () => (await import("./demo.js")).registerDemoCommand,
  },
  lab: {
    term: "lab",
    summary: "rehearse cluster bus failures on a real local Redis Cluster (needs root, redis-server, nftables)",
    load: async () => (await import("./lab.js")).registerLabCommand,
  },
  lint: {
    term: "lint [options] <paths...>",
    summary: "find provisioning files that open the client port but not the cluster bus port",
    load: async () => (await import("./lint.js")).registerLintCommand,
  },
  watch: {
    term: "watch [options] [seeds...]",
    summary: "monitor a cluster's bus and warn before Redis declares it failed",
    load: async () => (await import("./watch.js")).registerWatchCommand,
    outlivesStdout: true,
  },
  timeline: {
    term: "timeline [options]",
    summary: "print an incident recorded by `busdoctor watch` as a timeline",
    load: async () => (await import("./timeline.js")).registerTimelineCommand,
  },
  preflight: {
    term: "preflight [options] [node]",
    summary: "verify a new node before it is marked ready: client port, cluster mode, bus port, peers' views",
    load: async () => (await import("./preflight.js")).registerPreflightCommand,
  },
  "host-audit": {
    term: "host-audit [options] [node]",
    summary: "on a node's host: listening sockets, firewall rules that block the bus, peers' bus ports",
    load: async () => (await import("./hostAudit.js")).registerHostAuditCommand,
  },
};

/** Whether the command that runs (`busdoctor watch ...`) goes on when stdout's reader goes away (see CommandEntry). */
export function outlivesStdout(argv: readonly string[]): boolean {
  const name = argv[2];
  return name !== undefined && Object.hasOwn(COMMANDS, name) && COMMANDS[name]?.outlivesStdout === true;
}

/**
 * Registers the command that runs — `busdoctor check ...`, or `busdoctor help check` — loaded, and every
 * other command as a name and summary only: enough for the program's help and for commander's "did you
 * mean" on a mistyped name, and none of them can run.
 */
export async function registerCommands(program: Command, setExit: SetExit, argv: readonly string[]): Promise<void> {
  const running = argv[2] === "help" ? argv[3] : argv[2];
  const listedOnly = new Map<Command, string>();
  for (const [name, entry] of Object.entries(COMMANDS)) {
    if (name === running) (await entry.load())(program, setExit);
    else listedOnly.set(program.command(name).summary(entry.summary), entry.term);
  }
  if (listedOnly.size === 0) return;
  program.configureHelp({
    subcommandTerm(command: Command): string {
      return listedOnly.get(command) ?? Help.prototype.subcommandTerm.call(this, command);
    },
  });
}
