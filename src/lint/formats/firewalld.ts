// firewalld zone files (/etc/firewalld/zones/*.xml): inbound only, ports, services and rich rules.
import { SaxesParser } from "saxes";
import { LintInputError } from "../errors.js";
import type { FilterRule, Location, Peer, Policy, PortMatch, RuleSyntax } from "../model.js";
import { parsePortRange } from "../ports.js";

/** Whether text is a firewalld zone (`<zone` is the root element, after the XML declaration and comments). */
export function isFirewalldZone(head: string): boolean {
  let rest = head.trimStart();
  for (;;) {
    if (rest.startsWith("<?")) rest = rest.slice(rest.indexOf("?>") + 2).trimStart();
    else if (rest.startsWith("<!--")) rest = rest.slice(rest.indexOf("-->") + 3).trimStart();
    else return rest.startsWith("<zone");
  }
}

/** The firewalld services that matter here, as firewalld ships them (services/redis.xml...). */
const SERVICE_PORTS: Record<string, number> = { redis: 6379, "redis-sentinel": 26379 };

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  at: Location;
  children: XmlElement[];
}

/** Sample: `<port protocol="tcp" port="16379"/>`; positions are those of each `<`. */
function readXml(text: string, file: string): XmlElement {
  const parser = new SaxesParser({ position: true });
  const root: XmlElement = { name: "", attributes: {}, at: { file, line: 1, column: 1 }, children: [] };
  const stack: XmlElement[] = [root];
  let start: Location = root.at;
  let failure: LintInputError | undefined;
  parser.on("error", (error) => {
    failure ??= new LintInputError(file, `XML: ${error.message.replace(/^\d+:\d+: /, "")}`, { line: parser.line, column: parser.column });
  });
  parser.on("opentagstart", (tag) => {
    start = { file, line: parser.line, column: parser.column - tag.name.length - 1 };
  });
  parser.on("opentag", (tag) => {
    const attributes: Record<string, string> = {};
    for (const [key, value] of Object.entries(tag.attributes)) attributes[key] = typeof value === "string" ? value : value.value;
    const element: XmlElement = { name: tag.name, attributes, at: start, children: [] };
    stack[stack.length - 1]?.children.push(element);
    stack.push(element);
  });
  parser.on("closetag", () => {
    stack.pop();
  });
  parser.write(text).close();
  if (failure) throw failure;
  return root;
}

function portMatchOf(element: XmlElement): PortMatch | undefined {
  const range = parsePortRange(element.attributes["port"] ?? "", "-");
  return range ? { kind: "ranges", ranges: [range] } : undefined;
}

function peersFrom(sources: XmlElement[]): { peers: Peer[]; source: string[] } {
  const addresses = sources.filter((source) => source.attributes["address"] && source.attributes["invert"]?.toLowerCase() !== "true");
  if (addresses.length === 0) return { peers: [{ kind: "any" }], source: [] };
  return {
    peers: addresses.map((source) => ({ kind: "cidr", cidr: source.attributes["address"] as string })),
    source: addresses.map((source) => `<source address="${source.attributes["address"]}"/>`),
  };
}

/** `<rule family="ipv4"><source address="10.0.0.0/16"/><port protocol="tcp" port="16379"/><accept/></rule>` */
function richRule(rule: XmlElement, syntax: RuleSyntax): FilterRule | undefined {
  const child = (name: string): XmlElement | undefined => rule.children.find((element) => element.name === name);
  const action = ["accept", "reject", "drop"].find((name) => child(name));
  if (!action) return undefined;
  const port = child("port");
  const service = child("service")?.attributes["name"];
  let ports: PortMatch = { kind: "any" };
  if (port) ports = portMatchOf(port) ?? { kind: "unresolved", names: [port.attributes["port"] ?? ""] };
  else if (service) {
    const known = SERVICE_PORTS[service];
    ports = known ? { kind: "ranges", ranges: [{ from: known, to: known }] } : { kind: "unresolved", names: [service] };
  }
  const source = child("source");
  const inverted = source?.attributes["invert"]?.toLowerCase() === "true";
  const { peers, source: peerSource } = peersFrom(source && !inverted ? [source] : []);
  return {
    at: rule.at,
    verdict: action === "accept" ? "allow" : "deny",
    protocol: (port?.attributes["protocol"] ?? "tcp") === "udp" ? "udp" : "tcp",
    ports,
    // An inverted source ("everyone but X") cannot be a plain set of peers.
    peers: inverted ? [{ kind: "ref", ref: `not ${source?.attributes["address"]}` }] : peers,
    peerSource,
    syntax,
  };
}

/**
 * Sample zone:
 * ```
 * <zone target="DROP">
 *   <service name="redis"/>
 *   <port protocol="tcp" port="16379"/>
 *   <rule family="ipv4"><source address="10.0.0.0/16"/><port protocol="tcp" port="16379"/><accept/></rule>
 * </zone>
 * ```
 */
export function parseFirewalldZone(text: string, file: string, zoneName: string): Policy[] {
  const zone = readXml(text, file).children.find((element) => element.name === "zone");
  if (!zone) throw new LintInputError(file, "no <zone> element");
  const syntax: RuleSyntax = { syntax: "firewalld", zone: zoneName };
  const { peers, source } = peersFrom(zone.children.filter((element) => element.name === "source"));
  const early: FilterRule[] = [];
  const denies: FilterRule[] = [];
  const allows: FilterRule[] = [];
  const late: FilterRule[] = [];
  for (const element of zone.children) {
    if (element.name === "rule") {
      const rule = richRule(element, syntax);
      if (!rule) continue;
      const priority = Number(element.attributes["priority"] ?? "0");
      // firewalld runs rich rules by priority; at priority 0, deny rules before allow rules, both before ports.
      if (priority < 0) early.push(rule);
      else if (priority > 0) late.push(rule);
      else (rule.verdict === "deny" ? denies : allows).push(rule);
    } else if (element.name === "port" || element.name === "service") {
      const service = element.name === "service" ? SERVICE_PORTS[element.attributes["name"] ?? ""] : undefined;
      const ports = element.name === "port" ? portMatchOf(element) : service ? { kind: "ranges" as const, ranges: [{ from: service, to: service }] } : undefined;
      if (!ports) continue;
      allows.push({
        at: element.at,
        verdict: "allow",
        protocol: (element.attributes["protocol"] ?? "tcp") === "udp" ? "udp" : "tcp",
        ports,
        peers,
        peerSource: source,
        syntax,
      });
    }
  }
  const target = (zone.attributes["target"] ?? "default").toUpperCase();
  return [
    {
      name: `firewalld zone ${zoneName}`,
      at: zone.at,
      in: {
        ordered: true,
        fallback: target === "ACCEPT" ? "allow" : "deny",
        rules: [...early, ...denies, ...allows, ...late],
        syntax,
        incomplete: false,
      },
    },
  ];
}
