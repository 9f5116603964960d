// Which format a file is, from its name and the start of its text.
import { posix } from "node:path";
import { isFirewalldZone } from "./formats/firewalld.js";
import { isIptablesSave } from "./formats/iptables.js";
import { isNftJson } from "./formats/nftJson.js";
import { isNftText } from "./formats/nftText.js";

export type FileKind = "yaml" | "terraform" | "iptables" | "nft" | "nft-json" | "firewalld" | "redis-conf";

/** File extensions worth opening while walking a folder; anything else is skipped unread. */
const CANDIDATE_EXTENSIONS = new Set([".yaml", ".yml", ".tf", ".json", ".xml", ".conf", ".nft", ".rules", ".v4", ".v6", ".txt", ".save", ".ipt", ""]);

export function isCandidate(path: string): boolean {
  return CANDIDATE_EXTENSIONS.has(posix.extname(path).toLowerCase());
}

/** Sniffs a redis.conf by its directives: a line starting with one only Redis uses. */
function looksLikeRedisConf(head: string): boolean {
  return head.split("\n").some((line) => {
    const word = line.trimStart().split(/\s/)[0]?.toLowerCase() ?? "";
    return word === "cluster-enabled" || word === "cluster-config-file" || word === "cluster-port" || word === "cluster-announce-bus-port" || word === "sentinel";
  });
}

/** Undefined: not a format busdoctor lint reads. `head` is the first few kilobytes of the file. */
export function detectKind(path: string, head: string): FileKind | undefined {
  const base = posix.basename(path).toLowerCase();
  const extension = posix.extname(base);
  if (extension === ".yaml" || extension === ".yml") return "yaml";
  if (extension === ".tf") return "terraform";
  if (extension === ".json") return isNftJson(head) ? "nft-json" : undefined;
  if (extension === ".xml") return isFirewalldZone(head) ? "firewalld" : undefined;
  if (extension === ".conf" && !base.startsWith("nodes")) {
    if (isNftText(head)) return "nft";
    if (base.includes("redis") || base.includes("sentinel") || base.includes("valkey") || looksLikeRedisConf(head)) return "redis-conf";
    return undefined;
  }
  if (isIptablesSave(head)) return "iptables";
  if (isNftJson(head)) return "nft-json";
  if (isNftText(head)) return "nft";
  return undefined;
}
