// What the monitor tells the world: alerts that fire and resolve, grouped into incidents, one per root
// cause. Codes are a public contract (JSON lines, webhooks, Prometheus labels, the history database).
import type { Evidence, FindingCode, Severity } from "../model/finding.js";

export const ALERT_CODES = [
  /** A peer's pings pending well past the observed round trip, before any PFAIL; the cause named as `check` names it. */
  "EARLY_WARNING",
  "CLUSTER_STATE_FAIL",
  /** cluster_slots_pfail non-zero and growing. */
  "SLOTS_PFAIL",
  "SLOTS_FAIL",
  /** A node's bus messages sent keep rising while those it receives stay flat. */
  "GOSSIP_ASYMMETRY",
  /** cluster_known_nodes below the number of nodes the views list, or dropping after a node joined. */
  "KNOWN_NODES_LOW",
  /** Clients connect and get answers while the node reports cluster_state:fail: the bus-block signature. */
  "CLIENTS_UP_CLUSTER_DOWN",
  /**
   * A node that answers (or connects) but whose view cannot be read: errors, garbage, connections closed
   * mid-reply, commands denied. Down and hung nodes are named by the early warning instead.
   */
  "NODE_UNREADABLE",
] as const;

export type AlertCode = (typeof ALERT_CODES)[number];

/** The root cause as `check` names it: its finding code, the nodes, its one-line summary. */
export interface AlertCause {
  code: FindingCode;
  nodes: string[];
  summary: string;
}

/** One sample's word that an alert's condition holds now. `key` says which alert across samples. */
export interface Reading {
  key: string;
  code: AlertCode;
  severity: Severity;
  nodes: string[];
  summary: string;
  evidence: Evidence[];
  cause: AlertCause | null;
  /** How many broken bus links back the cause: a cause is only replaced by one with as much support. */
  support: number;
}

export interface Alert extends Reading {
  id: string;
  incidentId: number;
  startedAt: number;
  endedAt: number | null;
}

export const STEP_KINDS = [
  "first-pending-ping",
  "early-warning",
  "cause-refined",
  "pfail",
  "fail",
  "cluster-state-fail",
  "failover",
  "heal",
  "recovery",
  /** The incident entered a phase (developing, settled, recovering, resolved): the detail starts with its name. */
  "phase",
] as const;

export type StepKind = (typeof STEP_KINDS)[number];

export interface IncidentStep {
  kind: StepKind;
  at: number;
  nodes: string[];
  detail: string;
}

export interface Incident {
  id: number;
  openedAt: number;
  closedAt: number | null;
  /** What the first alert said, refined when the early warning names a cause. */
  title: string;
  cause: AlertCause | null;
  nodes: string[];
  alertIds: string[];
  steps: IncidentStep[];
}

export type WatchEvent =
  | { type: "firing"; at: number; alert: Alert; incident: Incident }
  | { type: "resolved"; at: number; alert: Alert; incident: Incident }
  | { type: "incident-opened"; at: number; incident: Incident }
  | { type: "incident-step"; at: number; incident: Incident; step: IncidentStep }
  | { type: "incident-closed"; at: number; incident: Incident };
