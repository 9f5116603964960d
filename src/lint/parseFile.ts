// One file, read by the parser of its format into what its directory's scope is built from.
import { posix } from "node:path";
import type { FileKind } from "./detect.js";
import { LintInputError } from "./errors.js";
import { isComposeDocument, readComposeServices, type ComposeService } from "./formats/compose.js";
import { parseFirewalldZone } from "./formats/firewalld.js";
import { parseIptablesSave } from "./formats/iptables.js";
import { isK8sObject, readK8sManifest } from "./formats/k8s/manifest.js";
import type { K8sManifest } from "./formats/k8s/types.js";
import { parseNftJson } from "./formats/nftJson.js";
import { parseNftText } from "./formats/nftText.js";
import { factsFromDirectives, parseRedisConfText } from "./formats/redisConf.js";
import { parseHcl, type HclBody, type HclParser } from "./formats/terraform/hcl.js";
import { parseYaml } from "./formats/yamlNodes.js";
import type { Policy, RedisNodeFacts } from "./model.js";

export interface LintSource {
  path: string;
  text: string;
  /** Named on the command line (an unknown format is an error) rather than found in a folder (skipped). */
  explicit: boolean;
}

export type ParsedFile =
  | { kind: "k8s"; path: string; manifest: K8sManifest }
  | { kind: "compose"; path: string; services: ComposeService[] }
  | { kind: "terraform"; path: string; body: HclBody }
  | { kind: "policies"; path: string; policies: Policy[] }
  | { kind: "redis-conf"; path: string; facts: RedisNodeFacts }
  | { kind: "ignored"; path: string };

function parseYamlFile(source: LintSource): ParsedFile {
  const yaml = parseYaml(source.text, source.path);
  const contents = yaml.documents.map((document) => document.contents).filter((node) => node !== null);
  if (contents.some(isK8sObject)) return { kind: "k8s", path: source.path, manifest: readK8sManifest(yaml) };
  if (contents.some(isComposeDocument)) return { kind: "compose", path: source.path, services: readComposeServices(yaml) };
  if (source.explicit && contents.length > 0) {
    throw new LintInputError(source.path, "neither Kubernetes manifests (apiVersion/kind) nor a compose file (services:)");
  }
  return { kind: "ignored", path: source.path };
}

export function parseFile(source: LintSource, kind: FileKind, hcl: HclParser | undefined): ParsedFile {
  const { path, text } = source;
  switch (kind) {
    case "yaml":
      return parseYamlFile(source);
    case "terraform":
      if (!hcl) throw new LintInputError(path, "the HCL parser was not loaded");
      return { kind: "terraform", path, body: parseHcl(hcl, text, path) };
    case "iptables":
      return { kind: "policies", path, policies: parseIptablesSave(text, path) };
    case "nft":
      return { kind: "policies", path, policies: parseNftText(text, path) };
    case "nft-json":
      return { kind: "policies", path, policies: parseNftJson(text, path) };
    case "firewalld":
      return { kind: "policies", path, policies: parseFirewalldZone(text, path, posix.basename(path, ".xml")) };
    case "redis-conf": {
      const facts = factsFromDirectives(parseRedisConfText(text, path), posix.basename(path), { file: path, line: 1, column: 1 });
      if (posix.basename(path).includes("sentinel")) facts.sentinel = true;
      return { kind: "redis-conf", path, facts };
    }
  }
}
