// Queries the seeds, then every node any view lists, until no view names a node nobody has queried.
// Event-driven rather than in rounds: each view is read the moment it arrives, so one slow or paused
// node delays nothing but itself.
import type { ClusterNodeEntry } from "../model/cluster.js";
import type { CommandResult, NodeCommand } from "../model/snapshot.js";
import { parseClusterNodes } from "../parse/clusterNodes.js";
import { COMMAND_ARGS, openSession, runPipeline, type ClientSettings, type NodeSession } from "./nodeClient.js";
import { retryOlderForms } from "./olderForms.js";
import { NodeRegistry, type NodeTarget } from "./registry.js";
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

function parseView(result: CommandResult | undefined): ClusterNodeEntry[] | null {
  if (!result?.ok || typeof result.reply !== "string") return null;
  try {
    return parseClusterNodes(result.reply);
  } catch {
    // The raw reply stays in the snapshot and the diagnosis reports the line that did not parse;
    // discovery just learns nothing from this view.
    return null;
  }
}

/** A server that wants a password answers every command with NOAUTH: that is a failed connection. */
function unauthenticated(commands: Partial<Record<NodeCommand, CommandResult>>): CommandResult | null {
  const results = Object.values(commands);
  const first = results[0];
  return first && results.every((result) => !result.ok && result.kind === "noauth") ? first : null;
}

async function queryNode(target: NodeTarget, settings: ClientSettings, commands: readonly NodeCommand[]): Promise<QueriedNode> {
  const startedAtMs = Date.now();
  const session = await openSession(target.host, target.port, settings, tlsServerName(target.host, target.hostname));
  let connection = session.connection;
  let results: Partial<Record<NodeCommand, CommandResult>> = {};
  if (session.client) {
    const replies = await runPipeline(session.client, commands.map((command) => COMMAND_ARGS[command]), settings.timeoutMs);
    commands.forEach((command, index) => {
      const reply = replies[index];
      if (reply) results[command] = reply;
    });
    await retryOlderForms(session.client, results, settings.timeoutMs);
    const denied = unauthenticated(results);
    if (denied) {
      connection = { ...denied, ms: connection.ms + denied.ms };
      results = {};
    }
  }
  return { target, startedAtMs, finishedAtMs: Date.now(), session, connection, commands: results, view: parseView(results.clusterNodes) };
}

/** Resolves once every node any view named has been queried; never rejects for a node's failure. */
export async function discover(
  seeds: readonly HostPort[],
  settings: ClientSettings,
  commands: readonly NodeCommand[],
  hooks: DiscoveryHooks,
): Promise<QueriedNode[]> {
  const registry = new NodeRegistry();
  const queried: QueriedNode[] = [];
  const running: Promise<void>[] = [];
  const launch = (target: NodeTarget, via: NodeTarget | null): void => {
    hooks.onTarget(target, via);
    running.push(
      queryNode(target, settings, commands).then((node) => {
        queried.push(node);
        if (node.view) {
          const discovered = registry.learnView(target, node.view);
          hooks.onView(target, node.view, registry);
          for (const next of discovered) launch(next, target);
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
  return queried;
}
