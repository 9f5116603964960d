// Text layout for the terminal: word wrapping for prose and column alignment for tables. Widths are
// measured on plain text and colour is applied after padding, so ANSI codes never skew a column.

export type Paint = (text: string) => string;

export const plain: Paint = (text) => text;

/**
 * Wraps prose on spaces so that no line passes `width` (a single word longer than the room left
 * stays whole: it is usually an address or a command that must not be split).
 */
export function wrap(text: string, width: number, indent: string, firstIndent: string = indent): string[] {
  const lines: string[] = [];
  let line = firstIndent;
  let lineHasWord = false;
  for (const word of text.split(/\s+/).filter((part) => part.length > 0)) {
    if (lineHasWord && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent;
      lineHasWord = false;
    }
    line += lineHasWord ? ` ${word}` : word;
    lineHasWord = true;
  }
  if (lineHasWord) lines.push(line);
  return lines;
}

/** A table cell: the text that sets the width, and how to colour it once padded. */
export interface Cell {
  text: string;
  paint?: Paint;
}

/** Left-aligned columns separated by `gap`; the last column is not padded (no trailing spaces). */
export function alignColumns(rows: Cell[][], indent: string, gap = "  "): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, cell.text.length);
    });
  }
  return rows.map((row) => {
    const parts = row.map((cell, index) => {
      const padded = index === row.length - 1 ? cell.text : cell.text.padEnd(widths[index] ?? 0);
      return (cell.paint ?? plain)(padded);
    });
    return indent + parts.join(gap);
  });
}
