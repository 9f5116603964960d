// Pure: iptables as scripts and Ansible run it, one command at a time, into the firewall model.
// Samples: `iptables -P INPUT DROP`, `iptables -N REDIS`, `iptables -A INPUT -p tcp --dport 6379 -j REDIS`,
// `iptables -I INPUT 2 -s 10.0.0.0/16 -p tcp --dport 16379 -j ACCEPT`, `ip6tables -t filter -A INPUT ...`.
import type { FirewallChain, Location, Ruleset } from "../model.js";
import { BUILTIN_HOOKS, chainOf } from "./save.js";
import { parseRuleOptions } from "./rule.js";

const COMMANDS = new Set(["-A", "--append", "-I", "--insert", "-P", "--policy", "-N", "--new-chain", "-F", "--flush", "-X", "--delete-chain"]);

export class IptablesState {
  private readonly tables = new Map<string, Map<string, FirewallChain>>();

  private last: Location | undefined;

  constructor(readonly family: "ip" | "ip6") {}

  private chain(table: string, name: string, at: Location): FirewallChain {
    let chains = this.tables.get(table);
    if (!chains) {
      chains = new Map();
      this.tables.set(table, chains);
    }
    let chain = chains.get(name);
    if (!chain) {
      // Built-in chains exist from the start with the kernel's default policy, ACCEPT.
      chain = chainOf("iptables", this.family, table, name, at, BUILTIN_HOOKS[name] ? "accept" : null);
      chains.set(name, chain);
    }
    return chain;
  }

  /** The words after `iptables` / `ip6tables`; `text` is the whole command line as written. */
  command(args: readonly string[], at: Location, text: string): void {
    this.last = at;
    let table = "filter";
    const rest: string[] = [];
    let command: string | undefined;
    let chainName = "";
    let position: number | undefined;
    for (let i = 0; i < args.length; i++) {
      const word = args[i] as string;
      if ((word === "-t" || word === "--table") && i + 1 < args.length) table = args[++i] as string;
      else if (command === undefined && COMMANDS.has(word)) {
        command = word;
        const next = args[i + 1];
        if (next !== undefined && !next.startsWith("-")) {
          chainName = next;
          i++;
        }
        if ((word === "-I" || word === "--insert") && /^\d+$/.test(args[i + 1] ?? "")) position = Number(args[++i]) - 1;
        if (word === "-P" || word === "--policy") rest.push(args[++i] ?? "");
      } else if (word === "-w" || word === "--wait" || word === "-v" || word === "-n") {
        if ((word === "-w" || word === "--wait") && /^\d+$/.test(args[i + 1] ?? "")) i++;
      } else rest.push(word);
    }
    if (command === undefined) return;
    const chains = this.tables.get(table);
    if (command === "-F" || command === "--flush") {
      for (const chain of chains?.values() ?? []) if (chainName === "" || chain.name === chainName) chain.rules = [];
      return;
    }
    if (command === "-X" || command === "--delete-chain") {
      for (const name of [...(chains?.keys() ?? [])]) if ((chainName === "" && !BUILTIN_HOOKS[name]) || name === chainName) chains?.delete(name);
      return;
    }
    if (chainName === "") return;
    switch (command) {
      case "-P":
      case "--policy":
        this.chain(table, chainName, at).policy = rest[0]?.toUpperCase() === "DROP" ? "drop" : "accept";
        return;
      case "-N":
      case "--new-chain":
        this.chain(table, chainName, at);
        return;
    }
    const chain = this.chain(table, chainName, at);
    const context = {
      version: this.family === "ip6" ? 6 : 4,
      isChain: (name: string) => this.tables.get(table)?.has(name) === true,
      undeclaredTargetIsChain: true,
    } as const;
    const rule = { at, ref: `line ${at.line}`, handle: null, text, ...parseRuleOptions(rest, context) };
    if (command === "-I" || command === "--insert") chain.rules.splice(position ?? 0, 0, rule);
    else chain.rules.push(rule);
  }

  ruleset(): Ruleset | null {
    const chains: FirewallChain[] = [];
    // A command added after the script's last one of this tool comes after everything it did.
    const end = this.last === undefined ? undefined : { file: this.last.file, line: this.last.line + 1, column: 1 };
    for (const table of this.tables.values()) for (const chain of table.values()) chains.push(end === undefined ? chain : { ...chain, end });
    return chains.length === 0 ? null : { source: "iptables", chains };
  }
}
