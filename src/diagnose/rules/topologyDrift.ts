// TOPOLOGY_DRIFT: the nodes' own views disagree on who is in the cluster (membership, known_nodes)
// or on a node's role, e.g. after a failover that an isolated node never heard of:
//   majority:  7c2d... 127.0.0.6:6379@16379 master - 0 1732600009000 7 connected 10923-16383
//   isolated:  7c2d... 127.0.0.6:6379@16379 slave 9f0e... 0 1732600001000 3 connected
import type { NodeView } from "../../model/analysis.js";
import type { Evidence } from "../../model/finding.js";
import { majority } from "../analyze/majority.js";
import type { Rule } from "../rule.js";

/** What one pass over every entry of every view finds (a 1000-node cluster's views hold a million). */
interface ViewsRead {
  /** Every id that some view lists (handshakes aside), in the order views first list them. */
  union: string[];
  /** Index in `union` of each id. */
  indexOf: Map<string, number>;
  /** Per view, how many distinct ids it lists (handshakes aside). */
  sizes: number[];
  /** Every address, in the order views first list it, with the first role given to it. */
  firstRole: Map<string, string>;
  /** Addresses that some view gives another role. */
  disputedRoles: Set<string>;
}

/** An id as the views print it: read once per entry, one lookup, for membership and roles both. */
interface IdRecord {
  /** Its index in the union, -1 while only handshake entries list it. */
  index: number;
  /** The last view that listed it: counts each id once per view without a Set per view. */
  lastListedIn: number;
  /** Address and role of its first entry. */
  address: string;
  role: string;
  roleDisputed: boolean;
}

function readViews(views: readonly NodeView[]): ViewsRead {
  const records = new Map<string, IdRecord>();
  const union: string[] = [];
  const sizes: number[] = [];
  // Roles are compared by address. Reading them by id instead is the same as long as each id comes
  // with one address and each address with one id, which holds unless a node was replaced.
  let oneAddressPerId = true;
  views.forEach((view, viewIndex) => {
    let size = 0;
    // forEach: for...of over a million entries in code not yet optimized allocates a result per step.
    view.nodes?.forEach((entry) => {
      const role = entry.role ?? "none";
      let record = records.get(entry.id);
      if (record === undefined) {
        records.set(entry.id, (record = { index: -1, lastListedIn: -1, address: entry.address, role, roleDisputed: false }));
      } else if (entry.address !== record.address) oneAddressPerId = false;
      else if (role !== record.role) record.roleDisputed = true;
      if (entry.flags.includes("handshake")) return;
      if (record.index < 0) record.index = union.push(entry.id) - 1;
      if (record.lastListedIn === viewIndex) return;
      record.lastListedIn = viewIndex;
      size += 1;
    });
    sizes.push(size);
  });
  const indexOf = new Map<string, number>();
  for (const [id, record] of records) if (record.index >= 0) indexOf.set(id, record.index);
  const firstRole = new Map<string, string>();
  const disputedRoles = new Set<string>();
  for (const record of records.values()) {
    if (firstRole.has(record.address)) oneAddressPerId = false; // two ids at one address
    firstRole.set(record.address, record.role);
    if (record.roleDisputed) disputedRoles.add(record.address);
  }
  return { union, indexOf, sizes, ...(oneAddressPerId ? { firstRole, disputedRoles } : rolesByAddress(views)) };
}

/** Roles read by address, entry by entry: for views where ids and addresses do not pair one to one. */
function rolesByAddress(views: readonly NodeView[]): Pick<ViewsRead, "firstRole" | "disputedRoles"> {
  const firstRole = new Map<string, string>();
  const disputedRoles = new Set<string>();
  for (const view of views) {
    for (const entry of view.nodes ?? []) {
      const role = entry.role ?? "none";
      const first = firstRole.get(entry.address);
      if (first === undefined) firstRole.set(entry.address, role);
      else if (first !== role) disputedRoles.add(entry.address);
    }
  }
  return { firstRole, disputedRoles };
}

