// How a container starts Redis: command-line words (possibly inside a shell script) and the
// environment variables of the images that configure Redis from env (Bitnami's redis-cluster).
import type { Location, RedisNodeFacts, Sourced } from "../model.js";
import { toPort } from "../ports.js";
import { directivesFromArgs, factsFromDirectives, mergeFacts, splitConfigLine, type Word } from "./redisConf.js";

export interface EnvVar {
  name: string;
  value: string;
  at: Location;
}

/**
 * Words of a command that may be a shell script (`sh -c "redis-server --port $P ..."`, a Bitnami
 * `args: - |` block). Each line is split like a config line; a word keeps the position of its line.
 * Sample: `exec redis-server /conf/redis.conf --cluster-announce-ip ${POD_IP}`
 */
export function commandWords(parts: { text: string; at: Location; lineStarts?: Location[] }[]): Word[] {
  const words: Word[] = [];
  for (const part of parts) {
    const lines = part.text.split(/\r?\n/);
    lines.forEach((line, index) => {
      const at = part.lineStarts?.[index] ?? part.at;
      for (const word of splitConfigLine(line) ?? []) {
        // A quoted script (`sh -c "redis-server --port 7001"`) holds words of its own.
        const inner = /\s/.test(word.text) ? (splitConfigLine(word.text.replace(/\s+/g, " ")) ?? []) : [word];
        for (const part of inner) {
          // Shell separators end one redis-server invocation's flags.
          if (part.text === "&&" || part.text === ";" || part.text === "|") continue;
          words.push({ text: part.text, at });
        }
      }
    });
  }
  return words;
}

/** Whether the words start Redis Sentinel rather than a data node. */
function startsSentinel(words: Word[]): boolean {
  return words.some((word) => word.text.endsWith("redis-sentinel") || word.text === "--sentinel");
}

function factsFromCommand(words: Word[], origin: string, at: Location): RedisNodeFacts {
  const facts = factsFromDirectives(directivesFromArgs(words), origin, at);
  if (startsSentinel(words)) facts.sentinel = true;
  return facts;
}

function envPort(env: EnvVar | undefined): Sourced<number> | undefined {
  const port = toPort(env?.value);
  return env && port !== undefined ? { value: port, at: env.at } : undefined;
}

/**
 * Environment of images that configure Redis from variables. Sample (Bitnami redis-cluster):
 * `REDIS_PORT_NUMBER=6379`, `REDIS_CLUSTER_ANNOUNCE_BUS_PORT=16379`, `REDIS_NODES=redis-0 redis-1`.
 */
function factsFromEnv(env: EnvVar[], image: string | undefined, origin: string, at: Location): RedisNodeFacts {
  const byName = new Map(env.map((variable) => [variable.name, variable]));
  const facts: RedisNodeFacts = { origin, at };
  const tlsEnabled = byName.get("REDIS_TLS_ENABLED")?.value.toLowerCase() === "yes";
  facts.port = tlsEnabled ? envPort(byName.get("REDIS_TLS_PORT_NUMBER")) : envPort(byName.get("REDIS_PORT_NUMBER"));
  if (tlsEnabled) facts.tlsCluster = true;
  facts.announcePort = envPort(byName.get("REDIS_CLUSTER_ANNOUNCE_PORT"));
  facts.announceBusPort = envPort(byName.get("REDIS_CLUSTER_ANNOUNCE_BUS_PORT"));
  const announce = byName.get("REDIS_CLUSTER_ANNOUNCE_IP") ?? byName.get("REDIS_CLUSTER_ANNOUNCE_HOSTNAME");
  if (announce) facts.announceIp = { value: announce.value, at: announce.at };
  const clusterVariable = env.find((variable) => variable.name === "REDIS_NODES" || variable.name.startsWith("REDIS_CLUSTER_"));
  if (clusterVariable) facts.clusterEnabled = { value: true, at: clusterVariable.at };
  else if (image?.includes("redis-cluster")) facts.clusterEnabled = { value: true, at };
  if (image?.includes("sentinel") || byName.has("REDIS_SENTINEL_HOST")) facts.sentinel = true;
  return facts;
}

/** Whether the environment configures Redis (Bitnami-style images), so settings belong there. */
export function configuredByEnv(env: EnvVar[]): boolean {
  return env.some((variable) => variable.name === "REDIS_NODES" || variable.name === "REDIS_PORT_NUMBER" || variable.name.startsWith("REDIS_CLUSTER_"));
}

/** Image, environment, then command-line flags: each later source overrides the earlier. */
export function containerFacts(
  image: string | undefined,
  env: EnvVar[],
  words: Word[],
  origin: string,
  at: Location,
  configFileFacts?: RedisNodeFacts,
): RedisNodeFacts {
  const base = configFileFacts ?? { origin, at };
  return mergeFacts(mergeFacts(base, factsFromEnv(env, image, origin, at)), factsFromCommand(words, origin, at));
}

/** Whether a container runs Redis at all (so its facts matter). */
export function looksLikeRedis(image: string | undefined, words: Word[], facts: RedisNodeFacts): boolean {
  if (image && /(^|[/:])redis|valkey|keydb/.test(image.toLowerCase())) return true;
  if (words.some((word) => word.text.endsWith("redis-server") || word.text.endsWith("valkey-server"))) return true;
  return facts.clusterEnabled?.value === true || facts.clusterPort !== undefined || facts.announceBusPort !== undefined;
}
