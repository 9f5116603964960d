// Fixes for host firewalls, in the file's own form: iptables-save and ufw user.rules lines, `iptables`
// commands, nft rules (ruleset text, commands, JSON objects), firewalld (zone XML, firewall-cmd), ufw
// (status tables, commands) and Ansible tasks. A dump or ruleset file gets the rule before the one that
// drops the bus, else before the client rule it copies, else at the top of the chain; a script or a
// playbook gets a command after its last one that puts the rule first (`-I`, `insert`, a priority).
import { parseAddressRange } from "../../firewall/addresses.js";
import type { LintRule, Placement, RuleSyntax, TextEdit } from "../model.js";
import { atPlacement, fixPeers, insertLines, insertText, NODES_PLACEHOLDER, type AllowFixRequest, type WrittenFix } from "./request.js";

type HostSyntax = Extract<RuleSyntax, { syntax: "iptables" | "nft" | "nft-json" | "firewalld" | "ufw" | "ansible" }>;

/** The addresses the new rule names: the model's ranges, or the nodes' network as a placeholder. */
function addresses(request: AllowFixRequest): string[] {
  const peers = fixPeers(request);
  if (peers.nodes) return [NODES_PLACEHOLDER];
  const cidrs = peers.peers.flatMap((peer) => (peer.kind === "cidr" ? [peer.cidr] : []));
  return cidrs.length > 0 ? cidrs : [NODES_PLACEHOLDER];
}

function isV6(address: string): boolean {
  return parseAddressRange(address)?.version === 6;
}

function portList(ports: readonly number[], separator: string): string {
  return ports.join(separator);
}

/** A rich rule's priority, as formatRichRule writes it (0 when not written). */
function richPriority(rule: LintRule | undefined): number {
  return Number(/priority="(-?\d+)"/.exec(rule?.text ?? "")?.[1] ?? "0");
}

/** Before the rule it must beat; two before when a drop for everyone else comes between. */
function priorityText(request: AllowFixRequest): string {
  return request.before ? ` priority="${Math.min(richPriority(request.before), 0) - (request.thenDrop ? 2 : 1)}"` : "";
}

function richRule(request: AllowFixRequest, address: string, port: number): string {
  const family = isV6(address) ? "ipv6" : "ipv4";
  const priority = priorityText(request);
  const side = request.direction === "in" ? "source" : "destination";
  return `rule family="${family}"${priority} ${side} address="${address}" port port="${port}" protocol="tcp" accept`;
}

function richRuleXml(request: AllowFixRequest, address: string, port: number): string {
  const family = isV6(address) ? "ipv6" : "ipv4";
  const priority = priorityText(request);
  const side = request.direction === "in" ? "source" : "destination";
  return `<rule family="${family}"${priority}><${side} address="${address}"/><port protocol="tcp" port="${port}"/><accept/></rule>`;
}

function iptablesLine(request: AllowFixRequest, chain: string, address: string, prefix: string): string {
  const side = request.direction === "in" ? "-s" : "-d";
  const match = request.ports.length === 1 ? `-m tcp --dport ${request.ports[0]}` : `-m multiport --dports ${portList(request.ports, ",")}`;
  return `${prefix}${chain} ${side} ${address} -p tcp ${match} -j ACCEPT`;
}

function nftRule(request: AllowFixRequest, address: string): string {
  const field = request.direction === "in" ? "saddr" : "daddr";
  const ports = request.ports.length === 1 ? String(request.ports[0]) : `{ ${portList(request.ports, ", ")} }`;
  return `${isV6(address) ? "ip6" : "ip"} ${field} ${address} tcp dport ${ports} accept`;
}

function nftJsonRule(request: AllowFixRequest, syntax: Extract<HostSyntax, { syntax: "nft-json" }>, chain: string, address: string): string {
  const field = request.direction === "in" ? "saddr" : "daddr";
  const [addr = address, length] = address.split("/");
  const right = length === undefined ? addr : { prefix: { addr, len: Number(length) } };
  const ports = request.ports.length === 1 ? request.ports[0] : { set: request.ports };
  const expr = [
    { match: { op: "==", left: { payload: { protocol: isV6(address) ? "ip6" : "ip", field } }, right } },
    { match: { op: "==", left: { payload: { protocol: "tcp", field: "dport" } }, right: ports } },
    { accept: null },
  ];
  return JSON.stringify({ rule: { family: syntax.family, table: syntax.table, chain, expr } });
}

const UFW_TO_WIDTH = 27;
const UFW_ACTION_WIDTH = 12;

