// Everything a run needs before it dials anything, read once: the TLS files, the scope of the seeds
// (seed host names looked up here, the only names busdoctor ever resolves), and the limits --max-nodes
// sets. Shared by check, watch, preflight and host-audit.
import { isIP } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { HostPort } from "../cluster/address.js";
import { checkScope, seedScope } from "../cluster/scope.js";
import type { ClientSettings } from "./nodeClient.js";
import type { ConnectionOptions } from "./options.js";
import type { Admit } from "../cluster/scope.js";
import { DEFAULT_MAX_NODES, readBudgetFor, replyLimitFor } from "./limits.js";
import { ReadBudget } from "./resp.js";
import { loadTls } from "./tls.js";

export interface RunSettings {
  client: ClientSettings;
  /** Whether a node's claimed IP may be dialled. */
  admit: Admit;
  maxNodes: number;
  /** A fresh read budget: one per collection, one per watch sample. */
  newBudget(): ReadBudget;
}

/** The seed's addresses: itself when it is an IP, else what the resolver says within the timeout (none if it cannot). */
async function seedAddresses(seed: HostPort, timeoutMs: number): Promise<string[]> {
  if (isIP(seed.host) !== 0) return [seed.host];
  // Loaded here, by the runs that name a seed by host name only: node:dns/promises is a millisecond of every start.
  const { lookup } = await import("node:dns/promises");
  const resolved = lookup(seed.host, { all: true }).then(
    (found) => found.map((entry) => entry.address),
    () => [],
  );
  return Promise.race([resolved, sleep(timeoutMs, [], { ref: false })]);
}

/**
 * `trustedAddresses` widen the scope like seeds: host-audit passes this host's own interface addresses,
 * which are facts of the machine it runs on, not claims of a node.
 */
export async function runSettings(seeds: readonly HostPort[], options: ConnectionOptions, trustedAddresses: readonly string[] = []): Promise<RunSettings> {
  const { timeoutMs, user, password, tls, maxNodes = DEFAULT_MAX_NODES, allow = [] } = options;
  const [tlsOptions, addresses] = await Promise.all([tls === null ? null : loadTls(tls), Promise.all(seeds.map((seed) => seedAddresses(seed, timeoutMs)))]);
  const scope = seedScope([...addresses.flat(), ...trustedAddresses], allow);
  return {
    client: { timeoutMs, user, password, tls: tlsOptions, maxReplyBytes: replyLimitFor(maxNodes) },
    admit: (host) => checkScope(scope, host),
    maxNodes,
    newBudget: () => new ReadBudget(readBudgetFor(maxNodes)),
  };
}