/** The ids of the union that a view does not list, in union order. */
function missingFrom(view: NodeView, { union, indexOf }: ViewsRead): string[] {
  const listed = new Uint8Array(union.length);
  for (const entry of view.nodes ?? []) {
    const index = indexOf.get(entry.id);
    if (index !== undefined && !entry.flags.includes("handshake")) listed[index] = 1;
  }
  return union.filter((_, index) => listed[index] === 0);
}

/** One line per node whose role differs between views, naming up to three observers per side. */
function roleDisagreements(views: readonly NodeView[], { firstRole, disputedRoles }: ViewsRead): { address: string; detail: string }[] {
  // Views nearly always agree, and then nothing more is built.
  if (disputedRoles.size === 0) return [];
  const roles = new Map<string, Map<string, { count: number; observers: string[] }>>();
  for (const address of firstRole.keys()) if (disputedRoles.has(address)) roles.set(address, new Map());
  for (const view of views) {
    for (const entry of view.nodes ?? []) {
      const byRole = roles.get(entry.address);
      if (!byRole) continue;
      const role = entry.role ?? "none";
      let side = byRole.get(role);
      if (!side) byRole.set(role, (side = { count: 0, observers: [] }));
      side.count += 1;
      if (side.observers.length < 3) side.observers.push(view.observer);
    }
  }
  return [...roles].map(([address, byRole]) => ({
    address,
    detail: `${address} is ${[...byRole].map(([role, side]) => `${role} per ${side.count} view(s) (${side.observers.join(", ")})`).join(" but ")}`,
  }));
}

export const topologyDrift: Rule = {
  code: "TOPOLOGY_DRIFT",
  kind: "symptom",
  check({ analysis }) {
    const views = analysis.views.filter((view) => view.nodes !== null);
    if (views.length < 2) return [];
    const read = readViews(views);
    const evidence: Evidence[] = [];
    const drifted = new Set<string>();
    views.forEach((view, index) => {
      const size = read.sizes[index] ?? 0;
      if (size === read.union.length) return;
      const missing = missingFrom(view, read);
      drifted.add(view.observer);
      evidence.push({
        source: view.observer,
        what: "CLUSTER NODES",
        detail: `lists ${size} nodes, lacks ${missing.map((id) => id.slice(0, 8)).join(", ")}`,
      });
    });
    const known = views.map((view) => view.info?.knownNodes).filter((n): n is number => n !== undefined);
    const usual = majority(known);
    for (const view of views) {
      if (view.info && usual !== null && view.info.knownNodes !== usual) {
        drifted.add(view.observer);
        evidence.push({ source: view.observer, what: "CLUSTER INFO", detail: `cluster_known_nodes:${view.info.knownNodes} (most nodes say ${usual})` });
      }
    }
    // Role disagreements, with up to three observers named per side, so a 1000-node cluster does not
    // copy 1000 names per node.
    for (const { address, detail } of roleDisagreements(views, read)) {
      drifted.add(address);
      evidence.push({ source: "busdoctor", what: "CLUSTER NODES", detail });
    }
    if (drifted.size === 0) return [];
    return [
      {
        code: "TOPOLOGY_DRIFT",
        severity: "warning",
        nodes: [...drifted],
        summary: `the nodes' views of the cluster disagree (membership, known_nodes or roles) on ${drifted.size} node(s)`,
        evidence: evidence.slice(0, 12),
        explanation:
          "Nodes learn membership and roles through gossip on the bus. Views that disagree mean gossip is not reaching everyone (a blocked bus port or a partition), a node was added or forgotten on only some nodes, or a failover happened that an isolated node has not heard of.",
        fix: [
          {
            where: "once the bus works between all nodes",
            lines: [
              `redis-cli --cluster check ${views[0]?.observer ?? "<node>"}`,
              "# a node missing from some views: CLUSTER MEET it from a node that lacks it",
            ],
          },
        ],
      },
    ];
  },
};
