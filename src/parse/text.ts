// Small helpers shared by the text-reply parsers (CLUSTER NODES, CLUSTER INFO, INFO).

export interface NumberedLine {
  /** 1-based, counted in the reply as received (blank lines included), so errors point at the right line. */
  number: number;
  text: string;
}

/** The reply's non-blank lines with their numbers. Tolerates `\r\n` line ends and a trailing newline. */
export function numberedLines(reply: string): NumberedLine[] {
  // A plain loop: a 1000-node cluster's views are a million lines, read on every check.
  const lines: NumberedLine[] = [];
  const raws = reply.split("\n");
  for (let index = 0; index < raws.length; index += 1) {
    const raw = raws[index] as string;
    const text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (text.trim() !== "") lines.push({ number: index + 1, text });
  }
  return lines;
}

/** A non-negative decimal integer that a JS number holds exactly, or null for anything else. */
const DIGITS = /^\d+$/;

export function parseUnsigned(token: string): number | null {
  if (!DIGITS.test(token)) return null;
  const value = Number(token);
  return Number.isSafeInteger(value) ? value : null;
}

/** How a bad token is shown in an error: quoted and escaped, so empty or odd text stays visible. */
export function quote(token: string): string {
  return JSON.stringify(token);
}
