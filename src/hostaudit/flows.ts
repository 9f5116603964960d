// Pure: the connections a cluster node needs through this host's firewall, one per peer and port:
// peers into its client and bus ports, it out to theirs (replicas sync over the client port), and the
// same through the forward hook for a node in a container or VM behind this host.
import { packetAddress, parseAddressRange, rangeContains } from "../firewall/addresses.js";
import type { Flow, InterfaceKind } from "../firewall/evaluate.js";
import type { Hook, IpVersion } from "../firewall/model.js";
import type { FlowDirection, LocalAddress } from "./model.js";
import type { LocalNode } from "./node.js";

export interface AuditFlow {
  direction: FlowDirection;
  role: "client" | "bus";
  port: number;
  /** The peer's client address, or "any" when no peer is known. */
  peer: string;
  flow: Flow;
}

/**
 * An address of this host: one of its interfaces' addresses, or inside a loopback interface's prefix
 * (the kernel answers for all of 127.0.0.0/8 on lo). Traffic between two local addresses goes over lo
 * and passes both the output and the input hooks.
 */
export function isLocalAddress(address: string, locals: readonly LocalAddress[]): boolean {
  const value = packetAddress(address);
  if (value === null) return false;
  return locals.some((local) => {
    const [own = "", length = ""] = local.cidr.split("/");
    const range = parseAddressRange(local.internal ? `${own}/${length}` : own);
    return range !== null && rangeContains(range, value);
  });
}

const LOOPBACK_PATH: Hook[] = ["output", "postrouting", "prerouting", "input"];
const PATHS: Record<FlowDirection, Hook[]> = {
  in: ["prerouting", "input"],
  out: ["output", "postrouting"],
  "forward-in": ["prerouting", "forward", "postrouting"],
  "forward-out": ["prerouting", "forward", "postrouting"],
};

interface PeerEnd {
  label: string;
  ip: string | null;
  clientPort: number;
  busPort: number;
}

export function buildFlows(node: LocalNode, busPort: number | null, source: string | null, locals: readonly LocalAddress[]): AuditFlow[] {
  const version: IpVersion = node.ip !== null && packetAddress(node.ip)?.version === 6 ? 6 : 4;
  const peers: PeerEnd[] =
    node.peers.length > 0
      ? node.peers.map((peer) => ({ label: peer.address, ip: peer.ip, clientPort: peer.port, busPort: peer.busPort }))
      : [{ label: "any", ip: null, clientPort: node.clientPort, busPort: busPort ?? 0 }];
  // The node's own connections leave from bind-source-addr when set; otherwise --source, where the
  // probes left from, is the best guess (null: any source, address matches then "may" apply).
  const outSource = node.bindSourceAddr ?? source;
  const flows: AuditFlow[] = [];
  for (const peer of peers) {
    const local = peer.ip !== null && isLocalAddress(peer.ip, locals);
    const iface: InterfaceKind = local ? "lo" : "other";
    const ports: Array<{ role: "client" | "bus"; inbound: number | null; outbound: number }> = [
      { role: "client", inbound: node.clientPort, outbound: peer.clientPort },
      { role: "bus", inbound: busPort, outbound: peer.busPort },
    ];
    for (const { role, inbound, outbound } of ports) {
      if (inbound !== null) {
        // Loopback traffic never passes the forward hook.
        for (const direction of local ? (["in"] as const) : (["in", "forward-in"] as const)) {
          const hooks = local ? LOOPBACK_PATH : PATHS[direction];
          flows.push({ direction, role, port: inbound, peer: peer.label, flow: { version, saddr: peer.ip, daddr: node.ip, dport: inbound, iface, hooks } });
        }
      }
      if (outbound > 0) {
        for (const direction of local ? (["out"] as const) : (["out", "forward-out"] as const)) {
          const hooks = local ? LOOPBACK_PATH : PATHS[direction];
          const saddr = direction === "out" ? outSource : node.ip;
          flows.push({ direction, role, port: outbound, peer: peer.label, flow: { version, saddr, daddr: peer.ip, dport: outbound, iface, hooks } });
        }
      }
    }
  }
  return flows;
}
