import { describe, expect, it } from "vitest";
import type { Finding } from "../../../src/model/finding.js";
import { exitCodeFor } from "../../../src/cli/exitCodes.js";
import { renderMarkdown, type MarkdownOptions } from "../../../src/render/markdown/index.js";
import type { CheckReport } from "../../../src/render/report.js";
import { codeSpan, escapeText } from "../../../src/render/markdown/syntax.js";
import { address, analysisOf, blockedBusReport, busPortBlocked, links, nodesLine, report, diagnosisOf } from "./reports.js";

const markdownOf = (input: CheckReport, options?: MarkdownOptions): string => renderMarkdown(input, exitCodeFor(input.diagnosis.health), options);

const lines = (text: string): string[] => text.split("\n");

/** Cells of a GFM table row, split on pipes that are not escaped. */
function cells(row: string): string[] {
  return row
    .slice(2, -2)
    .split(/(?<!\\) \| /)
    .map((cell) => cell.trim());
}

describe("renderMarkdown: an incident ticket", () => {
  const text = markdownOf(blockedBusReport());
  const all = lines(text);

  it("has the sections in order, verdict heading first", () => {
    expect(all[0]).toBe("# CRITICAL: the bus port of 127.0.0.3:6379 (16379) is blocked");
    expect(all[2]).toMatch(/, exit code 2\.$/);
    const headings = [
      "## Root cause: `BUS_PORT_BLOCKED` (critical)",
      "### Follows from it",
      "## Fix",
      "## Evidence",
      "## Nodes",
      "## Bus links (observer -> peer)",
    ].map((heading) => all.indexOf(heading));
    expect(headings.every((index) => index > 0)).toBe(true);
    expect([...headings].sort((a, b) => a - b)).toEqual(headings);
  });

  it("states the phase and what the verdict is based on", () => {
    expect(text).toContain("**Phase:** developing: the fault showed 4.3 s ago; next, a replica takes over the slots of 127.0.0.3:6379");
    expect(text).toMatch(/\*\*Based on:\*\* 0 of 6 nodes gave their view/);
  });

  it("puts the evidence in a table, raw lines in code spans", () => {
    const header = all.indexOf("| From | What | Exact value |");
    expect(all.slice(header + 2, header + 5).map(cells)).toEqual(
      busPortBlocked.evidence.map((evidence) => [codeSpan(evidence.source), evidence.what, codeSpan(evidence.detail)]),
    );
  });

  it("gives the one fix as a fenced code block holding exactly its lines, and names the other places", () => {
    const fix = busPortBlocked.fix[0];
    const title = all.indexOf(`**Fix: ${fix?.where}**`);
    expect(all.slice(title + 2, title + 4 + (fix?.lines.length ?? 0))).toEqual(["```", ...(fix?.lines ?? []), "```"]);
    expect(text).toContain("Or where the rule lives (`--verbose` shows each): AWS security group.");
  });

  it("--verbose: every fix block, each once", () => {
    const verbose = lines(markdownOf(blockedBusReport(), { verbose: true }));
    for (const fix of busPortBlocked.fix) {
      const title = verbose.indexOf(`**Fix: ${fix.where}**`);
      expect(verbose.slice(title + 2, title + 4 + fix.lines.length)).toEqual(["```", ...fix.lines, "```"]);
    }
  });

  it("lists what follows", () => {
    const start = all.indexOf("### Follows from it");
    expect(all.slice(start + 2, start + 4)).toEqual([
      "- `CLUSTER_STATE_FAIL` critical: cluster_state:fail in 6 of 6 views (`127.0.0.1:6379`, `127.0.0.2:6379`, `127.0.0.3:6379`, `127.0.0.4:6379`, `127.0.0.5:6379`, `127.0.0.6:6379`)",
      "- `SLOTS_UNCOVERED` critical: slots 10923-16383 have no serving master in 5 views (`127.0.0.3:6379`)",
    ]);
  });

  it("has a node table with one row per node", () => {
    const start = all.indexOf("## Nodes");
    expect(cells(all[start + 2] ?? "")).toEqual([
      "#",
      "Address",
      "ID",
      "Role",
      "Master",
      "Client port",
      "Bus port",
      "Own cluster_state",
      "Flagged by others",
      "Slots",
    ]);
    expect(cells(all[start + 6] ?? "")).toEqual([
      "3",
      "`127.0.0.3:6379`",
      "`e7d1eecc`",
      "master",
      "-",
      "open",
      "16379 timeout",
      "fail",
      "fail 5/5",
      "10923-16383",
    ]);
    expect(all.slice(start + 2).findIndex((line) => !line.startsWith("|"))).toBe(8);
  });

  it("has the matrix as a table and the cells that are not ok as a list", () => {
    const start = all.indexOf("## Bus links (observer -> peer)");
    const table = all.slice(start).filter((line) => line.startsWith("| "));
    expect(cells(table[0] ?? "")).toEqual(["Observer", "1", "2", "3", "4", "5", "6"]);
    expect(cells(table[4] ?? "")).toEqual(["3 `127.0.0.3:6379`", "`?`", "`?`", "`*`", "`?`", "`?`", "`?`"]);
    expect(text).toContain("- `127.0.0.1:6379` -> `127.0.0.3:6379`: fail, ping pending 4300 ms");
    expect(text).toContain("- `127.0.0.3:6379` -> every peer (5): fail? (pfail), ping pending 4200 ms, last pong 5100 ms ago");
  });

  it("is short for a healthy cluster: no root cause, links in one sentence", () => {
    const healthy = markdownOf(report());
    expect(lines(healthy)[0]).toBe("# HEALTHY: no problem found");
    expect(healthy).not.toContain("## Root cause");
    expect(healthy).toContain("All 30 observer -> peer links are ok.");
  });

  it("leaves the grid out for a cluster too large to read as a table", () => {
    const big = markdownOf(
      report({
        analysis: analysisOf(
          30,
          links(30, (o, p) => (o === 1 && p === 2 ? { kind: "missing" } : undefined)),
        ),
      }),
    );
    expect(big).toContain("The grid is left out for 30 nodes");
    expect(big).toContain(`- \`${address(1)}\` -> \`${address(2)}\`: missing from the observer's CLUSTER NODES`);
  });
});

