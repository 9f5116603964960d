// Ansible tasks (a role's tasks/*.yml, or plays with `tasks:`) that set up a host firewall through
// ansible.posix.firewalld, community.general.ufw or ansible.builtin.iptables, read into the firewall
// engine's states; and what shell/command/lineinfile tasks say about cluster mode. Jinja placeholders
// are replaced from the role's variables (defaults/, vars/) where those are plain values, `loop` over a
// literal list is unrolled, and anything still templated stays unknown.
// Sample task:
//   - name: Open the Redis ports
//     ansible.posix.firewalld:
//       port: "{{ item }}/tcp"
//       zone: internal
//       permanent: true
//       state: enabled
//     loop: ["{{ redis_port }}", 16379]
import { isMap, isScalar, isSeq, type Node } from "yaml";
import { FirewalldState } from "../../firewall/firewalld/commands.js";
import { IptablesState } from "../../firewall/iptables/commands.js";
import { UfwState } from "../../firewall/ufw.js";
import { shellWords } from "../../firewall/words.js";
import type { EvidenceItem, Location, Placement } from "../model.js";
import { clusterCreateEvidence } from "./redisProcess.js";
import { after, entries, get, items, locate, str, type YamlSource } from "./yamlNodes.js";

/** Role and play variables: plain values and lists of them. */
export type AnsibleVars = ReadonlyMap<string, string | string[]>;

export interface AnsibleFirewall {
  firewalld: FirewalldState | null;
  ufw: UfwState | null;
  iptables: IptablesState;
  ip6tables: IptablesState;
  /** How the file spells each module, and where a new task for it goes. */
  modules: Map<"firewalld" | "ufw" | "iptables", { name: string; placement: Placement | undefined }>;
  evidence: EvidenceItem[];
}

const FIREWALLD = new Set(["ansible.posix.firewalld", "firewalld", "community.general.firewalld"]);
const UFW = new Set(["community.general.ufw", "ufw"]);
const IPTABLES = new Set(["ansible.builtin.iptables", "iptables"]);
const SHELL = new Set(["ansible.builtin.shell", "ansible.builtin.command", "shell", "command", "ansible.builtin.raw", "raw"]);
/** Task keys that are not the module. */
const TASK_KEYWORDS = new Set([
  "name",
  "when",
  "loop",
  "with_items",
  "with_list",
  "loop_control",
  "register",
  "become",
  "become_user",
  "tags",
  "notify",
  "vars",
  "ignore_errors",
  "changed_when",
  "failed_when",
  "delegate_to",
  "run_once",
  "environment",
  "args",
  "retries",
  "delay",
  "until",
  "no_log",
  "check_mode",
  "diff",
  "throttle",
  "listen",
  "any_errors_fatal",
  "collections",
  "module_defaults",
  "timeout",
  "debugger",
]);

/** Whether a YAML document is Ansible: a list of plays (`hosts:`) or tasks (a module key, `block:`, `include_tasks:`). */
export function isAnsibleDocument(node: unknown): boolean {
  if (!isSeq(node)) return false;
  return items(node).some((item) => {
    if (!isMap(item)) return false;
    const keys = entries(item).map((entry) => entry.key);
    if (keys.includes("hosts") || keys.includes("block") || keys.some((key) => /^(ansible\.builtin\.)?(include|import)_(tasks|role|playbook)$/.test(key)))
      return true;
    return keys.includes("name") && keys.some((key) => !TASK_KEYWORDS.has(key) && key !== "name");
  });
}

/** `name: value` lines of a vars file (defaults/main.yml): scalars and lists of scalars. */
export function readAnsibleVars(contents: unknown, into: Map<string, string | string[]>): void {
  for (const { key, value } of entries(contents)) {
    const scalar = str(value);
    if (scalar !== undefined) into.set(key, scalar);
    else if (isSeq(value))
      into.set(
        key,
        items(value).flatMap((item) => str(item) ?? []),
      );
  }
}

/** `{{ redis_port }}`, `{{ redis_port | default(6379) }}`, `{{ item }}` replaced where known; the rest stays templated. */
export function renderJinja(text: string, vars: AnsibleVars): string {
  return text.replace(/\{\{\s*([\w.]+)\s*(?:\|\s*default\(\s*['"]?([^'")]*)['"]?\s*\))?\s*\}\}/g, (whole, name: string, fallback: string | undefined) => {
    const value = vars.get(name);
    if (typeof value === "string") return value;
    return fallback ?? whole;
  });
}

