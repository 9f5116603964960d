// Small helpers shared by the text-reply parsers (CLUSTER NODES, CLUSTER INFO, INFO).

export interface NumberedLine {
  /** 1-based, counted in the reply as received (blank lines included), so errors point at the right line. */
  number: number;
  text: string;
}

/** The reply's non-blank lines with their numbers. Tolerates `\r\n` line ends and a trailing newline. */
export function numberedLines(reply: string): NumberedLine[] {
  return reply.split("\n").flatMap((raw, index) => {
    const text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    return text.trim() === "" ? [] : [{ number: index + 1, text }];
  });
}

/** A non-negative decimal integer that a JS number holds exactly, or null for anything else. */
export function parseUnsigned(token: string): number | null {
  if (!/^\d+$/.test(token)) return null;
  const value = Number(token);
  return Number.isSafeInteger(value) ? value : null;
}

/** How a bad token is shown in an error: quoted and escaped, so empty or odd text stays visible. */
export function quote(token: string): string {
  return JSON.stringify(token);
}
