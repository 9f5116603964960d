// naturalCompare must order every string exactly as ICU's numeric collation does (it replaces
// localeCompare(b, "en", { numeric: true }) to spare start-up ICU's tables): compared with ICU itself on
// addresses as servers announce them and on random printable text, plus the strings it hands to ICU.
import { describe, expect, it } from "vitest";
import { naturalCompare } from "../../../src/text/naturalOrder.js";

const icu = (a: string, b: string): number => Math.sign(a.localeCompare(b, "en", { numeric: true }));

/** A small deterministic generator (mulberry32), so a failure names a pair that can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PRINTABLE = Array.from({ length: 0x7f - 0x20 }, (_, index) => String.fromCharCode(0x20 + index)).join("");
/** Weighted towards what addresses are made of, so that long shared prefixes and numbers meet often. */
const ADDRESSISH = "0000111222333456789....::::[]aAbBfF-_ ";

function text(next: () => number, alphabet: string, maxLength: number): string {
  const length = Math.floor(next() * (maxLength + 1));
  return Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)] ?? "").join("");
}

describe("naturalCompare", () => {
  it("orders addresses as ICU does", () => {
    const addresses = [
      "127.0.0.10:6379",
      "127.0.0.9:6379",
      "127.0.0.1:16379",
      "127.0.0.1:6379",
      "10.0.0.1:7000",
      "[::1]:6379",
      "[fe80::1]:6379",
      "[FE80::1]:6379",
      "[2001:db8::10]:6379",
      "[2001:db8::9]:6379",
      "redis-0.redis.svc:6379",
      "redis-10.redis.svc:6379",
      "Redis-2.redis.svc:6379",
      "redis_2.redis.svc:6379",
      "localhost:6379",
      "127.0.0.01:6379",
      "",
    ];
    for (const a of addresses) for (const b of addresses) expect([a, b, naturalCompare(a, b)]).toEqual([a, b, icu(a, b)]);
  });

  it("orders random printable ASCII as ICU does", () => {
    const next = random(11);
    for (let pair = 0; pair < 10_000; pair += 1) {
      const alphabet = pair % 2 === 0 ? ADDRESSISH : PRINTABLE;
      const a = text(next, alphabet, 12);
      // Half the pairs share a prefix, where the later levels (numbers, case) decide.
      const b = pair % 4 < 2 ? a.slice(0, Math.floor(next() * a.length)) + text(next, alphabet, 6) : text(next, alphabet, 12);
      expect([a, b, naturalCompare(a, b)]).toEqual([a, b, icu(a, b)]);
    }
  });

  it("hands ICU what its table does not cover: other characters, numbers past ICU's 254 digits", () => {
    const pairs: Array<[string, string]> = [
      ["é", "f"],
      ["a\u0000b", "ab"],
      ["a\tb", "a b"],
      ["9".repeat(260), `1${"0".repeat(260)}`],
      ["Ǆ", "dz"],
    ];
    for (const [a, b] of pairs) {
      expect([a, b, naturalCompare(a, b)]).toEqual([a, b, icu(a, b)]);
      expect([b, a, naturalCompare(b, a)]).toEqual([b, a, icu(b, a)]);
    }
  });
});
