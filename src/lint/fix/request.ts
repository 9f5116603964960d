import type { Direction, FilterRule, RuleSyntax } from "../model.js";

/** "Write a rule that allows these ports in this direction", in the syntax of the file being fixed. */
export interface AllowFixRequest {
  syntax: RuleSyntax;
  direction: Direction;
  ports: number[];
  /** A rule whose peers the new rule copies (the client-port rule, the other direction's bus rule). */
  model?: { rule: FilterRule; direction: Direction };
  /** Restrict the peers to the cluster's own nodes instead (a fix for a bus port open to the internet). */
  nodesOnly?: boolean;
}

/** Placeholder for the nodes' own network where the file cannot name it (host firewalls). */
export const NODES_CIDR_PLACEHOLDER = "<nodes-cidr>";

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
  ];
  let result = text;
  for (const [inbound, outbound] of pairs) {
    result = from === "in" ? result.split(inbound).join(outbound) : result.split(outbound).join(inbound);
  }
  return result;
}
