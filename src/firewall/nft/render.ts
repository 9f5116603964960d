// Pure: one `nft -j` rule written back in the syntax `nft -a list ruleset` prints, so a finding shows
// the rule the way an operator finds it (`nft -a list ruleset | grep 'handle 2'`). Sample statements:
//   {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": "127.0.0.3"}}
//   {"counter": {"packets": 0, "bytes": 0}}   {"reject": {"type": "tcp reset"}}   {"jump": {"target": "redis"}}
import { field, isObject, soleEntry, text, type Json } from "./json.js";

/** Meta keys nft prints bare (`iif "lo"`) rather than as `meta key`. */
const BARE_META = new Set(["iif", "oif", "iifname", "oifname", "mark", "priority", "skuid", "skgid"]);
/** Meta keys whose values nft prints quoted: interface names. */
const QUOTED_META = new Set(["iif", "oif", "iifname", "oifname"]);

function renderLeft(left: Json | undefined): string {
  const entry = soleEntry(left);
  if (entry === null) return JSON.stringify(left ?? null);
  const [kind, body] = entry;
  const key = text(field(body, "key")) ?? "";
  if (kind === "payload") return `${text(field(body, "protocol")) ?? "?"} ${text(field(body, "field")) ?? "?"}`;
  if (kind === "meta") return BARE_META.has(key) ? key : `meta ${key}`;
  if (kind === "ct") return `ct ${key}`;
  return `${kind} ${JSON.stringify(body)}`;
}

function renderValue(value: Json | undefined, quoted = false): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return quoted && !value.startsWith("@") ? `"${value}"` : value;
  if (Array.isArray(value)) return value.map((item) => renderValue(item, quoted)).join(",");
  const entry = soleEntry(value);
  if (entry === null) return JSON.stringify(value ?? null);
  const [kind, body] = entry;
  if (kind === "prefix") return `${text(field(body, "addr")) ?? "?"}/${text(field(body, "len")) ?? "?"}`;
  if (kind === "range" && Array.isArray(body)) return body.map((item) => renderValue(item, quoted)).join("-");
  if (kind === "set" && Array.isArray(body)) return `{ ${body.map((item) => renderValue(item, quoted)).join(", ")} }`;
  if (kind === "elem") return renderValue(field(body, "val"), quoted);
  return JSON.stringify(value);
}

function renderMatch(body: Json): string {
  const left = field(body, "left");
  const op = text(field(body, "op")) ?? "==";
  const key = text(field(soleEntry(left ?? null)?.[1], "key")) ?? "";
  const quoted = soleEntry(left ?? null)?.[0] === "meta" && QUOTED_META.has(key);
  const shownOp = op === "==" || op === "in" ? "" : `${op} `;
  return `${renderLeft(left)} ${shownOp}${renderValue(field(body, "right"), quoted)}`;
}

/** `reject` alone is icmp(x) port-unreachable, nft's default, and is printed without its type. */
function renderReject(body: Json): string {
  const type = text(field(body, "type"));
  const expr = text(field(body, "expr"));
  if (type === null) return "reject";
  if (type === "tcp reset") return "reject with tcp reset";
  if (expr === null || expr === "port-unreachable") return "reject";
  return `reject with ${type} ${expr}`;
}

function renderLog(body: Json): string {
  const parts = ["log"];
  const prefix = text(field(body, "prefix"));
  if (prefix !== null) parts.push(`prefix "${prefix}"`);
  const level = text(field(body, "level"));
  if (level !== null) parts.push(`level ${level}`);
  return parts.join(" ");
}

function renderMap(body: Json): string {
  const data = field(field(body, "data"), "set");
  const entries = Array.isArray(data)
    ? data.map((pair) => (Array.isArray(pair) ? `${renderValue(pair[0])} : ${renderStatement(pair[1] ?? null)}` : renderValue(pair)))
    : [];
  return `${renderLeft(field(body, "key"))} vmap { ${entries.join(", ")} }`;
}

export function renderStatement(statement: Json): string {
  const entry = soleEntry(statement);
  if (entry === null) return JSON.stringify(statement);
  const [kind, body] = entry;
  switch (kind) {
    case "match":
      return renderMatch(body);
    case "counter":
      return isObject(body) ? `counter packets ${text(body["packets"]) ?? 0} bytes ${text(body["bytes"]) ?? 0}` : "counter";
    case "log":
      return renderLog(body);
    case "reject":
      return renderReject(body);
    case "jump":
    case "goto":
      return `${kind} ${text(field(body, "target")) ?? "?"}`;
    case "vmap":
      return renderMap(body);
    case "accept":
    case "drop":
    case "return":
    case "continue":
      return kind;
    case "dnat":
    case "snat": {
      const port = text(field(body, "port"));
      return `${kind} to ${text(field(body, "addr")) ?? ""}${port === null ? "" : `:${port}`}`;
    }
    case "xt":
      return `xt ${text(field(body, "type")) ?? "?"} "${text(field(body, "name")) ?? "?"}"`;
    default:
      return `${kind} ${JSON.stringify(body)}`;
  }
}

export function renderRule(expr: readonly Json[]): string {
  return expr.map(renderStatement).join(" ");
}
