// docker-compose / compose.yaml: published ports in every syntax, network_mode, command, environment, volumes.
import { isMap, isScalar, type Node, type Scalar } from "yaml";
import type { Location, Placement, Protocol, Publication } from "../model.js";
import { parsePortRange } from "../ports.js";
import type { Word } from "./redisConf.js";
import { commandWords, type EnvVar } from "./redisProcess.js";
import { after, entries, get, itemAfter, items, listEnd, locate, str, type YamlSource } from "./yamlNodes.js";

export interface ComposeMount {
  /** As written, relative to the compose file's folder when it starts with "." */
  host: string;
  container: string;
}

export interface ComposeService {
  name: string;
  at: Location;
  image?: string;
  hostNetwork: boolean;
  words: Word[];
  env: EnvVar[];
  envForm: "list" | "map";
  commandForm: "list" | "string";
  publications: Publication[];
  /** Bind mounts: host path -> path in the container. */
  mounts: ComposeMount[];
  /** Where a new environment entry or command word goes. */
  settingPlacement?: Placement;
  /** Where a new `ports` entry goes (with the `ports:` key when the service has none). */
  portsPlacement?: Placement;
}

/** Whether a YAML document is a compose file (a top-level `services` map). */
export function isComposeDocument(node: unknown): boolean {
  return isMap(get(node, "services")) && str(get(node, "apiVersion")) === undefined;
}

/**
 * Compose variable interpolation, resolved to the default when one is written: `${REDIS_PORT:-6379}`
 * -> "6379"; undefined when a variable has no default (its value is unknown here).
 */
export function interpolate(text: string): string | undefined {
  let result = "";
  let i = 0;
  while (i < text.length) {
    if (text.startsWith("$$", i)) {
      result += "$";
      i += 2;
    } else if (text.startsWith("${", i)) {
      const end = text.indexOf("}", i);
      if (end < 0) return undefined;
      const body = text.slice(i + 2, end);
      const defaultAt = body.search(/:?-/);
      if (defaultAt < 0) return undefined;
      result += body.slice(defaultAt + (body[defaultAt] === ":" ? 2 : 1));
      i = end + 1;
    } else if (text[i] === "$" && /[A-Za-z_]/.test(text[i + 1] ?? "")) {
      return undefined;
    } else {
      result += text[i++];
    }
  }
  return result;
}

function protocolOf(text: string | undefined): Protocol {
  return text?.toLowerCase() === "udp" ? "udp" : "tcp";
}

/**
 * Short syntax: `"6379"`, `"16379:16379"`, `"127.0.0.1:7000-7005:7000-7005"`, `"[::1]:6379:6379/tcp"`.
 */
export function parseShortPort(text: string, at: Location): Publication | undefined {
  const [mapping = "", protocol] = text.split("/");
  let rest = mapping;
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]:");
    if (close < 0) return undefined;
    rest = rest.slice(close + 2);
  }
  const parts = rest.split(":");
  const containerText = parts[parts.length - 1] ?? "";
  const hostText = parts.length >= 2 ? parts[parts.length - 2] : undefined;
  const container = parsePortRange(containerText, "-");
  if (!container) return undefined;
  const host = hostText ? parsePortRange(hostText, "-") : undefined;
  if (hostText && !host) return undefined;
  return { at, container, protocol: protocolOf(protocol), ...(host ? { host } : {}) };
}

/** Long syntax: `{target: 16379, published: "16379", host_ip: 0.0.0.0, protocol: tcp}`. */
function parseLongPort(node: Node, at: Location): Publication | undefined {
  const target = interpolate(str(get(node, "target")) ?? "");
  const published = str(get(node, "published"));
  const container = target === undefined ? undefined : parsePortRange(target, "-");
  if (!container) return undefined;
  const publishedText = published === undefined ? undefined : interpolate(published);
  const host = publishedText ? parsePortRange(publishedText, "-") : undefined;
  return { at, container, protocol: protocolOf(str(get(node, "protocol"))), ...(host ? { host } : {}) };
}

function readPorts(source: YamlSource, node: Node | undefined): Publication[] {
  return items(node).flatMap((item) => {
    const at = locate(source, item);
    const next = itemAfter(source, node, item);
    const publication = isMap(item)
      ? parseLongPort(item, at)
      : (() => {
          const text = str(item);
          const resolved = text === undefined ? undefined : interpolate(text);
          return resolved === undefined ? undefined : parseShortPort(resolved, at);
        })();
    return publication ? [{ ...publication, ...(next ? { next } : {}) }] : [];
  });
}

/** `environment: [REDIS_NODES=a b c]` or `environment: {REDIS_NODES: a b c}`. */
function position(source: YamlSource, offset: number): Location {
  return { file: source.file, ...source.lines.position(offset) };
}

