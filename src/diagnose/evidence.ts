// Evidence lines quote exactly what a node or a probe said, and from whose point of view.
import { formatAddress } from "../cluster/address.js";
import type { Evidence } from "../model/finding.js";
import type { LinkCell } from "../model/links.js";
import type { ProbeResult } from "../model/snapshot.js";
// The same words for a link's state in evidence as in the report's matrix.
import { describeLinkState } from "./words.js";

export const TOOL = "busdoctor";

export function cellEvidence(cell: LinkCell): Evidence {
  const detail = `${cell.peer}: ${describeLinkState(cell.state)}${cell.line ? ` | ${cell.line}` : ""}`;
  return { source: cell.observer, what: "CLUSTER NODES", detail };
}

export function describeProbe(probe: ProbeResult): string {
  const meaning: Record<ProbeResult["state"], string> = {
    open: "open (TCP handshake completed)",
    refused: "refused (nothing listening, or a REJECT rule)",
    timeout: "no answer (filtered: a firewall drops the packets)",
    unreachable: "unreachable (no route)",
    error: "error",
  };
  const error = probe.error ? `: ${probe.error}` : "";
  return `${formatAddress(probe.host, probe.port)} ${meaning[probe.state]} after ${probe.ms} ms${probe.state === "error" ? error : ""}`;
}

export function probeEvidence(probe: ProbeResult, what: string): Evidence {
  return { source: TOOL, what, detail: describeProbe(probe) };
}

/** At most `limit` cells as evidence, with a line saying how many more agree. */
export function someCells(cells: readonly LinkCell[], limit = 6): Evidence[] {
  const shown = cells.slice(0, limit).map(cellEvidence);
  if (cells.length > limit) {
    shown.push({ source: TOOL, what: "CLUSTER NODES", detail: `... and ${cells.length - limit} more views agree` });
  }
  return shown;
}
