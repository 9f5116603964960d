// The six signals' latest values per node as a table: what the charts draw, readable by keyboard and
// screen reader, and the quickest way to compare nodes.
import { html } from "htm/preact";
import { useState } from "preact/hooks";
import type { WireNode, WirePoint } from "../wire.js";

const number = (value: number | null | undefined, digits = 0): string => (value === null || value === undefined ? "-" : value.toFixed(digits));

export function SignalsTable({ point, nodes, addresses }: { point: WirePoint | undefined; nodes: readonly WireNode[]; addresses: readonly string[] }) {
  const [open, setOpen] = useState(false);
  if (point === undefined) return null;
  // Closed, the table is not built at all: with 60 nodes it would be diffed every second for nothing.
  return html`<details class="signals-table" onToggle=${(event: Event) => setOpen((event.currentTarget as HTMLDetailsElement).open)}>
    <summary>Latest values per node</summary>
    ${
      open
        ? html`<table>
      <thead>
        <tr>
          <th scope="col">#</th><th scope="col">Node</th><th scope="col">Role</th><th scope="col">cluster_state</th><th scope="col">slots pfail</th>
          <th scope="col">slots fail</th><th scope="col">sent/s</th><th scope="col">received/s</th><th scope="col">known nodes</th><th scope="col">clients</th>
        </tr>
      </thead>
      <tbody>
        ${nodes.map((node) => {
          const values = point.nodes[node.address];
          const state = values?.[0];
          return html`<tr>
            <td>${addresses.indexOf(node.address) + 1}</td>
            <td>${node.address}</td>
            <td>${node.role ?? "?"}</td>
            <td>${state === 1 ? "ok" : state === 0 ? "FAIL" : "-"}</td>
            <td>${number(values?.[1])}</td>
            <td>${number(values?.[2])}</td>
            <td>${number(values?.[3], 1)}</td>
            <td>${number(values?.[4], 1)}</td>
            <td>${number(values?.[5])}</td>
            <td>${number(values?.[6])}</td>
          </tr>`;
        })}
      </tbody>
    </table>`
        : ""
    }
  </details>`;
}
