// Pure: the host's firewalls read from what was captured, and the rules that stop the node's flows.
import { FirewallEvaluator, type Blocker } from "../firewall/evaluate.js";
import { parseIptablesSave } from "../firewall/iptables/save.js";
import type { FirewallChain } from "../firewall/model.js";
import { parseNftJson } from "../firewall/nft/jsonRuleset.js";
import type { AuditFlow } from "./flows.js";
import type { Captured, FirewallBlock, FirewallSourceStatus, HostAuditFacts } from "./model.js";

export interface Firewalls {
  chains: FirewallChain[];
  sources: FirewallSourceStatus[];
}

function message(what: string, error: unknown): string {
  return `${what}: ${error instanceof Error ? error.message : String(error)}`;
}

const NFT_COMMAND = "nft -j list ruleset";
const IPTABLES_COMMAND = "iptables-save";

function countText(chains: readonly FirewallChain[]): string {
  const tables = new Set(chains.map((chain) => `${chain.family} ${chain.table}`));
  const rules = chains.reduce((sum, chain) => sum + chain.rules.length, 0);
  return `${tables.size} table(s), ${chains.length} chain(s), ${rules} rule(s)`;
}

function readNft(captured: Captured): { chains: FirewallChain[]; status: FirewallSourceStatus } {
  if (!captured.ok) return { chains: [], status: { source: "nftables", status: captured.absent ? "absent" : "skipped", detail: captured.why } };
  try {
    const { chains } = parseNftJson(captured.text, NFT_COMMAND);
    return { chains, status: { source: "nftables", status: "read", detail: `${NFT_COMMAND}: ${countText(chains)}` } };
  } catch (error) {
    return { chains: [], status: { source: "nftables", status: "skipped", detail: message(NFT_COMMAND, error) } };
  }
}

/**
 * With the nf_tables backend, iptables' tables are also nftables tables (ip filter, ip mangle...): they
 * are read from iptables-save, which says what its matches mean (`-m multiport --dports`), and nft's
 * copy of them, where such matches are opaque `xt` expressions, is left out so nothing counts twice.
 */
export function readFirewalls(facts: Pick<HostAuditFacts, "nft" | "iptables">): Firewalls {
  const nft = readNft(facts.nft);
  if (!facts.iptables.ok) {
    const status = facts.iptables.absent ? "absent" : "skipped";
    return { chains: nft.chains, sources: [nft.status, { source: "iptables", status, detail: facts.iptables.why }] };
  }
  try {
    const saved = parseIptablesSave(facts.iptables.text, IPTABLES_COMMAND, "ip");
    const { chains } = saved.ruleset;
    if (chains.length === 0) {
      return { chains: nft.chains, sources: [nft.status, { source: "iptables", status: "read", detail: "iptables-save: no tables" }] };
    }
    const shared = saved.backend === "nf_tables" ? new Set(saved.tables) : new Set<string>();
    const nftChains = nft.chains.filter((chain) => !(chain.family === "ip" && shared.has(chain.table)));
    const backend =
      saved.backend === null
        ? ""
        : ` (${saved.backend} backend${shared.size > 0 ? `: read here instead of nft's copy of table(s) ${[...shared].map((name) => `ip ${name}`).join(", ")}` : ""})`;
    return {
      chains: [...nftChains, ...chains],
      sources: [nft.status, { source: "iptables", status: "read", detail: `iptables-save${backend}: ${countText(chains)}` }],
    };
  } catch (error) {
    return { chains: nft.chains, sources: [nft.status, { source: "iptables", status: "skipped", detail: message(IPTABLES_COMMAND, error) }] };
  }
}

function blockOf(blocker: Blocker, flow: AuditFlow): FirewallBlock {
  const { chain, rule } = blocker;
  return {
    source: chain.source,
    family: chain.family,
    table: chain.table,
    chain: chain.name,
    ref: rule === null ? "policy" : rule.ref,
    handle: rule === null ? chain.handle : rule.handle,
    rule: rule === null ? "policy drop" : rule.text,
    direction: flow.direction,
    role: flow.role,
    port: flow.port,
    certain: blocker.certain,
    peers: [flow.peer],
  };
}

/**
 * Every rule (or policy) that stops a flow, one entry per rule, direction and port with the peers it
 * stops. Through the forward hook only rules that name the port count: a forward policy drop is how
 * most hosts (and Docker) run and says nothing about this node.
 */
export function firewallBlocks(chains: readonly FirewallChain[], flows: readonly AuditFlow[]): FirewallBlock[] {
  const blocks = new Map<string, FirewallBlock>();
  const evaluator = new FirewallEvaluator(chains);
  for (const flow of flows) {
    const outcome = evaluator.evaluate(flow.flow);
    for (const blocker of outcome.blockers) {
      const forward = flow.direction.startsWith("forward");
      if (forward && (blocker.rule === null || !blocker.rule.conditions.some((condition) => condition.kind === "port" && condition.field === "dport")))
        continue;
      const block = blockOf(blocker, flow);
      const key = [block.source, block.family, block.table, block.chain, block.ref, block.direction, block.role, block.port].join("|");
      const known = blocks.get(key);
      if (known === undefined) blocks.set(key, block);
      else {
        if (!known.peers.includes(flow.peer)) known.peers.push(flow.peer);
        known.certain = known.certain || block.certain;
      }
    }
  }
  return [...blocks.values()];
}
