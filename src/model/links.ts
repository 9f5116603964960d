// The observer -> peer link matrix: how each node's own view sees every other node's bus.

/** Which way traffic failed is read off these, one cell per (observer, peer). */
export type LinkState =
  | { kind: "ok"; pongAgeMs: number | null }
  | { kind: "ping-pending"; pendingMs: number } // a PING sent and no PONG for longer than a round trip should take
  | { kind: "pong-stale"; pongAgeMs: number } // no PONG for more than node-timeout/2, no ping pending
  | { kind: "pfail"; pendingMs: number | null; pongAgeMs: number | null } // flagged `fail?` by the observer
  | { kind: "fail"; pendingMs: number | null; pongAgeMs: number | null } // flagged `fail` (the cluster agreed)
  | { kind: "missing" } // the observer's view has no such node
  | { kind: "unknown"; reason: string }; // the observer did not answer

/**
 * From the observer's CLUSTER LINKS (Redis 7.0+): which link objects with the peer exist now. A link
 * object exists while its connect is still pending (seen on 7.0.15: links to a node whose bus port is
 * dropped stay listed), so a present link is no proof that bus traffic flows; a missing one is.
 */
export interface BusConnections {
  /** The observer's own connection to the peer's bus port ("direction to"). */
  outbound: boolean;
  /** The peer's connection to the observer's bus port ("direction from"). */
  inbound: boolean;
}

export interface LinkCell {
  observer: string;
  peer: string;
  state: LinkState;
  /** null when CLUSTER LINKS was not available (denied, or Redis before 7.0). */
  connections: BusConnections | null;
  /** The observer's raw CLUSTER NODES line for the peer, when there is one. */
  line: string | null;
}