/** Whether the rule a fix goes before is an IPv6 one (`ufw status` marks those "(v6)"). */
function isV6Rule(rule: LintRule | undefined): boolean {
  return rule?.conditions.some((condition) => condition.kind === "family" && condition.versions.length === 1 && condition.versions[0] === 6) ?? false;
}

function ufwStatusLine(request: AllowFixRequest, address: string, port: number, action: "ALLOW" | "DENY"): string {
  const v6 = isV6Rule(request.before) ? " (v6)" : "";
  const verb = `${action} ${request.direction === "in" ? "IN" : "OUT"}`;
  const to = request.direction === "in" ? `${port}/tcp${v6}` : `${address} ${port}/tcp${v6}`;
  const from = request.direction === "in" ? address : `Anywhere${v6}`;
  return `${to.padEnd(UFW_TO_WIDTH)}${verb.padEnd(UFW_ACTION_WIDTH)}${from}`;
}

function ufwCommand(request: AllowFixRequest, address: string, port: number, first: boolean): string {
  const insert = first ? "insert 1 " : "";
  return request.direction === "in"
    ? `ufw ${insert}allow from ${address} to any port ${port} proto tcp`
    : `ufw ${insert}allow out to ${address} port ${port} proto tcp`;
}

function ansibleTask(request: AllowFixRequest, syntax: Extract<HostSyntax, { syntax: "ansible" }>, address: string, port: number): string[] {
  const head = ["- name: Allow the Redis Cluster bus port", `  ${syntax.moduleName}:`];
  switch (syntax.module) {
    case "firewalld":
      return [
        ...head,
        `    rich_rule: '${richRule(request, address, port)}'`,
        `    zone: ${syntax.zone}`,
        "    permanent: true",
        "    immediate: true",
        "    state: enabled",
      ];
    case "ufw":
      return [
        ...head,
        "    rule: allow",
        ...(request.direction === "out" ? ["    direction: out", `    to_ip: ${address}`] : [`    from_ip: ${address}`]),
        `    to_port: "${port}"`,
        "    proto: tcp",
        ...(request.top ? ["    insert: 1"] : []),
      ];
    case "iptables":
      return [
        ...head,
        `    chain: ${syntax.chain}`,
        "    protocol: tcp",
        `    ${request.direction === "in" ? "source" : "destination"}: ${address}`,
        `    destination_port: "${port}"`,
        "    jump: ACCEPT",
        "    action: insert",
        ...(syntax.ipVersion === 6 ? ["    ip_version: ipv6"] : []),
      ];
  }
}

/** Where a rule goes in a ruleset file: before the drop it must beat, before the client rule it copies, else first in the chain. */
function anchorOf(request: AllowFixRequest, mainChain: string): LintRule | undefined {
  if (request.before) return request.before;
  const model = request.model?.rule;
  const inMain = (rule: LintRule | undefined): boolean => rule !== undefined && "chain" in rule.syntax && rule.syntax.chain === mainChain;
  if (request.model?.direction === request.direction && inMain(model)) return model;
  return request.top;
}

function chainOf(rule: LintRule | undefined, fallback: string): string {
  return rule && "chain" in rule.syntax ? rule.syntax.chain : fallback;
}

function placed(request: AllowFixRequest, anchor: LintRule | undefined, lines: string[]): TextEdit | undefined {
  if (anchor) return insertLines(anchor.at, anchor.indent ?? "", lines);
  return request.placement ? atPlacement(request.placement, lines) : undefined;
}

function withEdit(fix: string, edit: TextEdit | undefined): WrittenFix {
  return edit ? { fix, edit } : { fix };
}

