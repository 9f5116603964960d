// Fix snippets for host firewalls: iptables-save lines, nft rule lines, nft JSON rule objects, firewalld XML.
import { parseCidr } from "../cidr.js";
import type { Peer } from "../model.js";
import { NODES_CIDR_PLACEHOLDER, swapDirection, type AllowFixRequest } from "./request.js";

function cidrsOf(peers: Peer[]): string[] {
  return peers.flatMap((peer) => (peer.kind === "cidr" ? [peer.cidr] : []));
}

/** The peer conditions of the model rule, rewritten for the request's direction; [] for "anyone". */
function copiedConditions(request: AllowFixRequest): string[] {
  if (request.nodesOnly) return [];
  const model = request.model;
  if (!model) return [];
  return model.rule.peerSource.map((text) => swapDirection(text, model.direction, request.direction));
}

function portText(ports: number[], separator: string, open: string, close: string): string {
  return ports.length === 1 ? String(ports[0]) : `${open}${ports.join(separator)}${close}`;
}

/** `-A INPUT -s 10.0.0.0/16 -p tcp -m tcp --dport 16379 -j ACCEPT` */
export function iptablesFix(request: AllowFixRequest, chain: string): string {
  const conditions = request.nodesOnly ? [`${request.direction === "in" ? "-s" : "-d"} ${NODES_CIDR_PLACEHOLDER}`] : copiedConditions(request);
  const match = request.ports.length === 1 ? `-m tcp --dport ${request.ports[0]}` : `-m multiport --dports ${request.ports.join(",")}`;
  return ["-A", chain, ...conditions, "-p tcp", match, "-j ACCEPT"].join(" ");
}

/** `ip saddr 10.0.0.0/16 tcp dport 16379 accept` */
export function nftFix(request: AllowFixRequest): string {
  const field = request.direction === "in" ? "saddr" : "daddr";
  const conditions = request.nodesOnly ? [`ip ${field} ${NODES_CIDR_PLACEHOLDER}`] : copiedConditions(request);
  return [...conditions, `tcp dport ${portText(request.ports, ", ", "{ ", " }")}`, "accept"].join(" ");
}

function jsonAddressMatch(field: string, cidr: string): unknown {
  const [address = cidr, length] = cidr.split("/");
  const family = parseCidr(cidr)?.family === 6 ? "ip6" : "ip";
  const right = length === undefined ? address : { prefix: { addr: address, len: Number(length) } };
  return { match: { op: "==", left: { payload: { protocol: family, field } }, right } };
}

/** `{"rule": {..., "expr": [{"match": ... "dport" ...}, {"accept": null}]}}` */
export function nftJsonFix(request: AllowFixRequest, family: string, table: string, chain: string): string {
  const field = request.direction === "in" ? "saddr" : "daddr";
  const cidrs = request.nodesOnly ? [NODES_CIDR_PLACEHOLDER] : request.model ? cidrsOf(request.model.rule.peers) : [];
  const expr: unknown[] = [];
  if (cidrs.length === 1) expr.push(jsonAddressMatch(field, cidrs[0] as string));
  else if (cidrs.length > 1) expr.push({ match: { op: "==", left: { payload: { protocol: "ip", field } }, right: { set: cidrs } } });
  const right = request.ports.length === 1 ? request.ports[0] : { set: request.ports };
  expr.push({ match: { op: "==", left: { payload: { protocol: "tcp", field: "dport" } }, right } }, { accept: null });
  return JSON.stringify({ rule: { family, table, chain, expr } });
}

/** `<port protocol="tcp" port="16379"/>` or a rich rule keeping the model's sources. */
export function firewalldFix(request: AllowFixRequest): string {
  const sources = request.nodesOnly ? [NODES_CIDR_PLACEHOLDER] : request.model ? cidrsOf(request.model.rule.peers) : [];
  const lines: string[] = [];
  for (const port of request.ports) {
    const portElement = `<port protocol="tcp" port="${port}"/>`;
    if (sources.length === 0) lines.push(portElement);
    for (const source of sources) {
      const family = parseCidr(source)?.family === 6 ? "ipv6" : "ipv4";
      lines.push(`<rule family="${family}"><source address="${source}"/>${portElement}<accept/></rule>`);
    }
  }
  return lines.join("\n");
}
