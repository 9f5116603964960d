// busdoctor preflight HOST:PORT [--cluster SEED]: verify a node before it is marked ready.
import type { Command } from "commander";
import { parseHostPort } from "../../cluster/address.js";
import { decidePreflight, preflightHealth } from "../../preflight/decide.js";
import { gatherPreflight } from "../../preflight/gather.js";
import { renderPreflightJson, renderPreflightText } from "../../preflight/render.js";
import { UsageError } from "../../errors.js";
import { exitCodeFor } from "../exitCodes.js";
import { addConnectionOptions, connectionFromFlags, type ConnectionFlags } from "../options/connection.js";
import type { SetExit } from "./index.js";

interface PreflightFlags extends ConnectionFlags {
  cluster?: string;
  json?: boolean;
}

const EXAMPLES = `
Examples:
  busdoctor preflight 10.0.0.9:6379                        the node answers, runs in cluster mode, its bus port accepts TCP
  busdoctor preflight 10.0.0.9:6379 --cluster 10.0.0.5     and every existing node hears it (or, before it joined,
                                                           their bus ports are reachable from here)
  busdoctor preflight -p 6379 --timeout 500 --json         as a Kubernetes startup/readiness probe inside the pod

Exit codes: 0 every check passed (or was skipped), 2 a check failed, 3 could not check
(bad arguments, bad credentials, unreadable TLS files).
`;

export function registerPreflightCommand(program: Command, setExit: SetExit): void {
  const command = program
    .command("preflight")
    .summary("verify a new node before it is marked ready: client port, cluster mode, bus port, peers' views")
    .description(
      "Check that a node answers PING, has cluster_enabled:1, and that its bus port (CONFIG GET cluster-port, else the announced cport, else port + 10000) accepts TCP from here. With --cluster, also check that every existing node's own view shows it with a fresh PONG and no pending ping, and that it hears them; before it has joined, check that the existing nodes' bus ports accept TCP from here. Read-only.",
    )
    .argument("[node]", "the node to verify, host:port (or use -h/-p; default 127.0.0.1:6379)")
    .helpOption("--help", "display help for command")
    .addHelpText("after", EXAMPLES);
  addConnectionOptions(command)
    .option("--cluster <seed>", "any existing node of the cluster the node joins (host:port)")
    .option("--json", "print the report as JSON")
    .action(async (node: string | undefined, flags: PreflightFlags) => {
      const warn = (line: string): void => void process.stderr.write(`busdoctor: ${line}\n`);
      const { seeds, connection } = connectionFromFlags(node === undefined ? [] : [node], flags, process.env, warn);
      const [target, ...extra] = seeds;
      if (target === undefined || extra.length > 0) {
        throw new UsageError("preflight checks one node: give it as host:port or with -h/-p, not both");
      }
      const seed = flags.cluster === undefined ? null : parseHostPort(flags.cluster, target.port);
      const report = decidePreflight(await gatherPreflight({ target, seed, connection }));
      const exitCode = exitCodeFor(preflightHealth(report));
      process.stdout.write(flags.json ? renderPreflightJson(report, exitCode) : renderPreflightText(report, exitCode));
      setExit(exitCode);
    });
}
