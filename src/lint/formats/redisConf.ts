// redis.conf and redis-server command lines: the directives that decide the client and bus ports.
import { LintInputError } from "../errors.js";
import type { Location, RedisNodeFacts, Sourced } from "../model.js";
import { toPort } from "../ports.js";

export interface ConfigDirective {
  /** Lower-cased, as Redis compares them. */
  name: string;
  args: string[];
  at: Location;
}

/** A word of a command line or config line, with where it starts. */
export interface Word {
  text: string;
  at: Location;
}

/**
 * Splits one line the way Redis' sdssplitargs does: blanks separate, "double" quotes take \-escapes,
 * 'single' quotes are literal. Returns undefined on unbalanced quotes.
 * Sample: `cluster-announce-hostname "redis-0.redis-headless"`
 */
export function splitConfigLine(line: string): { text: string; offset: number }[] | undefined {
  const words: { text: string; offset: number }[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && (line[i] === " " || line[i] === "\t")) i++;
    if (i >= line.length) break;
    const start = i;
    let text = "";
    const quote = line[i] === '"' || line[i] === "'" ? line[i] : undefined;
    if (quote) {
      i++;
      let closed = false;
      while (i < line.length) {
        const ch = line[i] as string;
        if (quote === '"' && ch === "\\" && i + 1 < line.length) {
          text += line[i + 1];
          i += 2;
          continue;
        }
        if (ch === quote) {
          closed = true;
          i++;
          break;
        }
        text += ch;
        i++;
      }
      if (!closed) return undefined;
    } else {
      while (i < line.length && line[i] !== " " && line[i] !== "\t") text += line[i++];
    }
    words.push({ text, offset: start });
  }
  return words;
}

/** Template control lines: `{% if cluster %}`, `{{- if .Values.x }}`, `%{ if enabled }`, `<% if @x %>`, and their ends. */
const TEMPLATE_OPEN = /^\s*(\{%-?\s*(if|for)\b|\{\{-?\s*(if|range|with)\b|%\{\s*(if|for)\b|<%-?\s*(if|unless)\b|<%.*\bdo\b)/;
const TEMPLATE_CLOSE = /^\s*(\{%-?\s*end(if|for)\b|\{\{-?\s*end\b|%\{\s*end(if|for)\b|<%-?\s*end\b)/;
const TEMPLATE_LINE = /^\s*(\{%|\{\{-?\s*(else|define|template|include|\/\*)|\{#|%\{|<%)/;

/**
 * Reads redis.conf text (or a template of one: `redis.conf.j2`, a Terraform `templatefile`). `locate`
 * maps a 0-based line index and 0-based column of the text to a file position (identity for a file,
 * shifted for a conf embedded in a ConfigMap). Directives inside template conditionals, and values
 * holding placeholders, are unknown: they are left out rather than guessed.
 * Sample lines: `port 7000`, `cluster-enabled yes`, `cluster-announce-bus-port 17000`, `# comment`.
 */
export function parseRedisConfText(
  text: string,
  file: string,
  locate: (lineIndex: number, column: number) => Location = (lineIndex, column) => ({
    file,
    line: lineIndex + 1,
    column: column + 1,
  }),
): ConfigDirective[] {
  const directives: ConfigDirective[] = [];
  let conditional = 0;
  let lineIndex = 0;
  let start = 0;
  while (start <= text.length) {
    const newline = text.indexOf("\n", start);
    const line = text.slice(start, newline < 0 ? text.length : newline).replace(/\r$/, "");
    const index = lineIndex++;
    start = newline < 0 ? text.length + 1 : newline + 1;
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    if (TEMPLATE_OPEN.test(line)) conditional++;
    else if (TEMPLATE_CLOSE.test(line)) conditional = Math.max(0, conditional - 1);
    if (TEMPLATE_LINE.test(line) || conditional > 0) continue;
    const words = splitConfigLine(line);
    const first = words?.[0];
    if (!words || !first) throw new LintInputError(file, "unbalanced quotes in redis configuration line", locate(index, 0));
    if (words.some((word) => isPlaceholder(word.text))) continue;
    directives.push({
      name: first.text.toLowerCase(),
      args: words.slice(1).map((word) => word.text),
      at: locate(index, first.offset),
    });
  }
  return directives;
}

/** A template placeholder or a shell/compose variable: a value only known later. */
export function isPlaceholder(value: string): boolean {
  return /\{\{|\{%|\$\{|\$\(|<%|`|^\$\w/.test(value);
}

/**
 * Turns redis-server arguments into directives, as Redis does: `--name value...` pairs; a leading
 * path is the config file. Sample: `redis-server /conf/redis.conf --port 7000 --cluster-enabled yes`.
 */
export function directivesFromArgs(words: Word[]): ConfigDirective[] {
  const directives: ConfigDirective[] = [];
  let current: ConfigDirective | undefined;
  for (const word of words) {
    if (word.text.startsWith("--") && word.text.length > 2) {
      current = { name: word.text.slice(2).toLowerCase(), args: [], at: word.at };
      directives.push(current);
    } else if (current) {
      current.args.push(word.text);
    }
  }
  return directives;
}

function sourcedPort(directive: ConfigDirective): Sourced<number> | undefined {
  const port = toPort(directive.args[0]);
  return port === undefined ? undefined : { value: port, at: directive.at };
}

function isYes(value: string | undefined): boolean {
  return value?.toLowerCase() === "yes";
}

/** The port-related facts of a list of directives; later directives win, as in Redis. */
export function factsFromDirectives(directives: ConfigDirective[], origin: string, at: Location): RedisNodeFacts {
  const facts: RedisNodeFacts = { origin, at };
  for (const directive of directives) {
    const value = directive.args[0];
    // `--port ${REDIS_PORT}`, `--cluster-announce-ip $(hostname -i)`: known only at run time, except
    // the host's address Kubernetes passes (`$(status.hostIP)`), which is known to be the host's.
    if (value !== undefined && isPlaceholder(value) && value !== "$(status.hostIP)") continue;
    switch (directive.name) {
      case "port":
        facts.port = sourcedPort(directive);
        break;
      case "tls-port":
        facts.tlsPort = sourcedPort(directive);
        break;
      case "tls-cluster":
        facts.tlsCluster = isYes(value);
        break;
      case "cluster-port":
        facts.clusterPort = sourcedPort(directive);
        break;
      case "cluster-enabled":
        facts.clusterEnabled = { value: isYes(value), at: directive.at };
        break;
      case "cluster-announce-ip":
      case "cluster-announce-hostname":
        if (value) facts.announceIp = { value, at: directive.at };
        break;
      case "cluster-announce-port":
        facts.announcePort = sourcedPort(directive);
        break;
      case "cluster-announce-bus-port":
        facts.announceBusPort = sourcedPort(directive);
        break;
      case "sentinel":
        facts.sentinel = { value: true, at: directive.at };
        break;
    }
  }
  return facts;
}

/** Facts of `over` replace those of `base` (command-line flags over the config file). */
export function mergeFacts(base: RedisNodeFacts, over: RedisNodeFacts): RedisNodeFacts {
  const merged: RedisNodeFacts = { ...base, origin: over.origin, at: over.at };
  for (const key of Object.keys(over) as (keyof RedisNodeFacts)[]) {
    if (key === "origin" || key === "at") continue;
    if (over[key] !== undefined) Object.assign(merged, { [key]: over[key] });
  }
  return merged;
}
