// `busdoctor check --format html` opened in a real browser with the network off (an offline context,
// every non-file request aborted and recorded): the self-contained page shows the verdict and the
// matrix without fetching anything. The snapshot is a recorded real incident (a master's bus port
// blocked both ways), replayed with --from-snapshot: no cluster needed.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtCliScript } from "../../src/lab/cliArgv.js";
import { runCommand } from "../../src/lab/run.js";
import { launchBrowser, screenshot, type Browser } from "./support/browser.js";

const SNAPSHOT = new URL("../fixtures/v7.0.15/snapshots/bus-blocked-both.json", import.meta.url);
const dir = mkdtempSync(join(tmpdir(), "busdoctor-report-e2e-"));
const REPORT = join(dir, "report.html");

let browser: Browser | null = null;
const network: string[] = [];

beforeAll(async () => {
  const check = await runCommand([process.execPath, builtCliScript(), "check", "--from-snapshot", SNAPSHOT.pathname, "--format", "html"], {
    timeoutMs: 60_000,
  });
  expect(check.code).toBe(2); // critical
  writeFileSync(REPORT, check.stdout);
  browser = await launchBrowser({ context: { offline: true, colorScheme: "dark" } });
  await browser.context.route(/^(?!file:)/, async (route) => {
    network.push(route.request().url());
    await route.abort();
  });
});

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("check --format html, offline in a browser", () => {
  it("shows the verdict and the matrix, and asks the network for nothing", async () => {
    if (!browser) throw new Error("no browser");
    const { page } = browser;
    await page.goto(pathToFileURL(REPORT).href);
    const verdict = (await page.locator("#verdict h1").textContent())?.replace(/\s+/g, " ").trim();
    expect(verdict).toBe("CRITICAL the bus port of 127.0.0.3:6379 (16379) is blocked: its peers cannot reach it and it cannot reach them");
    expect(await page.locator("#verdict").getAttribute("data-health")).toBe("critical");
    const kinds = await page.$$eval("table.matrix td.cell", (cells) => cells.map((cell) => cell.getAttribute("data-kind")));
    expect(kinds).toHaveLength(36);
    expect(kinds.filter((kind) => kind === "self")).toHaveLength(6);
    expect(kinds.filter((kind) => kind !== "ok" && kind !== "self").length).toBeGreaterThanOrEqual(10);
    expect(await page.locator("#nodes tbody tr").count()).toBe(6);
    expect(await page.locator("#root-cause table.evidence tbody tr").count()).toBeGreaterThan(0);
    await screenshot(page, "check-report.png");
    expect(network).toEqual([]);
    expect(browser.problems).toEqual([]);
  });
});