/** A whole-value placeholder naming a list variable: `loop: "{{ redis_ports }}"`. */
function listVar(text: string, vars: AnsibleVars): string[] | undefined {
  const name = /^\s*\{\{\s*([\w.]+)\s*\}\}\s*$/.exec(text)?.[1];
  const value = name === undefined ? undefined : vars.get(name);
  return Array.isArray(value) ? value : undefined;
}

function loopValues(task: Node, vars: AnsibleVars): string[] | undefined {
  const loop = get(task, "loop") ?? get(task, "with_items") ?? get(task, "with_list");
  if (loop === undefined) return undefined;
  if (isSeq(loop)) return items(loop).map((item) => renderJinja(str(item) ?? "", vars));
  const text = str(loop);
  return text === undefined ? [] : (listVar(text, vars) ?? []);
}

/** A module's parameters: a map, or `key=value` words (free form). Values rendered; lists joined with commas. */
function params(node: Node | undefined, vars: AnsibleVars): Map<string, string> {
  const result = new Map<string, string>();
  if (isMap(node)) {
    for (const { key, value } of entries(node)) {
      if (isSeq(value))
        result.set(
          key,
          items(value)
            .map((item) => renderJinja(str(item) ?? "", vars))
            .join(","),
        );
      else {
        const text = str(value);
        if (text !== undefined) result.set(key, renderJinja(text, vars));
      }
    }
  } else if (isScalar(node)) {
    for (const word of shellWords(renderJinja(str(node) ?? "", vars)) ?? []) {
      const equals = word.text.indexOf("=");
      if (equals > 0) result.set(word.text.slice(0, equals), word.text.slice(equals + 1));
      else result.set("_raw", `${result.get("_raw") ?? ""} ${word.text}`.trim());
    }
  }
  return result;
}

const yes = (value: string | undefined): boolean => value !== undefined && /^(true|yes|1)$/i.test(value);

function firewalldTask(state: FirewalldState, p: Map<string, string>, at: Location): void {
  const zone = state.zone(p.get("zone"), at);
  zone.end = at;
  const enabled = (p.get("state") ?? "enabled") === "enabled" || p.get("state") === "present";
  const port = p.get("port");
  if (port !== undefined) {
    if (enabled) state.addPort(zone, port, at);
    else state.removePort(zone, port);
  }
  const service = p.get("service");
  if (service !== undefined && enabled) zone.elements.push({ kind: "service", at, name: service });
  const rich = p.get("rich_rule");
  if (rich !== undefined && enabled) state.addRichRule(zone, rich, at);
  const source = p.get("source");
  if (source !== undefined && enabled) zone.sources.push(source);
  const target = p.get("target");
  if (target !== undefined) zone.target = target;
}

function ufwTask(state: UfwState, p: Map<string, string>, at: Location, text: string): void {
  const policy = p.get("default") ?? p.get("policy");
  if (policy !== undefined) state.command(["default", policy, p.get("direction") ?? "incoming"], at, text);
  const status = p.get("state");
  if (status === "disabled") state.enabled = false;
  if (status === "enabled") state.enabled = true;
  const rule = p.get("rule");
  if (rule === undefined || yes(p.get("delete"))) return;
  const words: string[] = [];
  const insert = p.get("insert");
  if (insert !== undefined) words.push("insert", insert);
  words.push(rule);
  const direction = p.get("direction");
  if (direction === "in" || direction === "incoming") words.push("in");
  if (direction === "out" || direction === "outgoing") words.push("out");
  const iface = p.get("interface") ?? p.get("if");
  if (iface !== undefined) words.push("on", iface);
  const proto = p.get("proto") ?? p.get("protocol");
  if (proto !== undefined && proto !== "any") words.push("proto", proto);
  words.push("from", p.get("from_ip") ?? p.get("from") ?? p.get("src") ?? "any");
  const fromPort = p.get("from_port");
  if (fromPort !== undefined) words.push("port", fromPort);
  words.push("to", p.get("to_ip") ?? p.get("to") ?? p.get("dest") ?? "any");
  const port = p.get("to_port") ?? p.get("port");
  if (port !== undefined) words.push("port", port);
  state.command(words, at, text);
}

