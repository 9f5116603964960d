// The one escaping function for text busdoctor did not write itself: anything a server replied, a file
// held or a snapshot recorded. Terminal escape sequences (`ESC ] 0 ; PWNED BEL`, `ESC [ 2 J`), newlines
// that would forge report lines or break a markdown table row, bidi overrides and zero-width characters
// become visible escapes (`\x1b`, `\n`, `\u{202e}`), so the text reads as what it is and never acts on
// the terminal or the page. Markdown and HTML syntax characters are the renderers' business
// (src/render/markdown/syntax.ts); this makes sure they only ever meet one printable line.

/** Controls (C0, DEL, C1), format characters (bidi, zero-width), line and paragraph separators, lone surrogates. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escapeChar(char: string): string {
  const named = NAMED[char];
  if (named !== undefined) return named;
  const code = char.codePointAt(0) ?? 0;
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u{${code.toString(16)}}`;
}

/**
 * `text` as one printable line. With `maxChars`, a longer text is cut there and says how much was left
 * out: a hostile reply's error line can be 64 KB, a hostile snapshot's address megabytes.
 */
export function printable(text: string, maxChars = Number.POSITIVE_INFINITY): string {
  const cut = text.length > maxChars ? `${text.slice(0, maxChars)}... (${text.length - maxChars} more characters)` : text;
  UNPRINTABLE.lastIndex = 0;
  return UNPRINTABLE.test(cut) ? cut.replace(UNPRINTABLE, escapeChar) : cut;
}
