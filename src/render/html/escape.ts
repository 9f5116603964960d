// Text into HTML: every string that came from a server, a snapshot or the history database goes
// through `escapeHtml` before it reaches a page, in text and in (double-quoted) attributes alike.
// Control characters are shown, not passed on: an ESC from a node address reads as ␛.

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** C0 controls but tab and newline, DEL and the C1 controls: as a visible Control Picture (or U+FFFD). */
function visibleControl(char: string): string {
  const code = char.charCodeAt(0);
  if (code < 0x20) return String.fromCharCode(0x2400 + code);
  if (code === 0x7f) return "\u2421";
  return "\ufffd";
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char).replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, visibleControl);
}

/** A tagged template that escapes every interpolated value; values already made by `html` pass as they are. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Value = string | number | Html | null | undefined | readonly Value[];

function piece(value: Value): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return (value as readonly Value[]).map(piece).join("");
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let text = strings[0] ?? "";
  values.forEach((value, index) => {
    text += piece(value) + (strings[index + 1] ?? "");
  });
  return new Html(text);
}