function iptablesTask(state: IptablesState, p: Map<string, string>, at: Location, text: string): void {
  const chain = p.get("chain") ?? "INPUT";
  const words: string[] = ["-t", p.get("table") ?? "filter"];
  const policy = p.get("policy");
  if (policy !== undefined) {
    state.command([...words, "-P", chain, policy], at, text);
    return;
  }
  if ((p.get("state") ?? "present") === "absent" || yes(p.get("flush"))) return;
  if (p.get("action") === "insert") words.push("-I", chain, ...(p.get("rule_num") ? [p.get("rule_num") as string] : []));
  else words.push("-A", chain);
  const add = (flag: string, key: string) => {
    const value = p.get(key);
    if (value !== undefined) words.push(flag, value);
  };
  add("-p", "protocol");
  add("-s", "source");
  add("-d", "destination");
  add("-i", "in_interface");
  add("-o", "out_interface");
  const ports = p.get("destination_ports");
  if (ports !== undefined) words.push("-m", "multiport", "--dports", ports);
  else add("--dport", "destination_port");
  add("--sport", "source_port");
  add("--ctstate", "ctstate");
  add("--limit", "limit");
  if (p.get("jump") !== undefined) add("-j", "jump");
  else add("-g", "goto");
  state.command(words, at, text);
}

/** Tasks of a play or a task file, blocks included, visited without recursion, in order. */
function tasksOf(contents: unknown): Node[] {
  const tasks: Node[] = [];
  const pending: Node[] = [...items(contents)].reverse();
  while (pending.length > 0) {
    const node = pending.pop() as Node;
    if (!isMap(node)) continue;
    const nested = ["tasks", "pre_tasks", "post_tasks", "handlers", "block", "rescue", "always"].flatMap((key) => items(get(node, key)));
    if (nested.length > 0) {
      for (let i = nested.length - 1; i >= 0; i--) pending.push(nested[i] as Node);
      continue;
    }
    if (get(node, "hosts") === undefined) tasks.push(node);
  }
  return tasks;
}

function moduleOf(task: Node): { name: string; node: Node | undefined } | undefined {
  for (const { key, value } of entries(task)) if (!TASK_KEYWORDS.has(key)) return { name: key, node: value };
  return undefined;
}

/** Reads one document of tasks or plays into `into`. */
export function readAnsibleDocument(source: YamlSource, contents: unknown, roleVars: AnsibleVars, into: AnsibleFirewall): void {
  for (const task of tasksOf(contents)) {
    const module = moduleOf(task);
    if (module === undefined) continue;
    const vars = new Map(roleVars);
    const taskVars = new Map<string, string | string[]>();
    readAnsibleVars(get(task, "vars"), taskVars);
    for (const [key, value] of taskVars) vars.set(key, value);
    const at = locate(source, task);
    const values = loopValues(task, vars) ?? [undefined];
    const kind = FIREWALLD.has(module.name) ? "firewalld" : UFW.has(module.name) ? "ufw" : IPTABLES.has(module.name) ? "iptables" : undefined;
    if (kind !== undefined) into.modules.set(kind, { name: module.name, placement: after(source, task) });
    for (const value of values) {
      const scoped = new Map(vars);
      if (value !== undefined) scoped.set("item", value);
      const p = params(module.node, scoped);
      const text = `${module.name}: ${[...p].map(([key, v]) => `${key}=${v}`).join(" ")}`;
      if (kind === "firewalld") {
        into.firewalld ??= new FirewalldState();
        firewalldTask(into.firewalld, p, at);
      } else if (kind === "ufw") {
        into.ufw ??= new UfwState();
        ufwTask(into.ufw, p, at, text);
      } else if (kind === "iptables") {
        iptablesTask(p.get("ip_version") === "ipv6" ? into.ip6tables : into.iptables, p, at, text);
      } else {
        const command = SHELL.has(module.name) ? (p.get("cmd") ?? p.get("_raw")) : undefined;
        const words = command === undefined ? [] : (shellWords(command) ?? []).map((word) => ({ text: word.operator ? ";" : word.text, at }));
        for (const item of clusterCreateEvidence(words)) into.evidence.push(item);
        if (words.some((word) => word.text === "--cluster-enabled") && words.some((word) => word.text === "yes"))
          into.evidence.push({ stance: "cluster", what: "redis-server --cluster-enabled yes", at });
        if ([...p.values()].some((v) => /^\s*cluster-enabled\s+yes\b/.test(v)))
          into.evidence.push({ stance: "cluster", what: "cluster-enabled yes written by a task", at });
      }
    }
  }
}

export function emptyAnsibleFirewall(): AnsibleFirewall {
  return { firewalld: null, ufw: null, iptables: new IptablesState("ip"), ip6tables: new IptablesState("ip6"), modules: new Map(), evidence: [] };
}
