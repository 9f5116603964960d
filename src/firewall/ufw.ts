// Pure: ufw as shell scripts and Ansible configure it (`ufw allow from 10.0.0.0/16 to any port 16379
// proto tcp`) and as `ufw status verbose` prints it, into two chains: ufw-user-input (policy: the
// default for incoming, deny unless set) and ufw-user-output (default allow). ufw's user.rules files
// are iptables-restore files and go through the iptables-save reader.
import { namedHosts, parseAddressRange } from "./addresses.js";
import { FirewallParseError, type Condition, type FirewallChain, type FirewallRule, type IpVersion, type Location, type PortRange } from "./model.js";
import { portList } from "./ports.js";

export interface UfwRule {
  at: Location;
  ref: string;
  text: string;
  action: "allow" | "deny" | "reject" | "limit";
  direction: "in" | "out";
  protocol: string | null;
  /** null: every port; undefined entries mean a name ufw resolves (an app profile). */
  ports: PortRange[] | null | "unknown";
  from: string | null;
  to: string | null;
  iface: string | null;
  version: IpVersion | null;
}

export class UfwState {
  enabled = true;
  incoming: "allow" | "deny" | "reject" = "deny";
  outgoing: "allow" | "deny" | "reject" = "allow";
  rules: UfwRule[] = [];
  /** Where a rule added after the others goes. */
  end: Location | undefined;

  /** The words after `ufw` (`allow 6379/tcp`, `default deny incoming`, `insert 1 allow from 10.0.0.0/8`). */
  command(args: readonly string[], at: Location, text: string): void {
    this.end = { file: at.file, line: at.line + 1, column: 1 };
    const words = args.filter((word) => word !== "--force" && word !== "-f");
    const [verb, ...rest] = words;
    if (verb === "default") {
      const policy = rest[0] === "allow" || rest[0] === "deny" || rest[0] === "reject" ? rest[0] : undefined;
      if (policy && (rest[1] ?? "incoming").startsWith("out")) this.outgoing = policy;
      else if (policy && !(rest[1] ?? "").startsWith("rout")) this.incoming = policy;
      return;
    }
    if (verb === "disable") this.enabled = false;
    if (verb === "enable") this.enabled = true;
    if (verb === "reset") this.rules = [];
    let position: number | undefined;
    let list = words;
    if (verb === "insert" || verb === "prepend") {
      position = verb === "prepend" ? 0 : Math.max(0, Number(rest[0]) - 1);
      list = verb === "prepend" ? rest : rest.slice(1);
    }
    const rule = parseRuleWords(list, at, text);
    if (rule === null) return;
    if (position === undefined) this.rules.push(rule);
    else this.rules.splice(position, 0, rule);
  }
}

const ACTIONS = new Set(["allow", "deny", "reject", "limit"]);

/** Application profiles ufw ships with the usual packages (/etc/ufw/applications.d); others are unknown. */
const APP_PROFILES: Record<string, PortRange[]> = {
  openssh: [{ from: 22, to: 22 }],
  "nginx http": [{ from: 80, to: 80 }],
  "nginx https": [{ from: 443, to: 443 }],
  "nginx full": [
    { from: 80, to: 80 },
    { from: 443, to: 443 },
  ],
  apache: [{ from: 80, to: 80 }],
  "apache secure": [{ from: 443, to: 443 }],
  "apache full": [
    { from: 80, to: 80 },
    { from: 443, to: 443 },
  ],
};

/** `6379`, `6379/tcp`, `6379:6390/tcp`, `6379,16379/tcp`; anything else is an app profile name. */
function portSpec(text: string): { ports: PortRange[] | "unknown"; protocol: string | null } {
  const profile = APP_PROFILES[text.toLowerCase()];
  if (profile) return { ports: profile, protocol: "tcp" };
  const [ports = "", protocol] = text.split("/");
  const ranges = portList(ports, ":");
  return { ports: ranges ?? "unknown", protocol: protocol?.toLowerCase() ?? null };
}

function address(text: string | undefined): string | null {
  return text === undefined || text === "any" ? null : text;
}

