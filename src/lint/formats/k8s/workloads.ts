// Pods and the controllers that template them: labels, container ports, host ports, and how Redis starts.
import { isScalar, type Node } from "yaml";
import type { Location, Publication } from "../../model.js";
import { single, toPort } from "../../ports.js";
import type { Word } from "../redisConf.js";
import { commandWords, configuredByEnv, containerFacts, looksLikeRedis, type EnvVar } from "../redisProcess.js";
import { blockScalarLines, bool, get, getPath, itemAfter, items, listEnd, locate, str, stringMap, type YamlSource } from "../yamlNodes.js";
import type { K8sContainer, K8sWorkload } from "./types.js";

const TEMPLATED_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"]);

function podTemplate(doc: Node, kind: string): Node | undefined {
  if (kind === "Pod") return doc;
  if (TEMPLATED_KINDS.has(kind)) return getPath(doc, "spec", "template");
  if (kind === "CronJob") return getPath(doc, "spec", "jobTemplate", "spec", "template");
  return undefined;
}

function words(source: YamlSource, node: Node | undefined): Word[] {
  return commandWords(
    items(node).flatMap((item) => {
      const text = str(item);
      if (text === undefined || !isScalar(item)) return [];
      const lineAt = blockScalarLines(source, item);
      return [{ text, at: locate(source, item), ...(lineAt ? { lineAt } : {}) }];
    }),
  );
}

/**
 * Sample: `env: [{name: REDIS_CLUSTER_ANNOUNCE_BUS_PORT, value: "16379"}]`. A `valueFrom` variable is
 * only known at run time: `status.hostIP` is written `$(status.hostIP)` (the host's address, behind
 * hostPort mappings), anything else `$(valueFrom)`.
 */
function envVars(source: YamlSource, node: Node | undefined): EnvVar[] {
  return items(node).flatMap((item) => {
    const name = str(get(item, "name"));
    const fieldPath = str(getPath(item, "valueFrom", "fieldRef", "fieldPath"));
    const value = str(get(item, "value")) ?? (fieldPath !== undefined ? `$(${fieldPath})` : get(item, "valueFrom") ? "$(valueFrom)" : undefined);
    return name !== undefined && value !== undefined ? [{ name, value, at: locate(source, item) }] : [];
  });
}

/** Sample: `ports: [{name: tcp-redis-bus, containerPort: 16379, hostPort: 16379}]`. */
function readContainer(source: YamlSource, node: Node, owner: string, hostNetwork: boolean): K8sContainer {
  const name = str(get(node, "name")) ?? "";
  const image = str(get(node, "image"));
  const at = locate(source, node);
  const origin = `container ${name} of ${owner}`;
  const env = envVars(source, get(node, "env"));
  // Kubernetes expands `$(NAME)` in command and args from the container's environment.
  const byName = new Map(env.map((variable) => [variable.name, variable.value]));
  const commandLine = [...words(source, get(node, "command")), ...words(source, get(node, "args"))].map((word) => ({
    ...word,
    text: word.text.replace(/\$\((\w+)\)/g, (whole, name: string) => byName.get(name) ?? whole),
  }));
  const facts = containerFacts(image, env, commandLine, origin, at);
  const namedPorts: Record<string, number> = {};
  const containerPorts: number[] = [];
  const publications: Publication[] = [];
  for (const portNode of items(get(node, "ports"))) {
    const containerPort = toPort(str(get(portNode, "containerPort")));
    if (containerPort === undefined) continue;
    containerPorts.push(containerPort);
    const portName = str(get(portNode, "name"));
    if (portName) namedPorts[portName] = containerPort;
    const hostPort = toPort(str(get(portNode, "hostPort")));
    if (hostPort !== undefined) {
      const protocol = (str(get(portNode, "protocol")) ?? "TCP").toLowerCase() === "udp" ? "udp" : "tcp";
      const next = itemAfter(source, get(node, "ports"), portNode);
      publications.push({ at: locate(source, portNode), host: single(hostPort), container: single(containerPort), protocol, ...(next ? { next } : {}) });
    }
  }
  const byEnv = configuredByEnv(env);
  const settingsList = byEnv ? get(node, "env") : (get(node, "args") ?? get(node, "command"));
  const settingPlacement = listEnd(source, settingsList);
  const portsPlacement = listEnd(source, get(node, "ports"));
  if (!looksLikeRedis(image, commandLine, facts)) return { name, at, namedPorts, containerPorts };
  return {
    name,
    at,
    namedPorts,
    containerPorts,
    published: {
      name: origin,
      at,
      syntax: "k8s",
      settings: byEnv ? "k8s-env" : "k8s-args",
      ...(settingPlacement ? { settingPlacement } : {}),
      ...(portsPlacement ? { portsPlacement } : {}),
      hostNetwork,
      node: facts,
      publications,
    },
  };
}

export function readWorkload(source: YamlSource, doc: Node, kind: string, name: string, namespace: string): K8sWorkload | undefined {
  const template = podTemplate(doc, kind);
  if (!template) return undefined;
  const spec = get(template, "spec");
  const hostNetwork = bool(get(spec, "hostNetwork")) === true;
  const owner = `${kind} ${name}`;
  const at: Location = locate(source, doc);
  return {
    kind,
    name,
    namespace,
    at,
    labels: stringMap(getPath(template, "metadata", "labels")),
    hostNetwork,
    containers: items(get(spec, "containers")).map((container) => readContainer(source, container, owner, hostNetwork)),
    configMaps: items(get(spec, "volumes")).flatMap((volume) => str(getPath(volume, "configMap", "name")) ?? []),
  };
}
