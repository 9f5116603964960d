// The boundary between doing and deciding: `collect` produces a Snapshot, `diagnose` only reads one.
// Everything here is plain JSON (no classes, no Dates, no Buffers) so that `check --record FILE`
// can save a real incident and `check --from-snapshot FILE` can replay it as a test fixture.
// Secrets never enter a snapshot: no passwords, no key material, only whether auth/TLS was used.

export const SNAPSHOT_FORMAT = 1;

/** A RESP2 reply as busdoctor reads it (src/collect/resp.ts): bulk and simple strings, integers, nil, nested arrays. */
export type RawReply = string | number | null | RawReply[];

/** Why a command or a connection failed, classified so rules and the CLI can react to it. */
export type CommandErrorKind =
  | "timeout" // no answer within the per-node timeout (hung or paused process, or filtered port)
  | "noperm" // ACL denies the command: recorded as unknown, the run goes on
  | "unknown-command" // the server does not have it (CLUSTER LINKS before 7.0)
  | "noauth" // the server wants a password and none (or no user) was given
  | "wrongpass" // the password or user was rejected
  | "connection" // refused, reset, unreachable, TLS failure, closed
  | "protocol" // the reply broke RESP or a size limit (garbage, a 200 MB reply, data nobody asked for)
  | "error"; // any other -ERR reply

export type CommandResult = { ok: true; reply: RawReply; ms: number } | { ok: false; kind: CommandErrorKind; error: string; ms: number };

/** The read-only commands busdoctor sends to every node (see the notes: nothing else). */
export type NodeCommand =
  | "ping"
  | "clusterMyid"
  | "clusterInfo"
  | "clusterNodes"
  | "clusterLinks"
  | "info" // INFO server clients cluster replication
  | "configNodeTimeout" // CONFIG GET cluster-node-timeout
  | "configClusterPort" // CONFIG GET cluster-port
  | "configAnnounce"; // CONFIG GET cluster-announce-* (bus ip, Valkey client addresses, hostname)

/** Result of one TCP connect attempt from the tool's host. */
export type ProbeState =
  | "open" // the handshake completed (a paused process still completes it: open is not alive)
  | "refused" // RST: nothing listens there, or a firewall REJECTs with tcp reset / port-unreachable
  | "timeout" // no answer: filtered, a firewall DROPs the SYN
  | "unreachable" // EHOSTUNREACH / ENETUNREACH: no route
  | "error"; // anything else (the message says what)

export interface ProbeResult {
  host: string;
  port: number;
  state: ProbeState;
  ms: number;
  error?: string;
}

export interface NodeProbes {
  client: ProbeResult;
  /** The announced bus port (`@cport` in CLUSTER NODES); null when no view announced one. */
  bus: ProbeResult | null;
}

export interface NodeSnapshot {
  /** "ip:port" of the client port the tool used, as announced in CLUSTER NODES (or as given for a seed). */
  address: string;
  host: string;
  port: number;
  /** How the tool learnt of this node. */
  origin: "seed" | "discovered";
  /** Epoch ms on the tool's clock when the queries to this node started and ended. */
  startedAtMs: number;
  finishedAtMs: number;
  /** Connecting and authenticating. When this failed, `commands` is empty. */
  connection: CommandResult;
  commands: Partial<Record<NodeCommand, CommandResult>>;
  /** CLUSTER COUNT-FAILURE-REPORTS <id>, for every node id that some view flags fail? or fail. */
  failureReports: Record<string, CommandResult>;
  probes: NodeProbes;
}

/**
 * The first of two looks, when one snapshot could not tell a fresh fault from a path only busdoctor's
 * host lacks, one-way from both ways, down from unreachable, or a fault from a heal: `check` looked
 * again a moment later and the snapshot holding this is the second look. Diagnosing compares the two,
 * so the decision replays from the file alone. `watch` passes its previous sample the same way.
 */
export interface SnapshotLook {
  takenAtMs: number;
  finishedAtMs: number;
  nodes: NodeSnapshot[];
  /** Why one look was not enough, in the words the report uses. */
  reasons: string[];
}

/** CLUSTER INFO of every node taken `--sample` earlier, for rates of the gossip counters. */
export interface SnapshotBaseline {
  takenAtMs: number;
  clusterInfo: Record<string, CommandResult>;
}

/**
 * An address some node listed that busdoctor did not dial (nor send credentials to), because it lies
 * outside the seeds' scope (src/cluster/scope.ts) or too far from the seeds: kept so that the diagnosis
 * can say so.
 */
export interface SkippedAddress {
  /** "ip:port" as the view listed it. */
  address: string;
  /**
   * outside: --allow would let it in; link-local: only an --allow inside the link-local ranges; special,
   * host-name: never; far: in scope, but listed only through a chain of nodes longer than discovery follows.
   */
  kind: "host-name" | "special" | "link-local" | "outside" | "far";
  /** Why it is out of scope, in words, e.g. "a link-local address (...)". */
  reason: string;
  /** The nodes whose views listed it. */
  listedBy: string[];
}

export interface Snapshot {
  format: typeof SNAPSHOT_FORMAT;
  tool: { name: "busdoctor"; version: string };
  takenAtMs: number;
  finishedAtMs: number;
  seeds: string[];
  settings: {
    timeoutMs: number;
    tls: boolean;
    /** Whether a password was sent; never the password itself. */
    auth: boolean;
    user: string | null;
  };
  nodes: NodeSnapshot[];
  baseline: SnapshotBaseline | null;
  /** Listed addresses left undialled; absent in snapshots older than the scope rule. */
  outOfScope?: SkippedAddress[];
  /** The first look when there were two (absent in snapshots written before it existed: one look). */
  firstLook?: SnapshotLook | null;
}
