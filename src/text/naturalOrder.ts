// The order of `a.localeCompare(b, "en", { numeric: true })` ("127.0.0.9:6379" before "127.0.0.10:6379"),
// without ICU for the strings busdoctor sorts most: addresses and names in printable ASCII. The first
// collation in a process makes ICU load its tables, 15 to 40 ms on a busy machine: a third of what
// `busdoctor check` may spend beyond starting Node.js. Any other string is compared by ICU itself.

/**
 * Printable ASCII other than digits and letters, in the root collation's order (Intl.Collator sorts them so):
 * each one its own primary weight, all before numbers, numbers before letters.
 */
const SYMBOLS = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$";
/** ICU compares at most 254 digits as one number; longer runs (never an address) go to ICU. */
const MAX_DIGITS = 200;

/** One collation element: a symbol or letter (its primary weight, upper case apart), or a whole number. */
interface Element {
  primary: number;
  /** A number's digits without leading zeros: "0010" and "10" collate equal. */
  digits: string;
  upper: boolean;
}

const NUMBER = SYMBOLS.length;
const FIRST_LETTER = NUMBER + 1;

/** The elements of `text`, or null when it holds something this table does not cover. */
function elements(text: string): Element[] | null {
  const result: Element[] = [];
  let index = 0;
  while (index < text.length) {
    const code = text.charCodeAt(index);
    if (code >= 0x30 && code <= 0x39) {
      let end = index;
      while (end < text.length && text.charCodeAt(end) >= 0x30 && text.charCodeAt(end) <= 0x39) end += 1;
      if (end - index > MAX_DIGITS) return null;
      result.push({ primary: NUMBER, digits: text.slice(index, end).replace(/^0+/, ""), upper: false });
      index = end;
      continue;
    }
    if (code >= 0x61 && code <= 0x7a) result.push({ primary: FIRST_LETTER + code - 0x61, digits: "", upper: false });
    else if (code >= 0x41 && code <= 0x5a) result.push({ primary: FIRST_LETTER + code - 0x41, digits: "", upper: true });
    else {
      const symbol = SYMBOLS.indexOf(text.charAt(index));
      if (symbol < 0) return null;
      result.push({ primary: symbol, digits: "", upper: false });
    }
    index += 1;
  }
  return result;
}

function comparePrimary(a: Element, b: Element): number {
  if (a.primary !== b.primary) return a.primary - b.primary;
  if (a.digits.length !== b.digits.length) return a.digits.length - b.digits.length;
  return a.digits < b.digits ? -1 : a.digits > b.digits ? 1 : 0;
}

let collator: Intl.Collator | undefined;

/** Negative, zero or positive as `a.localeCompare(b, "en", { numeric: true })` (the same sign, not the same number). */
export function naturalCompare(a: string, b: string): number {
  const left = elements(a);
  const right = elements(b);
  if (left === null || right === null) {
    collator ??= new Intl.Collator("en", { numeric: true });
    return collator.compare(a, b);
  }
  // Levels as in ICU: primary weights over the whole string first (a prefix sorts first), then case,
  // lower case first, at the first element that differs in it.
  for (let index = 0; index < Math.min(left.length, right.length); index += 1) {
    const order = comparePrimary(left[index] as Element, right[index] as Element);
    if (order !== 0) return Math.sign(order);
  }
  if (left.length !== right.length) return left.length < right.length ? -1 : 1;
  const differs = left.findIndex((element, index) => element.upper !== right[index]?.upper);
  return differs < 0 ? 0 : left[differs]?.upper === true ? 1 : -1;
}
