// Compose services as containers: facts from the image, environment, command, and what they bind-mount
// from anywhere in the tree (`./docker/redis/redis-cluster.conf`, a start script).
import { posix } from "node:path";
import type { ComposeService } from "../formats/compose.js";
import type { Word } from "../formats/redisConf.js";
import { clusterCreateEvidence, configuredByEnv, containerFacts, looksLikeRedis } from "../formats/redisProcess.js";
import type { EvidenceItem, PublishedContainer, RedisNodeFacts } from "../model.js";

/** Files of the whole tree that other files refer to by path. */
export interface TreeFiles {
  /** The facts of a redis.conf read anywhere in the tree, by its normalised path. */
  conf(path: string): RedisNodeFacts | undefined;
  /** The words of a shell script read anywhere in the tree. */
  script(path: string): Word[] | undefined;
}

/** Host paths the service's command names through its bind mounts (file mounts, or files under a mounted folder). */
function mountedPaths(service: ComposeService, composeFile: string): string[] {
  const paths: string[] = [];
  const dir = posix.dirname(composeFile);
  for (const mount of service.mounts) {
    if (mount.host.startsWith("~")) continue;
    const host = posix.normalize(mount.host.startsWith("/") ? mount.host : posix.join(dir, mount.host));
    for (const word of service.words) {
      if (word.text === mount.container) paths.push(host);
      else if (word.text.startsWith(`${mount.container.replace(/\/$/, "")}/`))
        paths.push(posix.join(host, word.text.slice(mount.container.replace(/\/$/, "").length + 1)));
    }
  }
  return paths;
}

export function assembleCompose(
  composeFile: string,
  services: readonly ComposeService[],
  tree: TreeFiles,
): { containers: PublishedContainer[]; nodes: RedisNodeFacts[]; evidence: EvidenceItem[] } {
  const containers: PublishedContainer[] = [];
  const evidence: EvidenceItem[] = [];
  for (const service of services) {
    const origin = `compose service ${service.name}`;
    const paths = mountedPaths(service, composeFile);
    const conf = paths.map((path) => tree.conf(path)).find((facts) => facts !== undefined);
    // A mounted start script runs redis-server (and maybe redis-cli --cluster create) itself.
    const scriptWords = paths.flatMap((path) => tree.script(path) ?? []);
    const words = scriptWords.length > 0 ? [...service.words, { text: ";", at: service.at }, ...scriptWords] : service.words;
    for (const item of clusterCreateEvidence(words)) evidence.push(item);
    const node = containerFacts(service.image, service.env, words, origin, service.at, conf);
    if (!looksLikeRedis(service.image, words, node)) continue;
    const settings = configuredByEnv(service.env)
      ? service.envForm === "map"
        ? "compose-env-map"
        : "compose-env-list"
      : service.commandForm === "string"
        ? "compose-command-string"
        : "compose-command-list";
    containers.push({
      name: origin,
      at: service.at,
      syntax: "compose",
      settings,
      ...(service.settingPlacement ? { settingPlacement: service.settingPlacement } : {}),
      ...(service.portsPlacement ? { portsPlacement: service.portsPlacement } : {}),
      hostNetwork: service.hostNetwork,
      node,
      publications: service.publications,
    });
  }
  return { containers, nodes: containers.map((container) => container.node), evidence };
}
