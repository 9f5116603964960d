// Pure: what the local node's replies say about it: its id, address, pid, ports, and its peers.
import { formatAddress } from "../cluster/address.js";
import type { ClusterNodeEntry } from "../model/cluster.js";
import type { CommandResult } from "../model/snapshot.js";
import { parseClusterNodes } from "../parse/clusterNodes.js";
import { announceConfigOf, parseConfigGet } from "../parse/config.js";
import { parseInfo } from "../parse/info.js";
import { attempt, okReply, okText } from "../parse/replies.js";
import { announcedBus, type AnnouncedBus } from "../cluster/busAddress.js";
import { chooseBusPort, type BusPortChoice, type ConfiguredBusPort } from "../cluster/ports.js";
import type { HostAuditFacts } from "./model.js";
import { naturalCompare } from "../text/naturalOrder.js";

export interface Peer {
  /** "ip:port" of its client port, the name every report uses. */
  address: string;
  ip: string;
  port: number;
  busPort: number;
}

export interface LocalNode {
  address: string;
  id: string | null;
  /** The address peers reach it on: the announced ip, else the host given when it is an IP. */
  ip: string | null;
  clientPort: number;
  /** null only when the node did not say and client port + 10000 is past 65535. */
  bus: BusPortChoice | null;
  announced: AnnouncedBus | null;
  /** INFO server process_id. */
  pid: number | null;
  /** CONFIG GET bind-source-addr: where its outgoing bus connections come from, when set. */
  bindSourceAddr: string | null;
  peers: Peer[];
  /** Why a part could not be read, for the report. */
  problems: string[];
}

function configValue(problems: string[], result: CommandResult | undefined, name: string): string | null {
  const reply = okReply(result);
  return reply === undefined ? null : attempt(problems, () => parseConfigGet(reply, name));
}

/** CONFIG GET cluster-port; an answer without it is a server that has none (Redis 6.2), a denied one tells nothing. */
function configuredBusPort(problems: string[], result: CommandResult | undefined): ConfiguredBusPort | null {
  const reply = okReply(result);
  if (reply === undefined) return null;
  const text = attempt(problems, () => parseConfigGet(reply, "cluster-port") ?? "no-setting");
  if (text === "no-setting") return text;
  return text !== null && /^\d+$/.test(text) ? Number(text) : null;
}

const IP_LIKE = /^[\d.]+$|:/;

export function readLocalNode(node: HostAuditFacts["node"]): LocalNode {
  const problems: string[] = [];
  const { replies } = node;
  const nodesText = okText(replies.clusterNodes);
  const entries = nodesText === undefined ? null : attempt(problems, () => parseClusterNodes(nodesText));
  const myself: ClusterNodeEntry | null = entries?.find((entry) => entry.myself) ?? null;
  const infoText = okText(replies.info);
  const info = infoText === undefined ? null : attempt(problems, () => parseInfo(infoText));
  const pidText = info?.["server"]?.["process_id"];
  const bus = chooseBusPort(node.port, configuredBusPort(problems, replies.configClusterPort), myself);
  const bindSource = configValue(problems, replies.configBindSourceAddr, "bind-source-addr");
  const peers = (entries ?? [])
    .filter((entry) => !entry.myself && entry.ip !== "" && entry.cport > 0 && !entry.flags.includes("noaddr"))
    .map((entry) => ({ address: formatAddress(entry.ip, entry.port), ip: entry.ip, port: entry.port, busPort: entry.cport }))
    .sort((a, b) => naturalCompare(a.address, b.address));
  const givenIp = IP_LIKE.test(node.host) ? node.host : null;
  return {
    address: formatAddress(node.host, node.port),
    id: myself?.id ?? null,
    ip: myself !== null && myself.ip !== "" ? myself.ip : givenIp,
    clientPort: node.port,
    bus,
    announced: announcedBus(myself, node.host, announceConfigOf(replies.configAnnounce)),
    pid: pidText !== undefined && /^\d+$/.test(pidText) ? Number(pidText) : null,
    bindSourceAddr: bindSource === null || bindSource === "" ? null : bindSource,
    peers,
    problems,
  };
}
