// Pure: the options of one iptables rule (after `-A CHAIN`) as conditions and a verdict. Shared by
// iptables-save dumps, `iptables ...` command lines in scripts and Ansible's iptables module.
// Sample: -s 10.0.0.0/24 -p tcp -m tcp --dport 16379 -m comment --comment "redis bus" -j ACCEPT
import { namedHosts, parseAddressRange } from "../addresses.js";
import type { AddressRange, Condition, HostGroup, IpVersion, Verdict } from "../model.js";
import { portList } from "../ports.js";

/** Targets that are extensions, not chains: they log or mark and the packet goes on. */
const PASSING_TARGETS = new Set([
  "LOG",
  "NFLOG",
  "ULOG",
  "MARK",
  "CONNMARK",
  "CT",
  "NOTRACK",
  "TRACE",
  "TCPMSS",
  "CLASSIFY",
  "DSCP",
  "TOS",
  "TTL",
  "HL",
  "SET",
  "AUDIT",
  "CHECKSUM",
  "SNAT",
  "DNAT",
  "MASQUERADE",
  "REDIRECT",
  "NETMAP",
  "TPROXY",
  "SECMARK",
  "CONNSECMARK",
]);

export interface RuleContext {
  version: IpVersion;
  /** Whether a target names a chain (declared with `:NAME` or `-N NAME`). */
  isChain(name: string): boolean;
  /** Scripts may jump to chains made elsewhere; a dump declares every chain it has. */
  undeclaredTargetIsChain: boolean;
}

export interface ParsedRule {
  conditions: Condition[];
  verdict: Verdict;
}

function targetVerdict(target: string, options: readonly string[], context: RuleContext, goto: boolean): Verdict {
  if (goto) return { kind: "goto", target };
  switch (target) {
    case "ACCEPT":
      return { kind: "accept" };
    case "DROP":
      return { kind: "drop" };
    case "RETURN":
      return { kind: "return" };
    case "REJECT":
      return { kind: "reject", text: ["REJECT", ...options].join(" ") };
    case "QUEUE":
    case "NFQUEUE":
      return { kind: "unknown", text: target };
  }
  if (context.isChain(target)) return { kind: "jump", target };
  if (PASSING_TARGETS.has(target) || !context.undeclaredTargetIsChain) return { kind: "none" };
  return { kind: "jump", target };
}

function addressCondition(field: "saddr" | "daddr", value: string, negated: boolean, written: string, version: IpVersion): Condition {
  const ranges: AddressRange[] = [];
  const groups: HostGroup[] = [];
  for (const part of value.split(",")) {
    const range = parseAddressRange(part);
    // A host name (iptables resolves it when the rule is added) or a variable: members unknown.
    if (range === null) groups.push(namedHosts(part));
    else ranges.push(range);
  }
  return { kind: "address", field, version, negated, ranges, groups, written: [written] };
}

const SOURCE_PORT_OPTIONS = new Set(["--sport", "--source-port", "--sports", "--source-ports"]);

/** Options whose module only annotates: they never decide whether the bus gets through. */
const IGNORED_OPTIONS = new Set(["--comment", "--log-prefix", "--log-level", "--icmp-type", "--icmpv6-type", "-m", "--match", "--syn"]);

/**
 * Each option takes the words up to the next option; `-j` also takes the target's options after it.
 * A `!` before an option (or, in the old syntax, before its value) negates it.
 */
export function parseRuleOptions(args: readonly string[], context: RuleContext): ParsedRule {
  const conditions: Condition[] = [];
  let verdict: Verdict = { kind: "none" };
  let protocol = "tcp";
  let negated = false;
  let limited = false;
  for (let index = 0; index < args.length; index++) {
    const option = args[index] ?? "";
    if (option === "!") {
      negated = true;
      continue;
    }
    const values: string[] = [];
    while (index + 1 < args.length && !/^-/.test(args[index + 1] ?? "")) {
      // `-m tcp ! --dport 6379`: a "!" after a value negates the next option; `-s ! 10.0.0.0/8` (old syntax) this one.
      if (args[index + 1] === "!" && values.length > 0) break;
      const next = args[++index] ?? "";
      if (next === "!") negated = true;
      else values.push(next);
    }
    const value = values[0] ?? "";
    const written = [negated ? "!" : "", option, ...values].filter(Boolean).join(" ");
    const unknown: Condition = { kind: "unknown", text: written, about: "other" };
    switch (option) {
      case "-s":
      case "--source":
      case "-d":
      case "--destination": {
        const field = option === "-s" || option === "--source" ? "saddr" : "daddr";
        conditions.push(addressCondition(field, value, negated, written, context.version));
        break;
      }
      case "--src-range":
      case "--dst-range": {
        const range = parseAddressRange(value);
        const field = option === "--src-range" ? "saddr" : "daddr";
        conditions.push(
          range === null ? unknown : { kind: "address", field, version: context.version, negated, ranges: [range], groups: [], written: [written] },
        );
        break;
      }
      case "--match-set": {
        // ipset members live outside the ruleset: the set is known by name only.
        const field = (values[1] ?? "src").startsWith("dst") ? "daddr" : "saddr";
        conditions.push({
          kind: "address",
          field,
          version: context.version,
          negated,
          ranges: [],
          groups: [{ name: `ipset ${value}`, self: false, internet: false }],
          written: [written],
        });
        break;
      }
      case "-p":
      case "--protocol":
        protocol = value.toLowerCase();
        if (protocol !== "all" && protocol !== "0") conditions.push({ kind: "protocol", negated, protocols: [protocol] });
        break;
      case "-i":
      case "--in-interface":
      case "-o":
      case "--out-interface": {
        const direction = option === "-i" || option === "--in-interface" ? "in" : "out";
        conditions.push({ kind: "interface", direction, negated, names: [value], written });
        break;
      }
      case "--dport":
      case "--destination-port":
      case "--dports":
      case "--destination-ports":
      case "--sport":
      case "--source-port":
      case "--sports":
      case "--source-ports": {
        const ranges = portList(value, ":");
        const field = SOURCE_PORT_OPTIONS.has(option) ? "sport" : "dport";
        conditions.push(ranges === undefined ? { ...unknown, about: "port" } : { kind: "port", field, protocol, negated, ranges });
        break;
      }
      case "--ctstate":
      case "--state":
        conditions.push({ kind: "ctstate", negated, states: value.toLowerCase().split(",") });
        break;
      case "--limit":
      case "--limit-burst":
        // A rate limit: the same rule may or may not match a given connection.
        if (!limited) conditions.push({ kind: "unknown", text: written, about: "other" });
        limited = true;
        break;
      case "-j":
      case "--jump":
      case "-g":
      case "--goto":
        // Target options (--reject-with tcp-reset) follow the target to the end of the line.
        verdict = targetVerdict(value, [...values.slice(1), ...args.slice(index + 1)], context, option === "-g" || option === "--goto");
        index = args.length;
        break;
      default:
        if (option === "--syn" && negated) conditions.push({ kind: "ctstate", negated: true, states: ["new"] });
        else if (!IGNORED_OPTIONS.has(option)) conditions.push(unknown);
    }
    negated = false;
  }
  return { conditions, verdict };
}
