// Pure: what a fault is, and the nftables rules that make it real inside the lab's namespace.
//
// Everything is matched in one `input` hook chain. Loopback traffic between the lab's addresses passes
// the input hook of `lo` once per packet, so a rule there acts like a host firewall on the receiving
// "host" (matching `ip daddr`) or, matching `ip saddr`, like an egress rule on the sending one; the
// latter only works because every node binds its outgoing connections to its own address
// (`--bind-source-addr`).
//
// Beware of 127.0.0.1: it is node 1's address (with the default base) AND the source address of any
// other process in the namespace (`ip netns exec NS ip route get 127.0.0.3` says `src 127.0.0.1`).
// So a probe run inside the lab, such as `busdoctor check`, looks like node 1 to these rules: an
// outbound or pair fault from node 1 also blocks the probe's connections to bus ports, and a probe
// cannot tell a partition's side from node 1's. Start the lab at another base (127.0.0.11) when a
// scenario needs the probe to stand apart from every node.
import { isIPv6 } from "node:net";
import { UsageError } from "../errors.js";

export const LAB_NFT_TABLE = "busdoctor_lab";
export const LAB_NFT_CHAIN = "input";

/** `drop` makes a connect time out (a filtered port); `reject` answers with a TCP reset (refused). */
export type FaultAction = "drop" | "reject";
/** `in`: nobody reaches the node's bus port; `out`: the node reaches no peer's bus port. */
export type BusDirection = "in" | "out" | "both";

/** Faults made of nftables rules. Nodes are 1-based lab indexes. */
export type NetworkFault =
  | { kind: "bus"; node: number; direction: BusDirection; action: FaultAction }
  | { kind: "bus-all"; action: FaultAction }
  | { kind: "pair"; from: number; to: number; action: FaultAction }
  | { kind: "partition"; groups: number[][]; action: FaultAction }
  | { kind: "client"; node: number; action: FaultAction }
  /**
   * Only connections from outside the lab's nodes (busdoctor's own probes and queries) to one node's
   * port, or every node's when `node` is null: the path a monitoring host lacks while the cluster is fine.
   * Needs a base address other than 127.0.0.1 (see above), or the tool looks like node 1.
   */
  | { kind: "outside"; node: number | null; port: "client" | "bus"; action: FaultAction };

/** The node announces (CONFIG SET cluster-announce-bus-port) a bus port nothing listens on. */
export interface AnnounceBusPortFault {
  kind: "announce-bus-port";
  node: number;
  port: number;
}

export type LabFault = NetworkFault | AnnounceBusPortFault;

/** What the rules need to know about the lab: all nodes share one client port and one bus port. */
export interface FaultLayout {
  /** Bus addresses, node 1 first; all IPv4 or all IPv6. */
  addresses: readonly string[];
  /** Where clients reach node N when it announces a client address of its own (Valkey), else absent. */
  clientAddresses?: readonly string[];
  port: number;
  clusterPort: number;
}

function verdict(action: FaultAction): string {
  return action === "drop" ? "drop" : "reject with tcp reset";
}

function addressMatch(addresses: readonly string[]): string {
  return addresses.length === 1 ? `${addresses[0]}` : `{ ${addresses.join(", ")} }`;
}

/** nft's payload keyword for the lab's address family: `ip saddr 127.0.0.3`, `ip6 saddr fd00:b5d0::3`. */
function familyOf(layout: FaultLayout): "ip" | "ip6" {
  return layout.addresses.some((address) => isIPv6(address)) ? "ip6" : "ip";
}

function addressOf(layout: FaultLayout, node: number): string {
  const address = layout.addresses[node - 1];
  if (address === undefined || !Number.isInteger(node)) {
    throw new UsageError(`there is no node ${node}: the lab has nodes 1 to ${layout.addresses.length}`);
  }
  return address;
}

function partitionAddresses(layout: FaultLayout, groups: number[][]): string[][] {
  if (groups.length < 2) throw new UsageError("a partition needs at least two groups of nodes");
  const seen = new Set<number>();
  for (const node of groups.flat()) {
    addressOf(layout, node);
    if (seen.has(node)) throw new UsageError(`node ${node} is in more than one partition group`);
    seen.add(node);
  }
  const missing = layout.addresses.map((_, offset) => offset + 1).filter((node) => !seen.has(node));
  if (missing.length > 0) throw new UsageError(`every node must be in a partition group; missing: ${missing.join(", ")}`);
  return groups.map((group) => group.map((node) => addressOf(layout, node)));
}

