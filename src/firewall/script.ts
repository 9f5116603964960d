// Pure: a shell script that sets up a host firewall (iptables/ip6tables, nft, firewall-cmd, ufw lines),
// read as the shell would run it, simply: `\` continuations, `NAME=value` variables, `for p in ...; do
// ... done` loops over literal words, `sudo` and absolute paths. Every other command is handed back with
// its words and position, so a caller can look for redis-server or `redis-cli --cluster create` in it.
// Sample:
//   IPT=/sbin/iptables
//   $IPT -P INPUT DROP
//   for port in 6379 16379; do $IPT -A INPUT -s 10.0.0.0/16 -p tcp --dport $port -j ACCEPT; done
import { FirewalldState } from "./firewalld/commands.js";
import { IptablesState } from "./iptables/commands.js";
import type { Location, Ruleset } from "./model.js";
import { parseNftLines, type NftLine } from "./nft/text.js";
import { UfwState } from "./ufw.js";
import { shellWords, type Word } from "./words.js";

export interface ScriptCommand {
  words: string[];
  at: Location;
  text: string;
}

export interface FirewallScript {
  iptables: Ruleset | null;
  ip6tables: Ruleset | null;
  nft: Ruleset | null;
  firewalld: FirewalldState | null;
  ufw: UfwState | null;
  /** Commands that are none of the firewall tools, in order. */
  others: ScriptCommand[];
}

const SHELL_KEYWORDS = new Set(["if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}", "sudo", "command", "exec", "time", "nohup"]);
const FIREWALL_TOOLS = /^(ip6?tables(-legacy|-nft)?|nft|firewall-cmd|ufw)$/;
/** Past this many lines (loops unrolled included) the rest of a script is not read. */
const MAX_LINES = 200_000;

interface Line {
  text: string;
  at: Location;
}

/** Joins `\`-continued lines, keeping where each logical line starts. */
function logicalLines(text: string, file: string): Line[] {
  const lines: Line[] = [];
  const raw = text.split("\n");
  for (let i = 0; i < raw.length; i++) {
    const first = i;
    let line = (raw[i] as string).replace(/\r$/, "");
    while (line.endsWith("\\") && i + 1 < raw.length) line = `${line.slice(0, -1)} ${(raw[++i] as string).replace(/\r$/, "").trimStart()}`;
    lines.push({ text: line, at: { file, line: first + 1, column: 1 } });
  }
  return lines;
}

/** `$NAME`, `${NAME}`, `${NAME:-default}` replaced where known; unknown ones stay as written. */
function expand(text: string, variables: ReadonlyMap<string, string>): string {
  return text.replace(/\$\{(\w+)(?::?-([^}]*))?\}|\$(\w+)/g, (whole, braced: string | undefined, fallback: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? "";
    return variables.get(name) ?? fallback ?? whole;
  });
}

function isFirewallTool(word: string): boolean {
  return FIREWALL_TOOLS.test(word.slice(word.lastIndexOf("/") + 1));
}

