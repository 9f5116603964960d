// What a fix is asked to write, and the one decision every syntax shares: whose connections the new
// rule lets through. The bus is for the cluster's nodes only: a new rule copies the peers of the rule
// it is modelled on only when those are neither the whole internet nor anyone at all, and never the
// clients next to the nodes: it copies address ranges (the nodes' network) or the nodes' own group, and
// otherwise names the nodes (`self = true`, the Redis pods, NODES_CIDR).
import { NODES_PLACEHOLDER } from "../../firewall/addresses.js";
import { isWorld, rulePeers } from "../evaluate.js";
import type { Direction, LintRule, Peer, Placement, RuleSyntax, TextEdit } from "../model.js";

export { NODES_PLACEHOLDER };

/** "Write a rule that allows these ports in this direction", in the syntax of the file being fixed. */
export interface AllowFixRequest {
  syntax: RuleSyntax;
  direction: Direction;
  ports: number[];
  /** A rule whose peers the new rule copies (the client-port rule, the other direction's bus rule). */
  model?: { rule: LintRule; direction: Direction };
  /** Restrict the peers to the cluster's own nodes (a fix for a bus port open to the internet). */
  nodesOnly?: boolean;
  /** A rule the new one must come before (it drops the bus port). */
  before?: LintRule;
  /** Where a new rule of this direction goes when no rule is a better place. */
  placement?: Placement;
  /** The first rule of the direction's main chain: the top of the chain, where a new rule always comes first. */
  top?: LintRule;
  /** Also drop the ports for everyone else, right after the new rule (the bus open to the internet). */
  thenDrop?: boolean;
}

export interface WrittenFix {
  fix: string;
  edit?: TextEdit;
}

/** The peers the new rule names, with the model's own words for them; `nodes` when it must name the nodes. */
export function fixPeers(request: AllowFixRequest): { nodes: true } | { nodes: false; peers: Peer[]; source: string[] } {
  const model = request.model;
  if (request.nodesOnly || !model) return { nodes: true };
  const { peers, source } = rulePeers(model.rule, model.direction);
  // Ranges (a VPC, the nodes' subnet) hold the nodes; named groups (client pods, another security
  // group, an interface) may not, and "anyone" is wider than the nodes.
  const copyable = peers.every((peer) => peer.kind === "cidr" && !isWorld(peer)) || peers.every((peer) => peer.kind === "self");
  if (!copyable) return { nodes: true };
  return { nodes: false, peers, source: source.map((line) => swapDirection(line, model.direction, request.direction)) };
}

/** Swaps source-side words for destination-side ones when a rule is copied to the other direction. */
export function swapDirection(text: string, from: Direction, to: Direction): string {
  if (from === to) return text;
  const pairs: [string, string][] = [
    ["saddr", "daddr"],
    ["-s ", "-d "],
    ["iifname", "oifname"],
    ["iif ", "oif "],
    ["-i ", "-o "],
    ["source_ranges", "destination_ranges"],
    ["source_address_prefix", "destination_address_prefix"],
    ["from ", "to "],
  ];
  let result = text;
  for (const [inbound, outbound] of pairs) {
    result = from === "in" ? result.split(inbound).join(outbound) : result.split(outbound).join(inbound);
  }
  return result;
}

/** Inserts whole lines before a line: each gets the indentation, the block ends with a newline. */
export function insertLines(at: { file: string; line: number }, indent: string, lines: readonly string[]): TextEdit {
  const text = lines.map((line) => (line === "" ? "" : `${indent}${line}`)).join("\n");
  return { file: at.file, start: { line: at.line, column: 1 }, end: { line: at.line, column: 1 }, text: `${text}\n` };
}

/** Inserts text inside a line (no line of its own). */
export function insertText(at: { file: string; line: number; column: number }, text: string): TextEdit {
  return { file: at.file, start: { line: at.line, column: at.column }, end: { line: at.line, column: at.column }, text };
}

/** At a placement: lines (under its header when it has one), or inline text. */
export function atPlacement(placement: Placement, lines: readonly string[]): TextEdit {
  if (placement.inline) return insertText(placement.at, lines.join(" "));
  if (placement.header) return insertLines(placement.at, placement.indent, [placement.header, ...lines.map((line) => `  ${line}`)]);
  return insertLines(placement.at, placement.indent, lines);
}
