// Pure: a command line split into words the way a POSIX shell does for the commands busdoctor reads
// (iptables, nft, firewall-cmd, ufw): blanks separate, 'single' quotes are literal, "double" quotes
// and backslashes escape, an unquoted # starts a comment, ; && || | end a command.
// Sample: iptables -A INPUT -p tcp --dport 16379 -m comment --comment "redis bus" -j ACCEPT  # peers

export interface Word {
  text: string;
  /** 0-based offset of the word's first character in the line. */
  offset: number;
  /** `;`, `&&`, `||`, `|`, `&`: the end of one command. */
  operator: boolean;
}

const OPERATOR_START = ";&|";

/** Null when a quote is not closed. */
export function shellWords(line: string): Word[] | null {
  const words: Word[] = [];
  let i = 0;
  while (i < line.length) {
    const ch = line[i] as string;
    if (ch === " " || ch === "\t" || ch === "\r") {
      i++;
      continue;
    }
    if (ch === "#") break;
    if (OPERATOR_START.includes(ch)) {
      const two = line.slice(i, i + 2);
      const text = two === "&&" || two === "||" ? two : ch;
      words.push({ text, offset: i, operator: true });
      i += text.length;
      continue;
    }
    const start = i;
    let text = "";
    while (i < line.length) {
      const c = line[i] as string;
      if (c === " " || c === "\t" || c === "\r" || OPERATOR_START.includes(c)) break;
      if (c === "'") {
        const end = line.indexOf("'", i + 1);
        if (end < 0) return null;
        text += line.slice(i + 1, end);
        i = end + 1;
      } else if (c === '"') {
        i++;
        let closed = false;
        while (i < line.length) {
          const d = line[i] as string;
          if (d === "\\" && i + 1 < line.length) {
            text += line[i + 1];
            i += 2;
          } else if (d === '"') {
            closed = true;
            i++;
            break;
          } else {
            text += d;
            i++;
          }
        }
        if (!closed) return null;
      } else if (c === "\\" && i + 1 < line.length) {
        text += line[i + 1];
        i += 2;
      } else {
        text += c;
        i++;
      }
    }
    words.push({ text, offset: start, operator: false });
  }
  return words;
}
