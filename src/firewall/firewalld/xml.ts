// Pure: firewalld's XML files: zones (/etc/firewalld/zones/*.xml) and services (services/*.xml).
// Sample zone:
//   <zone target="DROP">
//     <service name="redis"/>
//     <port protocol="tcp" port="16379"/>
//     <rule family="ipv4"><source address="10.0.0.0/16"/><port protocol="tcp" port="16379"/><accept/></rule>
//   </zone>
// Sample service: <service><short>redis-cluster</short><port protocol="tcp" port="16379"/></service>
import { SaxesParser } from "saxes";
import { FirewallParseError, type Location } from "../model.js";
import { formatRichRule, type FirewalldZone, type RichRule, type ServicePort, type ZoneElement } from "./zone.js";
import { portRange } from "../ports.js";

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  at: Location;
  /** Where its closing tag starts (`</zone>`), or where it ends when self-closing. */
  closeAt: Location;
  children: XmlElement[];
}

/** The root element's name (`zone`, `service`), after the XML declaration and comments; undefined when not XML. */
export function xmlRootName(head: string): string | undefined {
  let rest = head.trimStart();
  for (;;) {
    if (rest.startsWith("<?")) rest = rest.slice(rest.indexOf("?>") + 2).trimStart();
    else if (rest.startsWith("<!--")) rest = rest.slice(rest.indexOf("-->") + 3).trimStart();
    else break;
  }
  return /^<([A-Za-z][\w-]*)/.exec(rest)?.[1];
}

/** Positions are those of each `<`. Built with an explicit stack: nesting costs no recursion. */
export function readXml(text: string, file: string): XmlElement {
  const parser = new SaxesParser({ position: true });
  const origin: Location = { file, line: 1, column: 1 };
  const root: XmlElement = { name: "", attributes: {}, at: origin, closeAt: origin, children: [] };
  const stack: XmlElement[] = [root];
  let start: Location = root.at;
  let failure: FirewallParseError | undefined;
  parser.on("error", (error) => {
    failure ??= new FirewallParseError(`XML: ${error.message.replace(/^\d+:\d+: /, "")}`, { line: parser.line, column: parser.column });
  });
  parser.on("opentagstart", (tag) => {
    start = { file, line: parser.line, column: parser.column - tag.name.length - 1 };
  });
  parser.on("opentag", (tag) => {
    const attributes: Record<string, string> = {};
    for (const [key, value] of Object.entries(tag.attributes)) attributes[key] = typeof value === "string" ? value : value.value;
    const element: XmlElement = { name: tag.name, attributes, at: start, closeAt: start, children: [] };
    stack[stack.length - 1]?.children.push(element);
    stack.push(element);
  });
  parser.on("closetag", (tag) => {
    const element = stack.pop();
    if (element)
      element.closeAt = tag.isSelfClosing
        ? { file, line: parser.line, column: parser.column + 1 }
        : { file, line: parser.line, column: parser.column - tag.name.length - 2 };
  });
  parser.write(text).close();
  if (failure) throw failure;
  return root;
}

function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((candidate) => candidate.name === name);
}

/** `<rule family="ipv4" priority="-1"><source address="10.0.0.0/16"/><port protocol="tcp" port="16379"/><accept/></rule>` */
function richRule(element: XmlElement): RichRule {
  const source = child(element, "source");
  const port = child(element, "port");
  const family = element.attributes["family"];
  const invert = source?.attributes["invert"]?.toLowerCase() === "true";
  const action = (["accept", "reject", "drop"] as const).find((name) => child(element, name)) ?? null;
  return {
    family: family === "ipv4" || family === "ipv6" ? family : null,
    priority: Number(element.attributes["priority"] ?? "0") || 0,
    source: source?.attributes["address"]
      ? { address: source.attributes["address"], invert }
      : source?.attributes["ipset"]
        ? { ipset: source.attributes["ipset"], invert }
        : null,
    port: port ? { port: port.attributes["port"] ?? "", protocol: port.attributes["protocol"] ?? "tcp" } : null,
    service: child(element, "service")?.attributes["name"] ?? null,
    action,
  };
}

export function parseZoneXml(text: string, file: string, name: string): FirewalldZone {
  const zone = readXml(text, file).children.find((element) => element.name === "zone");
  if (!zone) throw new FirewallParseError("no <zone> element");
  const elements: ZoneElement[] = [];
  const sources: string[] = [];
  for (const element of zone.children) {
    if (element.name === "rule") {
      const rule = richRule(element);
      elements.push({ kind: "rule", at: element.at, rule, text: formatRichRule(rule) });
    } else if (element.name === "port") {
      elements.push({ kind: "port", at: element.at, port: element.attributes["port"] ?? "", protocol: element.attributes["protocol"] ?? "tcp" });
    } else if (element.name === "service" && element.attributes["name"]) {
      elements.push({ kind: "service", at: element.at, name: element.attributes["name"] });
    } else if (element.name === "source" && element.attributes["address"] && element.attributes["invert"]?.toLowerCase() !== "true") {
      sources.push(element.attributes["address"]);
    }
  }
  return { name, at: zone.at, target: zone.attributes["target"] ?? "default", sources, elements, end: { ...zone.closeAt, column: 1 } };
}

/** A service definition: its ports. */
export function parseServiceXml(text: string, file: string): ServicePort[] {
  const service = readXml(text, file).children.find((element) => element.name === "service");
  if (!service) throw new FirewallParseError("no <service> element");
  const ports: ServicePort[] = [];
  for (const element of service.children) {
    if (element.name !== "port") continue;
    const range = portRange(element.attributes["port"] ?? "", "-");
    if (range) ports.push({ protocol: (element.attributes["protocol"] ?? "tcp").toLowerCase(), ranges: [range] });
  }
  return ports;
}
