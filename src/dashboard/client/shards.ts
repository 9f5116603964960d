// Shards (masters with their replicas), each node's role, epoch and state, and the role changes seen:
// a failover shows as a replica promoted and its old master demoted.
import { html } from "htm/preact";
import type { WireNode, WireRoleChange, WireShard } from "../wire.js";
import { clock, numbered, shortId } from "./format.js";

/**
 * A short word for what is wrong with a node, or null. Words, not colours, carry the meaning. A flag
 * from a minority of the views (an isolated node flags every peer fail?) is a note, not trouble.
 */
export function nodeTrouble(node: WireNode): { text: string; serious: boolean } | null {
  if (node.response !== "answering") return { text: node.response, serious: true };
  if (node.flagged !== null)
    return { text: `flagged ${node.flagged} by ${node.flaggedBy}/${node.listedBy} views`, serious: node.flaggedBy * 2 > node.listedBy };
  if (node.state === "fail") return { text: "cluster_state:fail", serious: true };
  return null;
}

function NodeLine({ node, addresses, changed }: { node: WireNode | undefined; addresses: readonly string[]; changed: WireRoleChange | undefined }) {
  if (node === undefined) return null;
  const trouble = nodeTrouble(node);
  return html`<li class=${trouble?.serious ? "node trouble" : "node"} data-node=${node.address}>
    <span class="num">${numbered(addresses, node.address)}</span>
    <span class="addr">${node.address}</span>
    <span class="muted">${shortId(node.id)}</span>
    <span class="role-word">${node.role ?? "?"}</span>
    ${node.epoch === null ? "" : html`<span class="muted">epoch ${node.epoch}</span>`}
    ${trouble === null ? "" : trouble.serious ? html`<span class="badge bad">⚠ ${trouble.text}</span>` : html`<span class="muted">(${trouble.text})</span>`}
    ${changed === undefined ? "" : html`<span class="badge change">⇅ ${changed.from} → ${changed.to} at ${clock(changed.at)}</span>`}
  </li>`;
}

interface Props {
  shards: readonly WireShard[];
  nodes: readonly WireNode[];
  addresses: readonly string[];
  changes: readonly WireRoleChange[];
}

export function Shards({ shards, nodes, addresses, changes }: Props) {
  const byAddress = new Map(nodes.map((node) => [node.address, node]));
  const lastChange = new Map(changes.map((change) => [change.node, change]));
  return html`
    <ol class="shards">
      ${shards.map(
        (shard, index) => html`<li class="shard">
          <div class="shard-head"><span class=${`shard-swatch s${index % 8}`} aria-hidden="true"></span> Shard ${index + 1}: ${shard.slots} slots</div>
          <ul class="shard-nodes">
            <${NodeLine} node=${byAddress.get(shard.master)} addresses=${addresses} changed=${lastChange.get(shard.master)} />
            ${shard.replicas.map((replica) => html`<${NodeLine} node=${byAddress.get(replica)} addresses=${addresses} changed=${lastChange.get(replica)} />`)}
          </ul>
        </li>`,
      )}
    </ol>
    ${
      changes.length === 0
        ? html`<p class="muted">No role change since the monitor started.</p>`
        : html`<details class="role-changes"><summary>Role changes (${changes.length})</summary><ul>
          ${[...changes].reverse().map((change) => html`<li>${clock(change.at)} ${change.node}: ${change.from} → ${change.to}</li>`)}
        </ul></details>`
    }
  `;
}
