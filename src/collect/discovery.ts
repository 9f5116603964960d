// Queries the seeds, then every node any view lists in scope, until no view names a node nobody has
// queried. Event-driven rather than in rounds: each view is read the moment it arrives, so one slow or
// paused node delays nothing but itself. More listed nodes than --max-nodes end the run.
import type { ClusterNodeEntry } from "../model/cluster.js";
import type { CommandResult, NodeCommand, SkippedAddress } from "../model/snapshot.js";
import { nodeViewOf } from "../parse/nodeView.js";
import { isTooLarge } from "./classify.js";
import { CollectError } from "./errors.js";
import { formatBytes } from "./limits.js";
import { COMMAND_ARGS, openSession, closeSession, type ClientSettings, type NodeSession } from "./nodeClient.js";
import type { Admit } from "../cluster/scope.js";
import { NodeRegistry, type NodeTarget } from "./registry.js";
import { retryOlderForms } from "./olderForms.js";
import type { ReadBudget } from "./resp.js";
import type { HostPort } from "../cluster/address.js";
import { tlsServerName } from "../cluster/busAddress.js";

export interface QueriedNode {
  target: NodeTarget;
  startedAtMs: number;
  finishedAtMs: number;
  /** Left open for the failure-report round; the caller closes every session once the run is over. */
  session: NodeSession;
  connection: CommandResult;
  commands: Partial<Record<NodeCommand, CommandResult>>;
  /** Its parsed CLUSTER NODES, when it answered one that parses. */
  view: ClusterNodeEntry[] | null;
}

export interface DiscoveryHooks {
  /** A node is about to be queried; `via` is the node whose view named it, null for a seed. */
  onTarget(target: NodeTarget, via: NodeTarget | null): void;
  /** A node's view arrived and the registry has taken it in. */
  onView(observer: NodeTarget, view: readonly ClusterNodeEntry[], registry: NodeRegistry): void;
  onDone(node: QueriedNode): void;
}

/** A server that wants a password answers every command with NOAUTH: that is a failed connection. */
function unauthenticated(commands: Partial<Record<NodeCommand, CommandResult>>): CommandResult | null {
  const results = Object.values(commands);
  const first = results[0];
  return first && results.every((result) => !result.ok && result.kind === "noauth") ? first : null;
}

/** What bounds a discovery: the scope of the seeds, the node count and the bytes read. */
export interface DiscoveryBounds {
  admit: Admit;
  maxNodes: number;
  budget: ReadBudget;
}

export interface Discovered {
  nodes: QueriedNode[];
  outOfScope: SkippedAddress[];
}

async function queryNode(target: NodeTarget, settings: ClientSettings, commands: readonly NodeCommand[], budget: ReadBudget): Promise<QueriedNode> {
  const startedAtMs = Date.now();
  const session = await openSession(target.host, target.port, settings, tlsServerName(target.host, target.hostname));
  let connection = session.connection;
  let results: Partial<Record<NodeCommand, CommandResult>> = {};
  if (session.client) {
    const replies = await session.client.pipeline(
      commands.map((command) => COMMAND_ARGS[command]),
      budget,
    );
    commands.forEach((command, index) => {
      const reply = replies[index];
      if (reply) results[command] = reply;
    });
    await retryOlderForms(session.client, results, budget);
    const denied = unauthenticated(results);
    if (denied) {
      connection = { ...denied, ms: connection.ms + denied.ms };
      results = {};
    }
  }
  return { target, startedAtMs, finishedAtMs: Date.now(), session, connection, commands: results, view: nodeViewOf(results.clusterNodes) };
}

function tooManyNodes(size: number, observer: NodeTarget, maxNodes: number): CollectError {
  return new CollectError(
    "too-many-nodes",
    `the cluster lists ${size} nodes (seen in the CLUSTER NODES of ${observer.address}), more than --max-nodes ${maxNodes}; give --max-nodes ${size} or more to read them all`,
  );
}

/**
 * Resolves once every node any view named in scope has been queried; never rejects for a node's
 * failure. Rejects with CollectError "too-many-nodes" (after closing every session) when the views
 * list more than `bounds.maxNodes` nodes.
 */
export async function discover(
  seeds: readonly HostPort[],
  settings: ClientSettings,
  commands: readonly NodeCommand[],
  hooks: DiscoveryHooks,
  bounds: DiscoveryBounds,
): Promise<Discovered> {
  const registry = new NodeRegistry(bounds.admit);
  const queried: QueriedNode[] = [];
  const running: Promise<void>[] = [];
  let overLimit: CollectError | null = null;
  const launch = (target: NodeTarget, via: NodeTarget | null): void => {
    hooks.onTarget(target, via);
    running.push(
      queryNode(target, settings, commands, bounds.budget).then((node) => {
        queried.push(node);
        if (node.view && overLimit === null) {
          const discovered = registry.learnView(target, node.view);
          if (registry.size > bounds.maxNodes) overLimit = tooManyNodes(registry.size, target, bounds.maxNodes);
          else {
            hooks.onView(target, node.view, registry);
            for (const next of discovered) launch(next, target);
          }
        }
        hooks.onDone(node);
      }),
    );
  };
  for (const seed of seeds) {
    const target = registry.addSeed(seed);
    if (target) launch(target, null);
  }
  // `running` grows while we wait: a view that names new nodes launches them before its own promise settles.
  for (let index = 0; index < running.length; index++) await running[index];
  // No view at all, because CLUSTER NODES was larger than --max-nodes nodes print: say so, rather
  // than leave a run that read nothing to look like one that found nothing.
  const tooLarge = queried.find((node) => isTooLarge(node.commands.clusterNodes));
  if (overLimit === null && tooLarge !== undefined && queried.every((node) => node.view === null)) {
    overLimit = new CollectError(
      "too-many-nodes",
      `the CLUSTER NODES reply of ${tooLarge.target.address} is larger than --max-nodes ${bounds.maxNodes} nodes would print (${formatBytes(settings.maxReplyBytes)}); give a higher --max-nodes if the cluster is that large`,
    );
  }
  if (overLimit !== null) {
    for (const node of queried) closeSession(node.session);
    throw overLimit;
  }
  return { nodes: queried, outOfScope: registry.outOfScope() };
}
