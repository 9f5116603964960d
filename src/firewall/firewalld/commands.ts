// Pure: firewalld as shell scripts and Ansible configure it: `firewall-cmd` lines and rich rules written
// as text. Samples:
//   firewall-cmd --permanent --zone=internal --add-port=16379/tcp
//   firewall-cmd --permanent --add-rich-rule='rule family="ipv4" source address="10.0.0.0/16" port port="16379" protocol="tcp" accept'
//   firewall-cmd --permanent --new-service=redis-cluster && firewall-cmd --permanent --service=redis-cluster --add-port=16379/tcp
import type { Location } from "../model.js";
import { portRange } from "../ports.js";
import { shellWords } from "../words.js";
import { formatRichRule, type FirewalldZone, type RichRule, type ServicePort } from "./zone.js";

/** `rule family="ipv4" priority="-1" source not address="10.0.0.0/8" port port="16379" protocol="tcp" drop`; null when not a rule. */
export function parseRichRuleText(text: string): RichRule | null {
  const words = shellWords(text)?.map((word) => word.text);
  if (words?.[0] !== "rule") return null;
  const rule: RichRule = { family: null, priority: 0, source: null, port: null, service: null, action: null };
  const value = (word: string | undefined, key: string): string | undefined => (word?.startsWith(`${key}=`) ? word.slice(key.length + 1) : undefined);
  for (let i = 1; i < words.length; i++) {
    const word = words[i] as string;
    const family = value(word, "family");
    const priority = value(word, "priority");
    if (family === "ipv4" || family === "ipv6") rule.family = family;
    else if (priority !== undefined) rule.priority = Number(priority) || 0;
    else if (word === "source") {
      const invert = words[i + 1] === "not";
      if (invert) i++;
      const next = words[++i];
      const address = value(next, "address");
      const ipset = value(next, "ipset");
      if (address !== undefined) rule.source = { address, invert };
      else if (ipset !== undefined) rule.source = { ipset, invert };
    } else if (word === "port") {
      for (let j = 0; j < 2; j++) {
        const next = words[i + 1];
        const port = value(next, "port");
        const protocol = value(next, "protocol");
        if (port === undefined && protocol === undefined) break;
        rule.port = { port: port ?? rule.port?.port ?? "", protocol: protocol ?? rule.port?.protocol ?? "tcp" };
        i++;
      }
    } else if (word === "service") {
      rule.service = value(words[++i], "name") ?? null;
    } else if (word === "accept" || word === "reject" || word === "drop") {
      rule.action = word;
    }
  }
  return rule;
}

/** Zones, services and the default zone as the commands of a script or playbook leave them. */
export class FirewalldState {
  readonly zones = new Map<string, FirewalldZone>();
  readonly services = new Map<string, ServicePort[]>();
  defaultZone = "public";

  zone(name: string | undefined, at: Location): FirewalldZone {
    const key = name ?? this.defaultZone;
    let zone = this.zones.get(key);
    if (!zone) {
      zone = { name: key, at, target: "default", sources: [], elements: [] };
      this.zones.set(key, zone);
    }
    return zone;
  }

  addPort(zone: FirewalldZone, spec: string, at: Location): void {
    const [port = "", protocol = "tcp"] = spec.split("/");
    zone.elements.push({ kind: "port", at, port, protocol });
  }

  removePort(zone: FirewalldZone, spec: string): void {
    const [port = "", protocol = "tcp"] = spec.split("/");
    zone.elements = zone.elements.filter((element) => !(element.kind === "port" && element.port === port && element.protocol === protocol));
  }

  addRichRule(zone: FirewalldZone, text: string, at: Location): void {
    const rule = parseRichRuleText(text);
    if (rule) zone.elements.push({ kind: "rule", at, rule, text: formatRichRule(rule) });
  }

  /** The words after `firewall-cmd`, with the position of the command. */
  command(args: readonly string[], at: Location): void {
    // A line added after this one (and before a later --reload) takes effect with the rest.
    if (!args.includes("--reload")) for (const zone of this.zones.values()) zone.end = { file: at.file, line: at.line + 1, column: 1 };
    const options = new Map<string, string[]>();
    for (const arg of args) {
      const equals = arg.indexOf("=");
      const key = equals < 0 ? arg : arg.slice(0, equals);
      const list = options.get(key) ?? [];
      list.push(equals < 0 ? "" : arg.slice(equals + 1));
      options.set(key, list);
    }
    const one = (key: string): string | undefined => options.get(key)?.[0];
    const all = (key: string): string[] => options.get(key) ?? [];
    const defaultZone = one("--set-default-zone");
    if (defaultZone) this.defaultZone = defaultZone;
    for (const name of all("--new-service")) this.services.set(name, []);
    const service = one("--service");
    if (service !== undefined) {
      const ports = this.services.get(service) ?? [];
      for (const spec of all("--add-port")) {
        const [port = "", protocol = "tcp"] = spec.split("/");
        const range = portRange(port, "-");
        if (range) ports.push({ protocol, ranges: [range] });
      }
      this.services.set(service, ports);
      return;
    }
    const touchesZone = [...options.keys()].some((key) => /^--(add|remove)-(port|service|rich-rule|source)$|^--set-target$/.test(key));
    if (!touchesZone) return;
    const zone = this.zone(one("--zone"), at);
    zone.end = { file: at.file, line: at.line + 1, column: 1 };
    for (const spec of all("--add-port")) this.addPort(zone, spec, at);
    for (const spec of all("--remove-port")) this.removePort(zone, spec);
    for (const name of all("--add-service")) zone.elements.push({ kind: "service", at, name });
    for (const name of all("--remove-service")) zone.elements = zone.elements.filter((element) => !(element.kind === "service" && element.name === name));
    for (const text of all("--add-rich-rule")) this.addRichRule(zone, text, at);
    for (const text of all("--remove-rich-rule"))
      zone.elements = zone.elements.filter(
        (element) => !(element.kind === "rule" && element.text === (parseRichRuleText(text) ? formatRichRule(parseRichRuleText(text) as RichRule) : text)),
      );
    for (const source of all("--add-source")) zone.sources.push(source);
    const target = one("--set-target");
    if (target) zone.target = target;
  }
}