export function hostFix(request: AllowFixRequest, syntax: HostSyntax): WrittenFix {
  const targets = addresses(request);
  switch (syntax.syntax) {
    case "iptables": {
      const drop = (prefix: string, chain: string): string[] =>
        request.thenDrop
          ? [
              `${prefix}${chain} -p tcp ${request.ports.length === 1 ? `-m tcp --dport ${request.ports[0]}` : `-m multiport --dports ${portList(request.ports, ",")}`} -j DROP`,
            ]
          : [];
      if (syntax.form === "command") {
        const table = syntax.table === "filter" ? "" : `-t ${syntax.table} `;
        const prefix = `${syntax.tool} ${table}-I `;
        // Each -I puts its rule first: the drop goes in before the accept that must precede it.
        const lines = [...drop(prefix, syntax.chain), ...targets.map((address) => iptablesLine(request, syntax.chain, address, prefix))];
        return withEdit(lines.join("\n"), request.placement ? atPlacement(request.placement, lines) : undefined);
      }
      const anchor = anchorOf(request, syntax.chain);
      const chain = chainOf(anchor, syntax.chain);
      const lines = [...targets.map((address) => iptablesLine(request, chain, address, "-A ")), ...drop("-A ", chain)];
      return withEdit(lines.join("\n"), placed(request, anchor, lines));
    }
    case "nft": {
      const ports = request.ports.length === 1 ? String(request.ports[0]) : `{ ${portList(request.ports, ", ")} }`;
      const drop = request.thenDrop ? [`tcp dport ${ports} drop`] : [];
      if (syntax.form === "command") {
        const insert = `nft insert rule ${syntax.family} ${syntax.table} ${syntax.chain} `;
        const lines = [...drop.map((rule) => `${insert}${rule}`), ...targets.map((address) => `${insert}${nftRule(request, address)}`)];
        return withEdit(lines.join("\n"), request.placement ? atPlacement(request.placement, lines) : undefined);
      }
      const anchor = anchorOf(request, syntax.chain);
      const lines = [...targets.map((address) => nftRule(request, address)), ...drop];
      return withEdit(lines.join("\n"), placed(request, anchor, lines));
    }
    case "nft-json": {
      const anchor = anchorOf(request, syntax.chain);
      const chain = chainOf(anchor, syntax.chain);
      const objects = targets.map((address) => nftJsonRule(request, syntax, chain, address));
      if (request.thenDrop) {
        const ports = request.ports.length === 1 ? request.ports[0] : { set: request.ports };
        objects.push(
          JSON.stringify({
            rule: {
              family: syntax.family,
              table: syntax.table,
              chain,
              expr: [{ match: { op: "==", left: { payload: { protocol: "tcp", field: "dport" } }, right: ports } }, { drop: null }],
            },
          }),
        );
      }
      const at = anchor?.at ?? request.placement?.at;
      return withEdit(objects.join("\n"), at ? insertText(at, objects.map((object) => `${object}, `).join("")) : undefined);
    }
    case "firewalld": {
      if (syntax.form === "command") {
        const lines = targets.flatMap((address) =>
          request.ports.map((port) => `firewall-cmd --permanent --zone=${syntax.zone} --add-rich-rule='${richRule(request, address, port)}'`),
        );
        if (request.thenDrop)
          for (const port of request.ports)
            lines.push(
              `firewall-cmd --permanent --zone=${syntax.zone} --add-rich-rule='rule priority="${Math.min(richPriority(request.before), 0) - 1}" port port="${port}" protocol="tcp" drop'`,
            );
        return withEdit(lines.join("\n"), request.placement ? atPlacement(request.placement, lines) : undefined);
      }
      const lines = targets.flatMap((address) => request.ports.map((port) => richRuleXml(request, address, port)));
      if (request.thenDrop)
        for (const port of request.ports)
          lines.push(`<rule priority="${Math.min(richPriority(request.before), 0) - 1}"><port protocol="tcp" port="${port}"/><drop/></rule>`);
      return withEdit(lines.join("\n"), request.placement ? atPlacement(request.placement, lines) : undefined);
    }
    case "ufw": {
      if (syntax.form === "command") {
        const drops = request.thenDrop ? request.ports.map((port) => `ufw insert 1 deny ${request.direction === "out" ? "out " : ""}${port}/tcp`) : [];
        const lines = [...drops, ...targets.flatMap((address) => request.ports.map((port) => ufwCommand(request, address, port, request.top !== undefined)))];
        return withEdit(lines.join("\n"), request.placement ? atPlacement(request.placement, lines) : undefined);
      }
      const anchor = anchorOf(request, "ufw-user-input");
      const lines = targets.flatMap((address) => request.ports.map((port) => ufwStatusLine(request, address, port, "ALLOW")));
      if (request.thenDrop)
        for (const port of request.ports) lines.push(ufwStatusLine(request, `Anywhere${isV6Rule(request.before) ? " (v6)" : ""}`, port, "DENY"));
      return withEdit(
        `# ufw status shows it once this runs:\n${targets.flatMap((address) => request.ports.map((port) => ufwCommand(request, address, port, true))).join("\n")}`,
        placed(request, anchor, lines),
      );
    }
    case "ansible": {
      const lines = targets.flatMap((address) => request.ports.flatMap((port) => ansibleTask(request, syntax, address, port)));
      return withEdit(lines.join("\n"), request.placement ? atPlacement(request.placement as Placement, lines) : undefined);
    }
  }
}
