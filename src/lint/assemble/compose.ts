// Compose services as containers: facts from the image, environment, command, and a bind-mounted redis.conf.
import { posix } from "node:path";
import type { ComposeService } from "../formats/compose.js";
import { configuredByEnv, containerFacts, looksLikeRedis } from "../formats/redisProcess.js";
import type { PublishedContainer, RedisNodeFacts } from "../model.js";

/** The redis.conf a service bind-mounts and passes to redis-server, read from this directory when present. */
function mountedConf(service: ComposeService, composeFile: string, confs: Map<string, RedisNodeFacts>): RedisNodeFacts | undefined {
  for (const mount of service.mounts) {
    if (!service.words.some((word) => word.text === mount.container)) continue;
    const facts = confs.get(posix.normalize(posix.join(posix.dirname(composeFile), mount.host)));
    if (facts) return facts;
  }
  return undefined;
}

export function assembleCompose(
  composeFile: string,
  services: ComposeService[],
  confs: Map<string, RedisNodeFacts>,
): { containers: PublishedContainer[]; nodes: RedisNodeFacts[] } {
  const containers: PublishedContainer[] = [];
  for (const service of services) {
    const origin = `compose service ${service.name}`;
    const node = containerFacts(service.image, service.env, service.words, origin, service.at, mountedConf(service, composeFile, confs));
    if (!looksLikeRedis(service.image, service.words, node)) continue;
    const settings = configuredByEnv(service.env)
      ? service.envForm === "map" ? "compose-env-map" : "compose-env-list"
      : service.commandForm === "string" ? "compose-command-string" : "compose-command-list";
    containers.push({ name: origin, at: service.at, syntax: "compose", settings, hostNetwork: service.hostNetwork, node, publications: service.publications });
  }
  return { containers, nodes: containers.map((container) => container.node) };
}
