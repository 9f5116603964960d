// How a container or host starts Redis: command-line words (possibly inside a shell script), the
// environment variables of images that configure Redis from env (Bitnami's), and the image itself.
import type { EvidenceItem, Location, RedisNodeFacts, Sourced } from "../model.js";
import { toPort } from "../ports.js";
import { directivesFromArgs, factsFromDirectives, isPlaceholder, mergeFacts, splitConfigLine, type Word } from "./redisConf.js";

export interface EnvVar {
  name: string;
  value: string;
  at: Location;
  /** Where the value is written (compose), so a fix can replace it. */
  valueAt?: { start: Location; end: Location };
}

/**
 * Words of a command that may be a shell script (`sh -c "redis-server --port $P ..."`, a Bitnami
 * `args: - |` block). Each line is split like a config line; a word keeps the position of its line.
 * Sample: `exec redis-server /conf/redis.conf --cluster-announce-ip ${POD_IP}`
 */
export function commandWords(parts: { text: string; at: Location; lineAt?: (index: number) => Location }[]): Word[] {
  const words: Word[] = [];
  for (const part of parts) {
    let index = 0;
    let start = 0;
    while (start <= part.text.length) {
      const newline = part.text.indexOf("\n", start);
      const line = part.text.slice(start, newline < 0 ? part.text.length : newline);
      const at = part.lineAt?.(index) ?? part.at;
      for (const word of splitConfigLine(line) ?? []) {
        // A quoted script (`sh -c "redis-server --port 7001"`) holds words of its own.
        const inner = /\s/.test(word.text) ? (splitConfigLine(word.text.replace(/\s+/g, " ")) ?? []) : [word];
        for (const piece of inner) {
          // Shell separators end one redis-server invocation's flags.
          if (piece.text === "&&" || piece.text === ";" || piece.text === "|") words.push({ text: ";", at });
          else words.push({ text: piece.text, at });
        }
      }
      if (newline < 0) break;
      words.push({ text: ";", at });
      start = newline + 1;
      index++;
    }
  }
  return words;
}

const SERVER = /(^|\/)(redis|valkey|keydb)-server$/;

/**
 * The words that start a Redis server, up to the end of that command, with the config file it loads.
 * The official images' entrypoint runs redis-server itself when the command starts with a flag or a
 * `.conf` path (`command: --cluster-enabled yes`).
 */
function serverInvocation(words: readonly Word[], image: string | undefined): { at: Location; args: Word[]; configFile?: string } | undefined {
  let start = words.findIndex((word) => SERVER.test(word.text));
  const first = words[0];
  if (start < 0 && first !== undefined && isRedisImage(image) && (first.text.startsWith("--") || first.text.endsWith(".conf"))) start = -1;
  else if (start < 0) return undefined;
  const args: Word[] = [];
  for (let i = start + 1; i < words.length && words[i]?.text !== ";"; i++) args.push(words[i] as Word);
  const config = args[0]?.text;
  const at = start >= 0 ? (words[start] as Word).at : (first as Word).at;
  return { at, args, ...(config !== undefined && !config.startsWith("-") ? { configFile: config } : {}) };
}

/** `redis-cli --cluster create ...` (or valkey-cli, or the old redis-trib.rb create): nodes joined into a cluster. */
export function clusterCreateEvidence(words: readonly Word[]): EvidenceItem[] {
  for (let i = 0; i < words.length; i++) {
    const word = (words[i] as Word).text;
    const cli = /(^|\/)(redis|valkey)-cli$/.test(word);
    const trib = /(^|\/)redis-trib(\.rb)?$/.test(word);
    if (!cli && !trib) continue;
    for (let j = i + 1; j < words.length && words[j]?.text !== ";"; j++) {
      const text = (words[j] as Word).text;
      if ((cli && text === "--cluster" && words[j + 1]?.text === "create") || (trib && text === "create")) {
        return [
          { stance: "cluster", what: `${cli ? `${word.slice(word.lastIndexOf("/") + 1)} --cluster create` : "redis-trib create"}`, at: (words[i] as Word).at },
        ];
      }
    }
  }
  return [];
}

function envPort(env: EnvVar | undefined): Sourced<number> | undefined {
  const port = toPort(env?.value);
  return env && port !== undefined ? { value: port, at: env.at, ...(env.valueAt ? { valueAt: env.valueAt } : {}) } : undefined;
}

/**
 * Environment of images that configure Redis from variables. Sample (Bitnami redis-cluster):
 * `REDIS_PORT_NUMBER=6379`, `REDIS_CLUSTER_ANNOUNCE_BUS_PORT=16379`, `REDIS_NODES=redis-0 redis-1`.
 */
