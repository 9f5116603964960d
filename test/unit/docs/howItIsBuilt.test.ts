// README's "How it is built" names every folder of src, so a new folder cannot slip in undocumented
// (its import rules live in .dependency-cruiser.cjs, checked by `npm run lint:layers`).
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const root = new URL("../../../", import.meta.url);

function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  const end = markdown.indexOf("\n## ", start + 1);
  return start < 0 ? "" : markdown.slice(start, end < 0 ? undefined : end);
}

describe("README: How it is built", () => {
  const text = section(readFileSync(new URL("README.md", root), "utf8"), "How it is built");
  const listed = new Set([...text.matchAll(/^src\/([a-z]+) /gm)].map((match) => match[1]));

  it("lists every folder of src, and only those", () => {
    const folders = readdirSync(new URL("src/", root), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect([...listed].sort()).toEqual(folders.sort());
  });
});
