// Markdown building blocks that stay correct whatever the text holds: raw CLUSTER NODES lines,
// hostnames and commands may contain backticks, pipes or asterisks.

/** Inline code that survives backticks inside: the fence is longer than any run it contains. */
export function codeSpan(text: string): string {
  const fence = "`".repeat(longestRun(text, "`") + 1);
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A fenced block whose fence no line can close early. */
export function codeBlock(lines: string[]): string[] {
  const fence = "`".repeat(Math.max(3, ...lines.map((line) => longestRun(line, "`") + 1)));
  return [fence, ...lines, fence];
}

/**
 * Prose with the characters that would start emphasis, code, links, HTML or a table cell escaped.
 * An underscore inside a word (cluster_state) never starts emphasis in GFM, so it is left readable.
 */
export function escapeText(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").replace(/[\\`*[\]<|]|(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, (char) => `\\${char}`);
}

/**
 * Inline code inside a table cell: GFM ends a cell at any `|`, even inside a code span, unless it is
 * escaped; the table parser removes the backslash again, so the code reads exactly as given.
 */
export function cellCode(text: string): string {
  return codeSpan(text).replace(/\|/g, "\\|");
}

/** A GitHub-flavoured table; cells come from escapeText or cellCode, so pipes are already escaped. */
export function table(header: string[], rows: string[][]): string[] {
  const line = (cells: string[]): string => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)];
}

function longestRun(text: string, char: string): number {
  let longest = 0;
  let current = 0;
  for (const c of text) {
    current = c === char ? current + 1 : 0;
    longest = Math.max(longest, current);
  }
  return longest;
}