function factsFromEnv(env: readonly EnvVar[], image: string | undefined, origin: string, at: Location): RedisNodeFacts {
  const byName = new Map(env.map((variable) => [variable.name, variable]));
  const facts: RedisNodeFacts = { origin, at };
  const tlsEnabled = byName.get("REDIS_TLS_ENABLED")?.value.toLowerCase() === "yes";
  const port = tlsEnabled ? envPort(byName.get("REDIS_TLS_PORT_NUMBER")) : envPort(byName.get("REDIS_PORT_NUMBER"));
  if (port) facts.port = port;
  if (tlsEnabled) facts.tlsCluster = true;
  const announcePort = envPort(byName.get("REDIS_CLUSTER_ANNOUNCE_PORT"));
  if (announcePort) facts.announcePort = announcePort;
  const announceBusPort = envPort(byName.get("REDIS_CLUSTER_ANNOUNCE_BUS_PORT"));
  if (announceBusPort) facts.announceBusPort = announceBusPort;
  const announce = byName.get("REDIS_CLUSTER_ANNOUNCE_IP") ?? byName.get("REDIS_CLUSTER_ANNOUNCE_HOSTNAME");
  if (announce && announceKnown(announce.value)) facts.announceIp = { value: announce.value, at: announce.at };
  const clusterVariable = env.find((variable) => variable.name === "REDIS_NODES" || variable.name.startsWith("REDIS_CLUSTER_"));
  if (clusterVariable) facts.clusterEnabled = { value: true, at: clusterVariable.at };
  else if (image && /redis-cluster|valkey-cluster/.test(image)) facts.clusterEnabled = { value: true, at };
  const sentinelVariable = env.find((variable) => variable.name === "REDIS_SENTINEL_HOST" || variable.name.startsWith("REDIS_SENTINEL_"));
  if (image && /sentinel/.test(image)) facts.sentinel = { value: true, at };
  else if (sentinelVariable) facts.sentinel = { value: true, at: sentinelVariable.at };
  return facts;
}

/**
 * An announced address peers dial through a mapping: a literal one, or the host's address (a
 * Kubernetes `status.hostIP`). `$(hostname -i)`, a pod IP or a placeholder is the container's own
 * address or unknown: no mapping lies between the peers and the node.
 */
function announceKnown(value: string): boolean {
  if (value === "$(status.hostIP)") return true;
  return !isPlaceholder(value) && !value.includes("$");
}

/** Whether the environment configures Redis (Bitnami-style images), so settings belong there. */
export function configuredByEnv(env: readonly EnvVar[]): boolean {
  return env.some((variable) => variable.name === "REDIS_NODES" || variable.name === "REDIS_PORT_NUMBER" || variable.name.startsWith("REDIS_CLUSTER_"));
}

function isRedisImage(image: string | undefined): boolean {
  return image !== undefined && /(^|[/:])(redis|valkey|keydb)/.test(image.toLowerCase());
}

/**
 * Image, environment, then command-line flags: each later source overrides the earlier. A
 * `redis-server` whose whole configuration is visible here (its flags, and the config file it loads
 * when that was read) without `cluster-enabled` runs standalone; so does an official image left to
 * its default command, and Bitnami's non-cluster redis image.
 */
export function containerFacts(
  image: string | undefined,
  env: readonly EnvVar[],
  words: readonly Word[],
  origin: string,
  at: Location,
  configFileFacts?: RedisNodeFacts,
): RedisNodeFacts {
  const server = serverInvocation(words, image);
  const commandFacts = factsFromDirectives(directivesFromArgs(server?.args ?? []), origin, at);
  if (words.some((word) => /(^|\/)redis-sentinel$/.test(word.text) || word.text === "--sentinel"))
    commandFacts.sentinel = { value: true, at: server?.at ?? at };
  const base = configFileFacts ?? { origin, at };
  const facts = mergeFacts(mergeFacts(base, factsFromEnv(env, image, origin, at)), commandFacts);
  if (facts.clusterEnabled === undefined && !facts.sentinel) {
    const configVisible = server !== undefined && (server.configFile === undefined || configFileFacts !== undefined);
    const defaultImage = server === undefined && words.length === 0 && isRedisImage(image) && !configuredByEnv(env) && !/bitnami|cluster/.test(image ?? "");
    const bitnamiStandalone = image !== undefined && /bitnami\/(redis|valkey)(:|$|@)/.test(image);
    if (configVisible) facts.standalone = server?.at ?? at;
    else if (defaultImage || bitnamiStandalone) facts.standalone = at;
  }
  return facts;
}

/** Whether a container runs Redis at all (so its facts matter). */
export function looksLikeRedis(image: string | undefined, words: readonly Word[], facts: RedisNodeFacts): boolean {
  if (isRedisImage(image)) return true;
  if (words.some((word) => SERVER.test(word.text))) return true;
  return facts.clusterEnabled?.value === true || facts.clusterPort !== undefined || facts.announceBusPort !== undefined;
}