/** Whether a script's head shows firewall commands (for files without a telling extension). */
export function looksLikeFirewallScript(head: string): boolean {
  return head.split("\n").some((line) => {
    const words = shellWords(line.trim());
    const first = words?.find((word) => !SHELL_KEYWORDS.has(word.text))?.text ?? "";
    return isFirewallTool(first) || /^\$\{?IP6?T/.test(first);
  });
}

class ScriptReader {
  readonly variables = new Map<string, string>();
  readonly iptables = new IptablesState("ip");
  readonly ip6tables = new IptablesState("ip6");
  readonly nftLines: NftLine[] = [];
  firewalld: FirewalldState | null = null;
  ufw: UfwState | null = null;
  readonly others: ScriptCommand[] = [];

  /** One command: its words (operators removed) and where it starts. */
  run(words: Word[], line: Line): void {
    let start = 0;
    while (start < words.length && (SHELL_KEYWORDS.has((words[start] as Word).text) || /^\w+=/.test((words[start] as Word).text))) {
      const assignment = /^(\w+)=(.*)$/.exec((words[start] as Word).text);
      if (assignment && start === words.length - 1) this.variables.set(assignment[1] as string, assignment[2] as string);
      start++;
    }
    if (start >= words.length) return;
    const first = words[start] as Word;
    const at: Location = { ...line.at, column: line.at.column + first.offset };
    const args = words.slice(start + 1).map((word) => word.text);
    const text = line.text.slice(first.offset).trim();
    const tool = first.text.slice(first.text.lastIndexOf("/") + 1);
    if ((tool === "export" || tool === "local" || tool === "readonly" || tool === "declare") && args.length > 0) {
      for (const arg of args) {
        const assignment = /^(\w+)=(.*)$/.exec(arg);
        if (assignment) this.variables.set(assignment[1] as string, assignment[2] as string);
      }
    } else if (/^ip6tables/.test(tool)) this.ip6tables.command(args, at, text);
    else if (/^iptables/.test(tool)) this.iptables.command(args, at, text);
    else if (tool === "nft") {
      // `nft -f FILE` loads a file read on its own; `nft add rule ...` is one line of nft's language.
      const rest = args.filter((arg) => arg !== "-a" && arg !== "-e");
      if (rest[0] !== "-f" && rest[0] !== "list" && rest.length > 0)
        this.nftLines.push({ text: rest.join(" "), at: { ...at, column: at.column + first.text.length + 1 } });
    } else if (tool === "firewall-cmd") {
      this.firewalld ??= new FirewalldState();
      this.firewalld.command(args, at);
    } else if (tool === "ufw") {
      this.ufw ??= new UfwState();
      this.ufw.command(args, at, text);
    } else {
      this.others.push({ words: words.slice(start).map((word) => word.text), at, text });
    }
  }

  line(line: Line): void {
    const words = shellWords(expand(line.text, this.variables));
    if (words === null) return;
    let command: Word[] = [];
    for (const word of words) {
      if (word.operator) {
        this.run(command, line);
        command = [];
      } else command.push(word);
    }
    this.run(command, line);
  }
}

/** `for VAR in a b c; do` (the body may follow on the same line), its body up to the matching `done`. */
const FOR_HEAD = /^\s*for\s+(\w+)\s+in\s+([^;]*?)\s*(?:;\s*do\b|\s*$)(.*)$/;

export function parseFirewallScript(text: string, file: string): FirewallScript {
  const reader = new ScriptReader();
  const pending: Line[] = logicalLines(text, file).reverse();
  let budget = MAX_LINES;
  while (pending.length > 0 && budget-- > 0) {
    const line = pending.pop() as Line;
    const loop = FOR_HEAD.exec(line.text);
    if (!loop) {
      const assignment = /^\s*(?:export\s+)?(\w+)=("[^"]*"|'[^']*'|\S*)\s*$/.exec(line.text);
      if (assignment) reader.variables.set(assignment[1] as string, (assignment[2] as string).replace(/^["']|["']$/g, ""));
      else reader.line(line);
      continue;
    }
    // Collect the body: the rest of this line and the lines up to the `done` that closes this loop.
    const body: Line[] = [];
    const inline = (loop[3] ?? "").replace(/^\s*do\b/, "");
    let depth = 1;
    const take = (candidate: Line): boolean => {
      const segments = candidate.text.split(/;/);
      const kept: string[] = [];
      for (const segment of segments) {
        if (/^\s*for\b/.test(segment)) depth++;
        if (/^\s*done\b/.test(segment) && --depth === 0) {
          if (kept.length > 0) body.push({ ...candidate, text: kept.join(";") });
          return true;
        }
        kept.push(segment);
      }
      if (kept.join("").trim() !== "" && !/^\s*do\s*$/.test(kept.join(";"))) body.push({ ...candidate, text: kept.join(";").replace(/^\s*do\b/, "") });
      return false;
    };
    let closed = inline.trim() !== "" && take({ ...line, text: inline });
    while (!closed && pending.length > 0) closed = take(pending.pop() as Line);
    const values = shellWords(expand(loop[2] ?? "", reader.variables))?.map((word) => word.text) ?? [];
    const name = loop[1] as string;
    // Unrolled in order: each value's copy of the body, the variable set before it.
    for (let index = values.length - 1; index >= 0; index--) {
      for (let line = body.length - 1; line >= 0; line--) pending.push(body[line] as Line);
      pending.push({ text: `${name}=${values[index] as string}`, at: line.at });
    }
  }
  return {
    iptables: reader.iptables.ruleset(),
    ip6tables: reader.ip6tables.ruleset(),
    nft: reader.nftLines.length > 0 ? parseNftLines(reader.nftLines, "commands") : null,
    firewalld: reader.firewalld,
    ufw: reader.ufw,
    others: reader.others,
  };
}
