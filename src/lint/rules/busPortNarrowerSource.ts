// The bus port allowed from fewer peers than the client port: some nodes cannot reach it.
import { isWholeInternet, parseAddressRange, rangeWithin } from "../../firewall/addresses.js";
import { reachesAllNodes } from "../evaluate.js";
import type { LintFinding, Peer } from "../model.js";
import { allowFix, describePeers, directionWord, finding, portPairAccesses, type LintRule } from "./rule.js";

function cidrs(peers: readonly Peer[]): string[] | undefined {
  const result: string[] = [];
  for (const peer of peers) {
    if (peer.kind !== "cidr" || isWholeInternet(peer.cidr)) return undefined;
    result.push(peer.cidr);
  }
  return result;
}

function contains(outer: string, inner: string): boolean {
  const a = parseAddressRange(outer);
  const b = parseAddressRange(inner);
  return a !== null && b !== null && rangeWithin(b, a);
}

/**
 * Narrower when the client side reaches every node (anyone, self, the pods themselves) and the bus
 * side names only other groups; or when the client port is open to a range and the bus port only to
 * a strict part of that same range (one subnet where the client port has the whole VPC). Client
 * ranges disjoint from the bus ranges are application subnets, which need no bus access.
 */
function isNarrower(client: readonly Peer[], bus: readonly Peer[]): boolean {
  if (reachesAllNodes(client)) return !reachesAllNodes(bus) && !bus.some((peer) => peer.kind === "cidr");
  const clientCidrs = cidrs(client);
  const busCidrs = cidrs(bus);
  if (!clientCidrs || !busCidrs) return false;
  return clientCidrs.some(
    (clientCidr) => !busCidrs.some((busCidr) => contains(busCidr, clientCidr)) && busCidrs.some((busCidr) => contains(clientCidr, busCidr)),
  );
}

export const busPortNarrowerSource: LintRule = {
  id: "bus-port-narrower-source",
  defaultSeverity: "warning",
  summary: "The cluster bus port is allowed from a narrower set of peers than the client port.",
  help:
    "Every node must reach every other node's bus port. A bus rule that names one subnet while the client rule names the whole VPC, " +
    "or that names client pods but not the Redis pods themselves, leaves some nodes unable to gossip with the rest: those nodes are marked " +
    "failed while they still answer PING. Allow the bus port from the same sources as the client port, or from the nodes' own group.",
  check({ scope, pairs, judgePolicy }) {
    const findings: LintFinding[] = [];
    for (const { policy, direction, rules, pair, client, bus } of portPairAccesses(scope, pairs)) {
      const busRule = bus.allowRules[0];
      // The rule that lets the client port through for more peers: the one a fix copies.
      const clientRule = client.allowRules.find((rule) => !bus.allowRules.includes(rule)) ?? client.allowRules[0];
      if (!client.allowed || !busRule || !clientRule || bus.unknown) continue;
      if (!isNarrower(client.peers, bus.peers)) continue;
      const found = finding(
        this.id,
        "warning",
        busRule.at,
        `${policy.name} allows the cluster bus port ${pair.bus} ${directionWord(direction)} only for ${describePeers(bus.peers)}, ` +
          `but the client port ${pair.client} for ${describePeers(client.peers)}: nodes outside the narrower set answer PING ` +
          `yet cannot gossip with the others.`,
        allowFix(rules, direction, { ports: [pair.bus], model: { rule: clientRule, direction } }),
        judgePolicy(policy),
      );
      if (found) findings.push(found);
    }
    return findings;
  },
};