describe("renderMarkdown: text that would break markdown", () => {
  const awkward: Finding = {
    ...busPortBlocked,
    summary: "rule *drop* matched <16379> | twice",
    evidence: [{ source: "busdoctor", what: "nft list", detail: "tcp dport 16379 counter packets 3 drop | `x`" }],
    fix: [{ where: "shell", lines: ["cat <<'EOF'", "```", "EOF"] }],
  };
  const text = markdownOf(report({ diagnosis: diagnosisOf({ health: "critical", rootCause: awkward }) }));

  it("keeps an evidence table row at three cells when the raw value holds a pipe and a backtick", () => {
    const row = lines(text).find((line) => line.startsWith("| `busdoctor`"));
    expect(cells(row ?? "")).toEqual(["`busdoctor`", "nft list", "`` tcp dport 16379 counter packets 3 drop \\| `x` ``"]);
  });

  it("fences a fix that contains a triple backtick with a longer fence", () => {
    expect(text).toContain(["````", "cat <<'EOF'", "```", "EOF", "````"].join("\n"));
  });

  it("escapes emphasis, HTML and pipes in prose", () => {
    expect(lines(text)[0]).toBe("# CRITICAL: rule \\*drop\\* matched \\<16379> \\| twice");
  });

  const escapes: Array<[string, string]> = [
    ["cluster_state:fail", "cluster_state:fail"],
    ["_private_", "\\_private\\_"],
    ["a [link](x)", "a \\[link\\](x)"],
    ["two\nlines", "two lines"],
  ];
  it.each(escapes)("escapeText(%j) = %j", (input, expected) => {
    expect(escapeText(input)).toBe(expected);
  });

  it("codeSpan wraps a value that ends in a backtick with padding", () => {
    expect(codeSpan("a`")).toBe("`` a` ``");
    expect(codeSpan(nodesLine(1, ""))).toBe(`\`${nodesLine(1, "")}\``);
  });
});
