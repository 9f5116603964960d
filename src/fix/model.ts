// A recovery plan: ordered steps computed from the evidence (a snapshot, the reads busdoctor made for
// the plan, the phase), each saying what it changes, why, what must hold right before it runs, what
// must have changed after it, and what it can cost. Plain JSON, like the snapshot it comes from.
import type { Evidence } from "../model/finding.js";
import type { Phase } from "../model/phase.js";

/**
 * - safe: no key can be lost (a firewall rule for the bus, waiting, MEET, FORGET of a ghost, STABLE of
 *   an open slot nobody else holds keys in);
 * - mitigation: a reversible change of behaviour (serve what is covered, reads while down), with its undo;
 * - data-risk: can lose or overwrite keys. Printed and explained, never sent by busdoctor.
 */
export type StepClass = "safe" | "mitigation" | "data-risk";

/** The Redis parameters a mitigation may change. */
export type MitigationParameter = "cluster-require-full-coverage" | "cluster-allow-reads-when-down";

/**
 * What busdoctor itself does for a step with --apply: the only changes it can make. A step without an
 * action (a firewall rule, every data-risk step) is carried out by a person, if at all.
 */
export type StepAction =
  /**
   * Sleep until `untilMs` on busdoctor's clock (when the phase says when changes end), else `forMs`
   * from when the step starts (2 x node-timeout after the bus was opened), then look again.
   */
  | { kind: "wait"; untilMs: number | null; forMs: number }
  /** CLUSTER MEET ip port cport, sent to every target. */
  | { kind: "meet"; ip: string; port: number; busPort: number }
  /** CLUSTER FORGET id, sent to every target within seconds (the ban lasts 60 s per node). */
  | { kind: "forget"; nodeId: string }
  /** CLUSTER SETSLOT slot STABLE, sent to the targets in order (importing side first). */
  | { kind: "setslot-stable"; slot: number }
  /** CONFIG SET parameter value, sent to every target. */
  | { kind: "config-set"; parameter: MitigationParameter; value: "yes" | "no" };

/** Reads a check needs beyond a snapshot; the applier makes them fresh right before checking. */
export type ExtraRead = { kind: "countkeysinslot"; slot: number } | { kind: "config-get"; parameter: MitigationParameter };

/**
 * A condition on the cluster, evaluated on fresh evidence: before a step (preconditions) and after it
 * (its expected change). Addresses are client addresses "ip:port" as the nodes announce them.
 */
export type Check =
  /** CLUSTER MYID at this address answers this id. */
  | { kind: "answers-as"; address: string; id: string }
  /** Nothing at this address answers with this id (refused, silent, or another id); null: no address known. */
  | { kind: "not-answering-as"; address: string | null; id: string }
  /** The CLUSTER NODES of the node at this address lists every one of these ids. */
  | { kind: "knows-ids"; address: string; ids: string[] }
  /** The observer's CLUSTER NODES lists the id (not as a handshake), at this client address when given. */
  | { kind: "lists"; observer: string; id: string; at: string | null }
  /** The observer's CLUSTER NODES does not list the id. */
  | { kind: "lacks"; observer: string; id: string }
  /** No view gives the id slots or a replica; every view that lists it flags it fail or noaddr. */
  | { kind: "ghost"; id: string }
  /** Every node of the cluster answered, except these ids. */
  | { kind: "all-answer"; except: string[] }
  /** The node's own CLUSTER NODES line shows the slot open this way. */
  | { kind: "slot-open"; address: string; slot: number; direction: "migrating" | "importing"; peerId: string }
  /** No node's own CLUSTER NODES line shows the slot open. */
  | { kind: "slot-closed"; slot: number }
  /** CLUSTER COUNTKEYSINSLOT at the address answers this count. */
  | { kind: "slot-keys"; address: string; slot: number; count: number }
  /** The node at the address serves the slot in its own view. */
  | { kind: "slot-owner"; address: string; slot: number }
  /** No answering view flags the node at the address fail or fail? (null: any node that answers). */
  | { kind: "not-flagged"; address: string | null }
  /** No bus link to or from the address is broken (null: no broken link anywhere). */
  | { kind: "bus-healthy"; address: string | null }
  /** cluster_state:ok in the node's own CLUSTER INFO (null: every node that answers). */
  | { kind: "cluster-ok"; address: string | null }
  /** CONFIG GET at the address answers this value. */
  | { kind: "config"; address: string; parameter: MitigationParameter; value: string };

export type StepCode =
  | "OPEN_BUS"
  | "WAIT_FOR_RECOVERY"
  | "ALLOW_PARTIAL_COVERAGE"
  | "ALLOW_READS_WHEN_DOWN"
  | "MEET_NODE"
  | "FORGET_GHOST"
  | "CLOSE_OPEN_SLOT"
  | "FINISH_MIGRATION"
  | "ASSIGN_ORPHAN_SLOTS"
  | "FORCE_FAILOVER"
  | "RESOLVE_SPLIT_BRAIN"
  | "RESET_NODE"
  | "RESTART_NODE";

/** Another place the same change can be made (the other firewall layers), as lines to paste. */
export interface Alternative {
  where: string;
  lines: string[];
}

export interface Step {
  /** 1-based position in the plan. */
  number: number;
  code: StepCode;
  class: StepClass;
  /** busdoctor runs it with --apply, or a person must (firewalls, hosts, every data-risk step). */
  by: "busdoctor" | "operator";
  title: string;
  /** The nodes (client addresses) the commands go to, or the host a rule belongs on. */
  targets: string[];
  /** The exact commands, as a person would type them. */
  commands: string[];
  /** Where the commands belong when they are not redis-cli ("nftables on the host of 10.0.0.3"). */
  where: string | null;
  action: StepAction | null;
  /** The evidence lines this step answers. */
  why: Evidence[];
  preconditions: Check[];
  expect: Check[];
  /** How long the expected change may take to show (gossip, a handshake); re-collected until then. */
  verifyWithinMs: number;
  /** How the expected change is verified, in words. */
  verify: string;
  /** The risk, in one sentence. */
  risk: string;
  /** How to undo it (mitigations); empty when there is nothing to undo. */
  undo: string[];
  alternatives: Alternative[];
}

export type RefusalCode =
  | "ADDSLOTS_OWNER_ALIVE"
  | "FAILOVER_OWNER_ALIVE"
  | "FORGET_NOT_A_GHOST"
  | "MEET_IDENTITY_UNPROVEN"
  | "STABLE_KEYS_ELSEWHERE"
  | "STABLE_UNPROVEN";

/** Something a naive recovery would do that busdoctor refuses, and why (the evidence). */
export interface Refusal {
  code: RefusalCode;
  /** What would have been run. */
  commands: string[];
  targets: string[];
  why: string;
  evidence: Evidence[];
}

export interface Plan {
  basedOn: {
    takenAtMs: number;
    /** Nodes in the snapshot, and how many answered. */
    nodes: number;
    answered: number;
    /** Root cause finding codes the plan answers, most important first. */
    causes: string[];
    /** When an earlier snapshot was compared (open slots), its time. */
    earlierTakenAtMs: number | null;
  };
  /** The diagnosis's phase, as it decided it. */
  phase: Phase;
  steps: Step[];
  refusals: Refusal[];
  /** What the plan could not decide and why ("no second snapshot: STABLE not proven"). */
  notes: string[];
}