/** `allow [in|out] [on eth1] [proto tcp] [from ADDR [port P]] [to ADDR [port P]] [comment "x"]`, or `allow [in|out] PORT[/proto]`. */
export function parseRuleWords(words: readonly string[], at: Location, text: string): UfwRule | null {
  const action = words[0];
  if (action === undefined || !ACTIONS.has(action)) return null;
  const rule: UfwRule = {
    at,
    ref: `line ${at.line}`,
    text,
    action: action as UfwRule["action"],
    direction: "in",
    protocol: null,
    ports: null,
    from: null,
    to: null,
    iface: null,
    version: null,
  };
  for (let i = 1; i < words.length; i++) {
    const word = words[i] as string;
    const next = words[i + 1];
    if (word === "in" || word === "out") rule.direction = word;
    else if (word === "log" || word === "log-all") continue;
    else if (word === "on" && next) {
      rule.iface = next;
      i++;
    } else if (word === "proto" && next) {
      rule.protocol = next.toLowerCase();
      i++;
    } else if ((word === "from" || word === "to") && next) {
      if (word === "from") rule.from = address(next);
      else rule.to = address(next);
      i++;
      if (words[i + 1] === "port" && words[i + 2]) {
        // A source port (from ... port) never matches a new connection's ephemeral port here: only `to ... port` counts.
        if (word === "to") rule.ports = portSpec(words[i + 2] as string).ports;
        i += 2;
      }
    } else if (word === "comment") {
      i++;
    } else if (word === "app" || word === "port") {
      i++;
    } else {
      const spec = portSpec(word);
      rule.ports = spec.ports;
      rule.protocol = spec.protocol ?? rule.protocol;
    }
  }
  return rule;
}

