// busdoctor host-audit: the per-host half of a diagnosis, run on a node's host.
import type { Command } from "commander";
import { isIP } from "node:net";
import { decideHostAudit, hostAuditHealth } from "../../hostaudit/audit.js";
import { gatherHostAudit } from "../../hostaudit/gather.js";
import { renderHostAuditJson, renderHostAuditText } from "../../hostaudit/render.js";
import { UsageError } from "../../errors.js";
import { exitCodeFor } from "../exitCodes.js";
import { addConnectionOptions, connectionFromFlags, type ConnectionFlags } from "../options/connection.js";
import type { SetExit } from "./index.js";

interface HostAuditFlags extends ConnectionFlags {
  source?: string;
  json?: boolean;
}

const EXAMPLES = `
Examples:
  busdoctor host-audit                              the node on 127.0.0.1:6379
  busdoctor host-audit -h 10.0.0.5 -p 7000          the node this host runs on 10.0.0.5:7000
  busdoctor host-audit --source 10.0.0.5 --json     probe the peers from the node's own address

Exit codes: 0 nothing found, 1 warnings only, 2 a rule blocks a port, a port is not listening or a
peer's bus port is not reachable, 3 could not audit (bad arguments, bad credentials).
Run as root to see every process's sockets and the firewall rules.
`;

export function registerHostAuditCommand(program: Command, setExit: SetExit): void {
  const command = program
    .command("host-audit")
    .summary("on a node's host: listening sockets, firewall rules that block the bus, peers' bus ports")
    .description(
      "Show who listens on the node's client and bus ports (/proc/net/tcp, tcp6) and on which addresses, read the local firewall (nft -j list ruleset, iptables-save when present) for rules that drop or reject either port inbound or outbound, with table, chain and handle, and probe every peer's bus port from this host.",
    )
    .argument("[node]", "the local node, host:port (or use -h/-p; default 127.0.0.1:6379)")
    .helpOption("--help", "display help for command")
    .addHelpText("after", EXAMPLES);
  addConnectionOptions(command)
    .option("--source <address>", "local address to probe the peers from (as the node's own bus connections leave)")
    .option("--json", "print the report as JSON")
    .action(async (nodeArg: string | undefined, flags: HostAuditFlags) => {
      const warn = (line: string): void => void process.stderr.write(`busdoctor: ${line}\n`);
      const { seeds, connection } = connectionFromFlags(nodeArg === undefined ? [] : [nodeArg], flags, process.env, warn);
      const [node, ...extra] = seeds;
      if (node === undefined || extra.length > 0) throw new UsageError("host-audit audits one node: give it as host:port or with -h/-p, not both");
      if (flags.source !== undefined && isIP(flags.source) === 0) throw new UsageError(`--source ${flags.source}: expected an IP address`);
      const report = decideHostAudit(await gatherHostAudit({ node, connection, source: flags.source ?? null }));
      const exitCode = exitCodeFor(hostAuditHealth(report));
      process.stdout.write(flags.json ? renderHostAuditJson(report, exitCode) : renderHostAuditText(report, exitCode));
      setExit(exitCode);
    });
}
