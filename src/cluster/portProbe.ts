// Pure: how a TCP probe of a port reads to an operator (preflight and host-audit say which port they
// tested, and what its answer means): a dropped SYN is "filtered", not a "timeout".
import type { ProbeResult } from "../model/snapshot.js";
import { formatAddress } from "./address.js";

/** The word an operator uses for each probe outcome: a dropped SYN is "filtered", not a "timeout". */
export type PortVerdict = "open" | "refused" | "filtered" | "unreachable" | "error";

export function portVerdict(probe: ProbeResult): PortVerdict {
  return probe.state === "timeout" ? "filtered" : probe.state;
}

const MEANING: Record<PortVerdict, string> = {
  open: "the TCP handshake completed",
  refused: "connection refused: nothing listens there, or a firewall rejects with a TCP reset",
  filtered: "no answer to the TCP handshake: a firewall drops the packets",
  unreachable: "no route to the host",
  error: "the connect failed",
};

/** "127.0.0.3:16379 filtered (no answer to the TCP handshake: a firewall drops the packets, 1000 ms)". */
export function describePortProbe(probe: ProbeResult): string {
  const verdict = portVerdict(probe);
  const detail = verdict === "error" || verdict === "unreachable" ? `${MEANING[verdict]}: ${probe.error ?? "no detail"}` : MEANING[verdict];
  return `${formatAddress(probe.host, probe.port)} ${verdict} (${detail}, ${Math.round(probe.ms)} ms)`;
}
