// Which format a file is, from its name and the start of its text.
import { posix } from "node:path";
import { xmlRootName } from "../firewall/firewalld/xml.js";
import { isIptablesSave } from "../firewall/iptables/save.js";
import { isNftJson } from "../firewall/nft/jsonRuleset.js";
import { isNftText } from "../firewall/nft/text.js";
import { looksLikeFirewallScript } from "../firewall/script.js";
import { isUfwStatus } from "../firewall/ufw.js";

export type FileKind =
  | "yaml"
  | "terraform"
  | "iptables-save"
  | "nft"
  | "nft-json"
  | "firewalld-zone"
  | "firewalld-service"
  | "ufw-status"
  | "script"
  | "redis-conf";

export type Detection =
  | { kind: FileKind; template: boolean }
  /** A known format busdoctor does not lint (a Helm template): said so in the "not read" list. */
  | { notRead: string }
  /** Nothing busdoctor reads: skipped (listed as not read when named on the command line). */
  | { unknown: true };

/** Template suffixes: the name before them says what the rendered file is (`redis.conf.j2`). */
const TEMPLATE_EXTENSIONS = new Set([".j2", ".jinja", ".jinja2", ".tmpl", ".tpl", ".tftpl", ".template", ".erb", ".gotmpl"]);

/** File extensions worth opening while walking a folder; anything else is skipped unread. */
const CANDIDATE_EXTENSIONS = new Set([
  ".yaml",
  ".yml",
  ".tf",
  ".json",
  ".xml",
  ".conf",
  ".nft",
  ".rules",
  ".v4",
  ".v6",
  ".txt",
  ".save",
  ".ipt",
  ".sh",
  ".bash",
  ".cfg",
  "",
]);

export function isCandidate(path: string): boolean {
  const base = posix.basename(path).toLowerCase();
  const extension = posix.extname(base);
  if (TEMPLATE_EXTENSIONS.has(extension)) return isCandidate(base.slice(0, -extension.length) || "x");
  return CANDIDATE_EXTENSIONS.has(extension);
}

/** Sniffs a redis.conf by its directives: a line starting with one only Redis uses. */
function looksLikeRedisConf(head: string): boolean {
  return head.split("\n").some((line) => {
    const word = line.trimStart().split(/\s/)[0]?.toLowerCase() ?? "";
    return (
      word === "cluster-enabled" || word === "cluster-config-file" || word === "cluster-port" || word === "cluster-announce-bus-port" || word === "sentinel"
    );
  });
}

/** Go template actions that only Helm charts write (`{{ .Values.x }}`, `{{- include "..." }}`, `{{ toYaml }}`). */
export function looksLikeHelmTemplate(text: string): boolean {
  return /\{\{-?\s*(\.Values|\.Release|\.Chart|\.Capabilities|include\s|template\s|toYaml|tpl\s|define\s|if\s|range\s|with\s|end\s*-?\}\})|\{\{-|-\}\}/.test(
    text,
  );
}

function byName(base: string, head: string, template: boolean): Detection {
  const extension = posix.extname(base);
  const kind = (k: FileKind): Detection => ({ kind: k, template });
  if (extension === ".yaml" || extension === ".yml") {
    if (!template && looksLikeHelmTemplate(head))
      return { notRead: "a Helm chart template (Go template, not YAML): render it first, `helm template NAME CHART | busdoctor lint -`" };
    return kind("yaml");
  }
  if (extension === ".tf") return kind("terraform");
  if (extension === ".json") return isNftJson(head) ? kind("nft-json") : { unknown: true };
  if (extension === ".xml") {
    const root = xmlRootName(head);
    return root === "zone" ? kind("firewalld-zone") : root === "service" ? kind("firewalld-service") : { unknown: true };
  }
  if (extension === ".sh" || extension === ".bash") return kind("script");
  if ((extension === ".conf" || extension === ".cfg") && !base.startsWith("nodes")) {
    if (isNftText(head)) return kind("nft");
    if (base.includes("redis") || base.includes("sentinel") || base.includes("valkey") || looksLikeRedisConf(head)) return kind("redis-conf");
    return { unknown: true };
  }
  if (isIptablesSave(head)) return kind("iptables-save");
  if (isNftJson(head)) return kind("nft-json");
  if (isNftText(head)) return kind("nft");
  if (isUfwStatus(head)) return kind("ufw-status");
  if (head.startsWith("#!") || looksLikeFirewallScript(head))
    return /^#!.*\b(ba|da|z|k)?sh\b/.test(head) || looksLikeFirewallScript(head) ? kind("script") : { unknown: true };
  if (looksLikeRedisConf(head)) return kind("redis-conf");
  return { unknown: true };
}

/** `head` is the first few kilobytes of the file. */
export function detectKind(path: string, head: string): Detection {
  const base = posix.basename(path).toLowerCase();
  const extension = posix.extname(base);
  if (TEMPLATE_EXTENSIONS.has(extension)) {
    const inner = base.slice(0, -extension.length);
    // `templates/redis.conf.j2`, `user_data.sh.tftpl`, `rules.v4.j2`; a bare `x.tpl` is sniffed by content.
    return byName(inner.includes(".") ? inner : `${inner}.conf`, head, true);
  }
  if (path === "-" || path === "<stdin>") return sniffStdin(head);
  return byName(base, head, false);
}

/** Standard input has no name: YAML when it looks like manifests or compose, else what the content says. */
function sniffStdin(head: string): Detection {
  const detected = byName("stdin", head, false);
  if (!("unknown" in detected)) return detected;
  if (/^\s*(---|apiVersion:|kind:|services:|version:|#)/m.test(head) && /^\s*(apiVersion|kind|services):/m.test(head)) return { kind: "yaml", template: false };
  if (/^\s*(cluster-enabled|port)\s+\S/m.test(head)) return { kind: "redis-conf", template: false };
  return detected;
}
