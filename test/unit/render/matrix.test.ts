import { describe, expect, it } from "vitest";
import type { LinkState } from "../../../src/model/links.js";
import { MAX_NOT_OK_LINES } from "../../../src/render/terminal/matrix.js";
import { renderTerminal } from "../../../src/render/terminal/index.js";
import { address, analysisOf, cell, links, report } from "./reports.js";

const render = (count: number, cells: ReturnType<typeof links>, width?: number): string[] =>
  renderTerminal(report({ analysis: analysisOf(count, cells) }), { color: false, width, verbose: true }).split("\n");

/** The symbols of observer n's row, in peer order. */
function gridRow(text: string[], n: number): string[] {
  const row = text.find((line) => new RegExp(`^\\s+${n} ${address(n).replace(/\./g, "\\.")}\\s{2}`).test(line));
  if (row === undefined) throw new Error(`no matrix row for ${address(n)}`);
  return row.trim().split(/\s+/).slice(2);
}

function notOkSection(text: string[]): string[] {
  const start = text.indexOf("  Not ok:");
  const end = text.findIndex((line, index) => index > start && !line.startsWith("    "));
  return text.slice(start + 1, end === -1 ? undefined : end).map((line) => line.trim().replace(/\s{2,}/g, " | "));
}

describe("link matrix: one symbol per LinkState kind", () => {
  // 1 -> 2 carries the state under test; 2 -> 3 is always fail so the grid is drawn even for "ok".
  const cases: Array<[LinkState, string, string | null]> = [
    [{ kind: "ok", pongAgeMs: 120 }, ".", null],
    [{ kind: "ping-pending", pendingMs: 4200 }, "P", "ping pending 4200 ms"],
    [{ kind: "pong-stale", pongAgeMs: 2600 }, "S", "pong stale 2600 ms"],
    [{ kind: "pfail", pendingMs: 3100, pongAgeMs: null }, "?", "fail? (pfail), ping pending 3100 ms"],
    [{ kind: "pfail", pendingMs: null, pongAgeMs: 3300 }, "?", "fail? (pfail), last pong 3300 ms ago"],
    [{ kind: "fail", pendingMs: null, pongAgeMs: null }, "F", "fail"],
    [{ kind: "missing" }, "-", "missing from the observer's CLUSTER NODES"],
    [{ kind: "unknown", reason: "timeout" }, "x", "unknown (timeout)"],
  ];
  it.each(cases)("%o is drawn as %s", (state, symbol, value) => {
    const text = render(
      3,
      links(3, (observer, peer) => {
        if (observer === 1 && peer === 2) return state;
        if (observer === 2 && peer === 3) return { kind: "fail", pendingMs: null, pongAgeMs: null };
        return undefined;
      }),
    );
    expect(gridRow(text, 1)).toEqual(["*", symbol, "."]);
    expect(gridRow(text, 2)).toEqual([".", "*", "F"]);
    const expected = ["127.0.0.2:6379 -> 127.0.0.3:6379 | fail"];
    if (value !== null) expected.unshift(`127.0.0.1:6379 -> 127.0.0.2:6379 | ${value}`);
    expect(notOkSection(text)).toEqual(expected);
  });

  it("has a legend for every symbol", () => {
    const text = render(
      3,
      links(3, (o, p) => (o === 1 && p === 2 ? { kind: "missing" } : undefined)),
    ).join("\n");
    for (const entry of [". ok", "P ping pending", "S pong stale", "? fail? (pfail)", "F fail", "- missing", "x unknown", "* self"]) {
      expect(text).toContain(entry);
    }
  });

  it("draws a pair with no cell at all as unknown", () => {
    const cells = links(3, (o, p) => (o === 1 && p === 3 ? { kind: "ping-pending", pendingMs: 900 } : undefined)).filter(
      (c) => !(c.observer === address(3) && c.peer === address(1)),
    );
    expect(gridRow(render(3, cells), 3)).toEqual(["x", ".", "*"]);
  });
});

describe("link matrix: layout", () => {
  it("numbers columns like the rows", () => {
    const text = render(
      3,
      links(3, (o, p) => (o === 3 && p === 1 ? { kind: "ping-pending", pendingMs: 900 } : undefined)),
    );
    const header = text[text.findIndex((line) => line.startsWith("BUS LINKS")) + 1];
    expect(header?.trim()).toBe("1 2 3");
    expect(text.find((line) => line.startsWith("BUS LINKS"))).toBe("BUS LINKS  observer -> peer, 5 of 6 ok; rows are observers, columns peers");
  });

  it("collapses an observer whose every cell says the same into one line", () => {
    const text = render(
      4,
      links(4, (o) => (o === 4 ? { kind: "unknown", reason: "no answer" } : undefined)),
    );
    expect(notOkSection(text)).toEqual(["127.0.0.4:6379 -> every peer (3) | unknown (no answer)"]);
  });

  it("lists each cell when an observer's cells differ", () => {
    const text = render(
      3,
      links(3, (o, p) => (o === 3 ? (p === 1 ? { kind: "ping-pending", pendingMs: 4200 } : { kind: "ping-pending", pendingMs: 4300 }) : undefined)),
    );
    expect(notOkSection(text)).toEqual(["127.0.0.3:6379 -> 127.0.0.1:6379 | ping pending 4200 ms", "127.0.0.3:6379 -> 127.0.0.2:6379 | ping pending 4300 ms"]);
  });

  it("leaves the grid out when it cannot fit the width, and draws it when it can", () => {
    const cells = links(30, (o, p) => (o === 1 && p === 2 ? { kind: "pong-stale", pongAgeMs: 2000 } : undefined));
    const narrow = render(30, cells, 100);
    expect(narrow.some((line) => /^\s+\(30 nodes: the grid would need \d+ columns/.test(line))).toBe(true);
    expect(notOkSection(narrow)).toEqual(["127.0.0.1:6379 -> 127.0.0.2:6379 | pong stale 2000 ms"]);
    const wide = render(30, cells, 200);
    expect(gridRow(wide, 1).slice(0, 3)).toEqual(["*", "S", "."]);
  });

  it("cuts a long 'not ok' list and says how much is left", () => {
    const count = MAX_NOT_OK_LINES + 5;
    const cells = [1, 2].flatMap((observer) =>
      Array.from({ length: count }, (_, index) => index + 1)
        .filter((peer) => peer !== observer)
        .map((peer) => cell(observer, peer, { kind: "ping-pending", pendingMs: 1000 + peer })),
    );
    const list = notOkSection(render(count, cells));
    expect(list).toHaveLength(MAX_NOT_OK_LINES + 1);
    expect(list.at(-1)).toBe(`... and ${2 * (count - 1) - MAX_NOT_OK_LINES} more lines (--json has every cell)`);
  });
});