function readEnvironment(source: YamlSource, node: Node | undefined): EnvVar[] {
  if (isMap(node)) {
    return entries(node).flatMap(({ key, keyNode, value }) => {
      const text = str(value);
      if (text === undefined) return [];
      const range = value?.range;
      const valueAt = range ? { start: position(source, range[0]), end: position(source, range[1]) } : undefined;
      return [{ name: key, value: interpolate(text) ?? text, at: locate(source, keyNode), ...(valueAt ? { valueAt } : {}) }];
    });
  }
  return items(node).flatMap((item) => {
    const text = str(item);
    const equals = text?.indexOf("=") ?? -1;
    if (text === undefined || equals < 0) return [];
    const value = text.slice(equals + 1);
    // `- KEY=value` written plainly: the value is the rest of the item, after the "=".
    const range = isScalar(item) && (item as Scalar).type === "PLAIN" ? item.range : undefined;
    const valueAt = range ? { start: position(source, range[0] + equals + 1), end: position(source, range[1]) } : undefined;
    return [{ name: text.slice(0, equals), value: interpolate(value) ?? value, at: locate(source, item), ...(valueAt ? { valueAt } : {}) }];
  });
}

/** `command: redis-server /conf/redis.conf --port 7001` (shell words) or `command: [redis-server, ...]`. */
function readCommand(source: YamlSource, node: Node | undefined): Word[] {
  if (isScalar(node)) {
    const text = str(node);
    return text === undefined ? [] : commandWords([{ text, at: locate(source, node) }]);
  }
  return commandWords(
    items(node).flatMap((item) => {
      const text = str(item);
      return text === undefined ? [] : [{ text, at: locate(source, item) }];
    }),
  );
}

/** `volumes: ["./redis.conf:/usr/local/etc/redis/redis.conf:ro"]` or `{type: bind, source, target}`. */
function readMounts(node: Node | undefined): ComposeMount[] {
  return items(node).flatMap((item) => {
    if (isMap(item)) {
      const host = str(get(item, "source"));
      const container = str(get(item, "target"));
      return host && container && str(get(item, "type")) === "bind" ? [{ host, container }] : [];
    }
    const [host, container] = (str(item) ?? "").split(":");
    return host && container && (host.startsWith(".") || host.startsWith("/") || host.startsWith("~")) ? [{ host, container }] : [];
  });
}

/** The end of a one-line command string (before its closing quote): where a flag is appended. */
function commandEnd(source: YamlSource, node: Node | undefined): Placement | undefined {
  if (!isScalar(node) || !node.range) return undefined;
  const type = (node as Scalar).type;
  if (type !== "PLAIN" && type !== "QUOTE_DOUBLE" && type !== "QUOTE_SINGLE") return undefined;
  const start = locate(source, node);
  const endOffset = node.range[1] - (type === "PLAIN" ? 0 : 1);
  const end = source.lines.position(endOffset);
  if (end.line !== start.line) return undefined;
  return { at: { file: source.file, ...end }, indent: "", inline: true };
}

function lastItem(node: Node | undefined): Node | undefined {
  if (isMap(node)) {
    const pairs = entries(node);
    return pairs[pairs.length - 1]?.value ?? pairs[pairs.length - 1]?.keyNode;
  }
  const list = items(node);
  return list[list.length - 1];
}

/** Sample: `services:` / `  redis-1:` / `    image: redis:7.2` / `    ports: ["7001:7001"]`. */
export function readComposeServices(source: YamlSource, contents: unknown): ComposeService[] {
  const services: ComposeService[] = [];
  for (const { key, keyNode, value } of entries(get(contents, "services"))) {
    const image = str(get(value, "image"));
    const environment = get(value, "environment");
    const command = get(value, "command");
    const ports = get(value, "ports");
    const env = readEnvironment(source, environment);
    const byEnv = env.some((variable) => variable.name.startsWith("REDIS_"));
    const settingPlacement = byEnv ? after(source, lastItem(environment)) : isScalar(command) ? commandEnd(source, command) : listEnd(source, command);
    const lastPort = lastItem(ports);
    const portsPlacement = lastPort
      ? itemAfter(source, ports, lastPort)
      : (() => {
          const place = after(source, value);
          return place ? { ...place, header: "ports:" } : undefined;
        })();
    services.push({
      name: key,
      at: locate(source, keyNode),
      ...(image === undefined ? {} : { image }),
      hostNetwork: str(get(value, "network_mode")) === "host",
      words: [...readCommand(source, get(value, "entrypoint")), ...readCommand(source, command)],
      env,
      envForm: isMap(environment) ? "map" : "list",
      commandForm: isScalar(command) ? "string" : "list",
      publications: readPorts(source, ports),
      mounts: readMounts(get(value, "volumes")),
      ...(settingPlacement ? { settingPlacement } : {}),
      ...(portsPlacement ? { portsPlacement } : {}),
    });
  }
  return services;
}
