// The 16384 slots as 16 rows of 1024: each run coloured by its owner's shard, hatched when the owner is
// flagged fail? or fail, grey when no node serves it, with a tick over every open (migrating or
// importing) slot. Every run has a text title, and the runs are listed in words under the map.
import { html } from "htm/preact";
import type { WireShard, WireSlotRun, WireSlots } from "../wire.js";

const SLOTS = 16384;
const ROW = 1024;
const ROW_HEIGHT = 6;

/** A run split at row ends: [row, first column, last column]. */
function pieces(run: WireSlotRun): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  for (let start = run.start; start <= run.end; ) {
    const row = Math.floor(start / ROW);
    const end = Math.min(run.end, (row + 1) * ROW - 1);
    out.push([row, start % ROW, end % ROW]);
    start = end + 1;
  }
  return out;
}

function runLabel(run: WireSlotRun, shardOf: Map<string, number>): string {
  const range = run.start === run.end ? `slot ${run.start}` : `slots ${run.start}-${run.end}`;
  if (run.owner === null) return `${range}: not served by any node`;
  const shard = shardOf.get(run.owner);
  return `${range}: ${run.owner}${shard === undefined ? "" : ` (shard ${shard + 1})`}${run.state === "ok" ? "" : `, owner flagged ${run.state === "pfail" ? "fail?" : "fail"}`}`;
}

export function SlotMap({ slots, shards }: { slots: WireSlots; shards: readonly WireShard[] }) {
  const shardOf = new Map(shards.map((shard, index) => [shard.master, index]));
  const trouble = slots.runs.filter((run) => run.state !== "ok");
  return html`
    <svg class="slot-map" viewBox=${`0 0 ${ROW} ${(SLOTS / ROW) * ROW_HEIGHT}`} preserveAspectRatio="none" role="img" aria-label="Slot map: 16 rows of 1024 slots">
      <defs>
        <pattern id="hatch-pfail" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="3" height="6" class="hatch" /></pattern>
        <pattern id="hatch-fail" width="4" height="4" patternUnits="userSpaceOnUse"><path d="M0 0L4 4M4 0L0 4" class="hatch-line" /></pattern>
      </defs>
      ${slots.runs.map((run) => {
        const shard = run.owner === null ? undefined : shardOf.get(run.owner);
        const fill = run.owner === null ? "unassigned" : `s${(shard ?? 7) % 8}`;
        const label = runLabel(run, shardOf);
        return pieces(run).map(
          ([row, from, to]) => html`<g data-state=${run.state}>
            <rect class=${`slot-run ${fill}`} x=${from} y=${row * ROW_HEIGHT} width=${to - from + 1} height=${ROW_HEIGHT - 1}><title>${label}</title></rect>
            ${
              run.state === "pfail" || run.state === "fail"
                ? html`<rect x=${from} y=${row * ROW_HEIGHT} width=${to - from + 1} height=${ROW_HEIGHT - 1} fill=${`url(#hatch-${run.state})`}><title>${label}</title></rect>`
                : ""
            }
          </g>`,
        );
      })}
      ${slots.open.map(
        (open) => html`<rect class="open-slot" x=${(open.slot % ROW) - 1} y=${Math.floor(open.slot / ROW) * ROW_HEIGHT} width="3" height=${ROW_HEIGHT - 1}>
          <title>slot ${open.slot} ${open.direction} on ${open.node}${open.peer === null ? "" : ` (${open.direction === "migrating" ? "to" : "from"} ${open.peer})`}</title>
        </rect>`,
      )}
    </svg>
    <p class="summary">
      ${
        slots.source === null ? "No node has listed the slots yet." : `From ${slots.source}'s CLUSTER NODES (${slots.agreeing} of ${slots.views} views agree). `
      }
      ${
        trouble.length === 0
          ? ""
          : html`<strong>${trouble
              .map((run) => runLabel(run, shardOf))
              .slice(0, 6)
              .join("; ")}${trouble.length > 6 ? "; …" : ""}.</strong>`
      }
      ${
        slots.open.length === 0
          ? ""
          : html` ${slots.open.length} open slot(s): ${slots.open
              .slice(0, 6)
              .map((open) => `${open.slot} ${open.direction} on ${open.node}`)
              .join(", ")}.`
      }
    </p>
    <ul class="legend">
      ${shards.map((shard, index) => html`<li><span class=${`swatch s${index % 8}`} aria-hidden="true"></span> shard ${index + 1}: ${shard.master}</li>`)}
      <li><span class="swatch unassigned" aria-hidden="true"></span> not served</li>
      <li><span class="swatch hatch-pfail-swatch" aria-hidden="true"></span> owner flagged fail? (hatched)</li>
      <li><span class="swatch hatch-fail-swatch" aria-hidden="true"></span> owner flagged fail (cross-hatched)</li>
      <li><span class="swatch open-swatch" aria-hidden="true"></span> open slot</li>
    </ul>
  `;
}