/** The rules (as `nft add rule` takes them after the chain name) that make `fault` real. */
export function nftRules(fault: NetworkFault, layout: FaultLayout): string[] {
  const bus = `tcp dport ${layout.clusterPort} ${verdict(fault.action)}`;
  const ip = familyOf(layout);
  switch (fault.kind) {
    case "bus": {
      const address = addressOf(layout, fault.node);
      const inbound = `${ip} daddr ${address} ${bus}`;
      const outbound = `${ip} saddr ${address} ${bus}`;
      if (fault.direction === "in") return [inbound];
      if (fault.direction === "out") return [outbound];
      return [inbound, outbound];
    }
    case "bus-all":
      return [bus];
    case "pair": {
      if (fault.from === fault.to) throw new UsageError(`a pair fault needs two different nodes, got ${fault.from} twice`);
      return [`${ip} saddr ${addressOf(layout, fault.from)} ${ip} daddr ${addressOf(layout, fault.to)} ${bus}`];
    }
    case "partition": {
      const sides = partitionAddresses(layout, fault.groups);
      return sides.map((side) => {
        const others = sides.filter((other) => other !== side).flat();
        return `${ip} saddr ${addressMatch(side)} ${ip} daddr ${addressMatch(others)} ${bus}`;
      });
    }
    case "client": {
      const client = layout.clientAddresses?.[fault.node - 1];
      const addresses = [addressOf(layout, fault.node), ...(client === undefined ? [] : [client])];
      return [`${ip} daddr ${addressMatch(addresses)} tcp dport ${layout.port} ${verdict(fault.action)}`];
    }
    case "outside": {
      const target = fault.node === null ? "" : `${ip} daddr ${addressOf(layout, fault.node)} `;
      const port = fault.port === "bus" ? layout.clusterPort : layout.port;
      return [`${ip} saddr != ${addressMatch(layout.addresses)} ${target}tcp dport ${port} ${verdict(fault.action)}`];
    }
  }
}

/**
 * An `nft -f` script adding the rules in one transaction. `add table`/`add chain` do nothing when they
 * already exist, so faults accumulate until `heal` deletes the table.
 */
export function nftScript(rules: readonly string[]): string {
  const table = `inet ${LAB_NFT_TABLE}`;
  return [
    `add table ${table}`,
    `add chain ${table} ${LAB_NFT_CHAIN} { type filter hook input priority 0; policy accept; }`,
    ...rules.map((rule) => `add rule ${table} ${LAB_NFT_CHAIN} ${rule}`),
    "",
  ].join("\n");
}

/** Deletes the lab's table; adding it first makes this succeed when there is none (nft 1.0.6 has no `destroy`). */
export function nftHealScript(): string {
  return `add table inet ${LAB_NFT_TABLE}\ndelete table inet ${LAB_NFT_TABLE}\n`;
}

/** One line for humans: "bus port of node 3 (127.0.0.3) blocked inbound and outbound (drop)". */
export function describeFault(fault: LabFault, layout: FaultLayout): string {
  const node = (index: number): string => `node ${index} (${addressOf(layout, index)})`;
  switch (fault.kind) {
    case "bus": {
      const how = { in: "inbound", out: "outbound", both: "inbound and outbound" }[fault.direction];
      return `bus port of ${node(fault.node)} blocked ${how} (${fault.action})`;
    }
    case "bus-all":
      return `every bus port (${layout.clusterPort}) blocked (${fault.action})`;
    case "pair":
      return `${node(fault.from)} cannot reach the bus port of ${node(fault.to)} (${fault.action})`;
    case "partition":
      return `bus partitioned into ${fault.groups.map((group) => `{${group.join(",")}}`).join(" ")} (${fault.action})`;
    case "client":
      return `client port of ${node(fault.node)} blocked (${fault.action})`;
    case "outside":
      return `${fault.port} port of ${fault.node === null ? "every node" : node(fault.node)} blocked from outside the nodes only (${fault.action})`;
    case "announce-bus-port":
      return `${node(fault.node)} announces bus port ${fault.port}`;
  }
}