/** One line of the rules table: `6379/tcp                   ALLOW IN    10.0.0.0/16`. */
function statusRule(line: string, at: Location): UfwRule | null {
  const body = line.replace(/^\[\s*\d+\]\s*/, "").replace(/\s+#.*$/, "");
  const columns = body.split(/\s{2,}/).map((column) => column.trim());
  const [toColumn = "", actionColumn = "", fromColumn = ""] = columns;
  const [actionWord = "", directionWord = "IN"] = actionColumn.split(/\s+/);
  const action = actionWord.toLowerCase();
  if (!ACTIONS.has(action) || directionWord === "FWD") return null;
  const v6 = toColumn.includes("(v6)") || fromColumn.includes("(v6)");
  const clean = (column: string) => column.replace("(v6)", "").trim();
  // A word that is neither an address nor a port: an app profile in "To", a host name in "From".
  const parseSide = (
    column: string,
    hostSide: boolean,
  ): { address: string | null; ports: PortRange[] | null | "unknown"; protocol: string | null; iface: string | null } => {
    const [main = "", iface] = clean(column).split(/\s+on\s+/);
    const profile = APP_PROFILES[main.toLowerCase()];
    if (profile) return { address: null, ports: profile, protocol: "tcp", iface: iface ?? null };
    const parts = main.split(/\s+/).filter(Boolean);
    let addressText: string | null = null;
    let ports: PortRange[] | null | "unknown" = null;
    let protocol: string | null = null;
    for (const part of parts) {
      if (part === "Anywhere") continue;
      if (parseAddressRange(part) !== null || (hostSide && portList(part.split("/")[0] ?? "", ":") === undefined)) addressText = part;
      else {
        const spec = portSpec(part);
        ports = spec.ports;
        protocol = spec.protocol;
      }
    }
    return { address: addressText, ports, protocol, iface: iface ?? null };
  };
  const to = parseSide(toColumn, false);
  const from = parseSide(fromColumn, true);
  return {
    at,
    ref: `line ${at.line}`,
    text: body.replace(/\s{2,}/g, "  "),
    action: action as UfwRule["action"],
    direction: directionWord === "OUT" ? "out" : "in",
    protocol: to.protocol ?? from.protocol,
    ports: to.ports,
    from: from.address,
    to: to.address,
    iface: to.iface ?? from.iface,
    version: v6 ? 6 : 4,
  };
}

/** Whether text is `ufw status` output. */
export function isUfwStatus(head: string): boolean {
  return /^Status: (active|inactive)\s*$/m.test(head.split("\n").slice(0, 3).join("\n"));
}

/**
 * Sample (`ufw status verbose`):
 * ```
 * Status: active
 * Default: deny (incoming), allow (outgoing), disabled (routed)
 *
 * To                         Action      From
 * --                         ------      ----
 * 6379/tcp                   ALLOW IN    10.0.0.0/16
 * 6379/tcp (v6)              ALLOW IN    Anywhere (v6)
 * ```
 */
export function parseUfwStatus(text: string, file: string): UfwState {
  const state = new UfwState();
  const lines = text.split("\n");
  let inTable = false;
  let sawStatus = false;
  lines.forEach((raw, index) => {
    const line = raw.trimEnd();
    const at: Location = { file, line: index + 1, column: 1 };
    if (line.startsWith("Status:")) {
      sawStatus = true;
      state.enabled = line.includes("active") && !line.includes("inactive");
    } else if (line.startsWith("Default:")) {
      const incoming = /(allow|deny|reject) \(incoming\)/.exec(line)?.[1];
      const outgoing = /(allow|deny|reject) \(outgoing\)/.exec(line)?.[1];
      if (incoming === "allow" || incoming === "deny" || incoming === "reject") state.incoming = incoming;
      if (outgoing === "allow" || outgoing === "deny" || outgoing === "reject") state.outgoing = outgoing;
    } else if (/^--\s+-+\s+-+/.test(line.trim())) {
      inTable = true;
      state.end = { file, line: index + 2, column: 1 };
    } else if (inTable && line.trim() !== "") {
      const rule = statusRule(line.trim(), { ...at, column: raw.length - raw.trimStart().length + 1 });
      if (rule) state.rules.push(rule);
      state.end = { file, line: index + 2, column: 1 };
    }
  });
  if (!sawStatus) throw new FirewallParseError('ufw status: no "Status:" line');
  return state;
}

function side(field: "saddr" | "daddr", text: string, version: IpVersion | null): Condition {
  const range = parseAddressRange(text);
  return {
    kind: "address",
    field,
    version,
    negated: false,
    ranges: range ? [range] : [],
    groups: range ? [] : [namedHosts(text)],
    written: [`${field === "saddr" ? "from" : "to"} ${text === "0.0.0.0/0" || text === "::/0" ? "any" : text}`],
  };
}

function ruleOf(rule: UfwRule): FirewallRule {
  const conditions: Condition[] = [];
  const remote = rule.direction === "in" ? "saddr" : "daddr";
  const local = rule.direction === "in" ? "daddr" : "saddr";
  if (rule.version !== null) conditions.push({ kind: "family", versions: [rule.version] });
  if (rule.protocol !== null && rule.protocol !== "any") conditions.push({ kind: "protocol", negated: false, protocols: [rule.protocol] });
  const remoteAddress = rule.direction === "in" ? rule.from : rule.to;
  const localAddress = rule.direction === "in" ? rule.to : rule.from;
  // ufw writes "from any" as 0.0.0.0/0 (and ::/0): the whole internet, as `ufw status` says, "Anywhere".
  const anywhere = rule.version === 6 ? "::/0" : "0.0.0.0/0";
  conditions.push(side(remote, remoteAddress ?? anywhere, null));
  if (localAddress !== null) conditions.push(side(local, localAddress, null));
  if (rule.ports === "unknown") conditions.push({ kind: "unknown", text: rule.text, about: "port" });
  else if (rule.ports !== null) conditions.push({ kind: "port", field: "dport", protocol: rule.protocol ?? "th", negated: false, ranges: rule.ports });
  if (rule.iface !== null) conditions.push({ kind: "interface", direction: rule.direction, negated: false, names: [rule.iface], written: `on ${rule.iface}` });
  // limit: ufw drops a source after 6 connections in 30 s; a cluster's few connections pass, but not surely.
  if (rule.action === "limit") conditions.push({ kind: "unknown", text: "limit", about: "other" });
  const verdict =
    rule.action === "allow" || rule.action === "limit"
      ? ({ kind: "accept" } as const)
      : rule.action === "deny"
        ? ({ kind: "drop" } as const)
        : ({ kind: "reject", text: "reject" } as const);
  return { at: rule.at, ref: rule.ref, handle: null, text: rule.text, conditions, verdict };
}

/** ufw's user chains with the defaults as policies; nothing when ufw is disabled. */
export function ufwChains(state: UfwState, at: Location): FirewallChain[] {
  if (!state.enabled) return [];
  const chain = (name: string, hook: "input" | "output", policy: UfwState["incoming"], direction: "in" | "out"): FirewallChain => ({
    source: "ufw",
    family: "inet",
    table: "ufw",
    name,
    at,
    handle: null,
    hook,
    priority: 0,
    policy: policy === "allow" ? "accept" : "drop",
    rules: state.rules.filter((rule) => rule.direction === direction).map(ruleOf),
    ...(state.end ? { end: state.end } : {}),
  });
  return [chain("ufw-user-input", "input", state.incoming, "in"), chain("ufw-user-output", "output", state.outgoing, "out")];
}

/**
 * ufw's user.rules (an iptables-restore file of ufw-user-* chains, with no INPUT chain of its own):
 * ufw enters ufw-user-input from INPUT and applies its default (deny incoming, allow outgoing) when
 * it falls through, so the user chains are read as base chains with those policies.
 */
export function hookUfwUserChains(chains: readonly FirewallChain[]): FirewallChain[] {
  if (chains.some((chain) => chain.hook !== null) || !chains.some((chain) => chain.name === "ufw-user-input")) return [...chains];
  return chains.map((chain) => {
    if (chain.name === "ufw-user-input") return { ...chain, source: "ufw", hook: "input", policy: "drop" };
    if (chain.name === "ufw-user-output") return { ...chain, source: "ufw", hook: "output", policy: "accept" };
    return { ...chain, source: "ufw" };
  });
}
