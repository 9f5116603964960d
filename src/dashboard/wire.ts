// What the dashboard's server sends its page: /api/snapshot, /api/incidents and the events of
// /api/stream. Plain JSON; imported by the browser code too, so both sides agree.
// Everything a string holds here came from a Redis server: the page renders it as text, never as HTML.
import { naturalCompare } from "../text/naturalOrder.js";

export const DASHBOARD_API_VERSION = 1;

/** "127.0.0.9:6379" before "127.0.0.10:6379": the page numbers nodes in address order, stable across samples. */
export function byAddress(a: string, b: string): number {
  return naturalCompare(a, b);
}

/** A matrix cell, worst last: what the observer's own CLUSTER NODES says of the peer's bus. */
export const CELL_KINDS = ["ok", "pending", "stale", "pfail", "fail", "missing", "unknown"] as const;
export type CellKind = (typeof CELL_KINDS)[number];

/** [kind, ping pending ms or null, last pong age ms or null]; null on the diagonal. */
export type WireCell = [CellKind, number | null, number | null] | null;

export interface WireMatrix {
  /** Row i and column i are addresses[i]. */
  addresses: string[];
  cells: WireCell[][];
}

export interface WireNode {
  address: string;
  id: string | null;
  role: "master" | "replica" | null;
  /** The master's address, for a replica. */
  master: string | null;
  /** configEpoch in the node's own view. */
  epoch: number | null;
  /** "answering", "unreachable", "unresponsive" or the error kind. */
  response: string;
  state: "ok" | "fail" | null;
  /** How the other nodes flag it, by how many of the views that list it. */
  flagged: "fail" | "fail?" | null;
  flaggedBy: number;
  listedBy: number;
  busPort: number | null;
  /** What a TCP connect from the monitor's host to the bus port got ("open", "timeout"...). */
  busProbe: string | null;
}

export interface WireShard {
  master: string;
  replicas: string[];
  /** Slots the master serves in its own view. */
  slots: number;
  epoch: number | null;
}

export interface WireSlotRun {
  start: number;
  end: number;
  owner: string | null;
  /** The owner as the other nodes flag it; "unassigned" when no node serves the slots. */
  state: "ok" | "pfail" | "fail" | "unassigned";
}

export interface WireOpenSlot {
  slot: number;
  direction: "migrating" | "importing";
  node: string;
  /** The other end of the migration, when the view lists it. */
  peer: string | null;
}

export interface WireSlots {
  runs: WireSlotRun[];
  open: WireOpenSlot[];
  /** Whose CLUSTER NODES the map is read from, and how many views agree with it. */
  source: string | null;
  agreeing: number;
  views: number;
}

export interface WireRoleChange {
  at: number;
  node: string;
  from: "master" | "replica" | null;
  to: "master" | "replica" | null;
}

export interface WireEvidence {
  source: string;
  what: string;
  detail: string;
}

export interface WireAlert {
  id: string;
  code: string;
  severity: string;
  nodes: string[];
  summary: string;
  startedAt: number;
  endedAt: number | null;
  evidence: WireEvidence[];
}

export interface WireStep {
  kind: string;
  /** The step in words: "first pending ping", "PFAIL"... */
  label: string;
  at: number;
  nodes: string[];
  detail: string;
}

export interface WireIncident {
  id: number;
  openedAt: number;
  closedAt: number | null;
  title: string;
  cause: { code: string; nodes: string[]; summary: string } | null;
  nodes: string[];
  /** The incident's phase when the monitor names one. */
  phase: string | null;
  steps: WireStep[];
  alerts: WireAlert[];
}

/** An incident's span on the charts' time axis. */
export interface WireMark {
  id: number;
  code: string | null;
  from: number;
  to: number | null;
}

/** The six signals of one node in one sample: cluster_state (1 ok, 0 fail), slots pfail, slots fail, messages sent/s, received/s, known nodes, connected clients. */
export type WireValues = [
  state: number | null,
  pfail: number | null,
  fail: number | null,
  sent: number | null,
  received: number | null,
  known: number | null,
  clients: number | null,
];

export const SIGNAL_NAMES = ["cluster_state", "slots_pfail", "slots_fail", "messages_sent", "messages_received", "known_nodes", "connected_clients"] as const;

export interface WirePoint {
  at: number;
  nodes: Record<string, WireValues>;
}

/** Everything the page shows at one sample. */
export interface WireState {
  at: number;
  intervalMs: number;
  /** The early warning's pending-ping threshold and the observed round trip, in ms. */
  thresholdMs: number;
  roundTripMs: number;
  nodes: WireNode[];
  matrix: WireMatrix;
  shards: WireShard[];
  slots: WireSlots;
  /** Open incidents, oldest first. */
  incidents: WireIncident[];
  roleChanges: WireRoleChange[];
  marks: WireMark[];
}

/** `event: sample`: one sample's point for the charts and the state. */
export interface WireSample {
  seq: number;
  point: WirePoint;
  state: WireState;
}

/** `event: reset` and GET /api/snapshot: the charts' history and the latest state (null before the first sample). */
export interface WireReset {
  version: typeof DASHBOARD_API_VERSION;
  seq: number;
  series: WirePoint[];
  state: WireState | null;
}

/** GET /api/incidents: the latest incidents, newest first. */
export interface WireIncidentList {
  version: typeof DASHBOARD_API_VERSION;
  /** "history" when read from the history database, "memory" when only this run's are known. */
  source: "history" | "memory";
  incidents: WireIncident[];
}
