// The live dashboard in a real browser (Debian's chromium driven by playwright-core) against
// `busdoctor watch --listen` on a real 6-node lab cluster (node timeout 2000 ms, so that the fault runs
// through PFAIL, FAIL and a failover): the page loads clean, every link shows ok; `lab fault bus 3`
// turns node 3's row and column to the fault state within 3 s and the incident panel names
// BUS_PORT_BLOCKED; the heal clears it. Screenshots of both states go to test/artifacts/. The
// endpoint asks for basic auth, as a shared host would, and no payload holds the cluster's password.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtCliScript } from "../../src/lab/cliArgv.js";
import { runCommand } from "../../src/lab/run.js";
import { waitFor } from "../support/observe.js";
import { Background } from "./support/background.js";
import { launchBrowser, screenshot, type Browser } from "./support/browser.js";
import { useLab } from "./support/lab.js";

const lab = useLab({ name: "dashboard-e2e", nodeTimeoutMs: 2000 });
const FAULTY = 3;
const PORT = 9464;
const URL = `http://127.0.0.1:${PORT}/`;
const CLUSTER_USER = "dash";
const CLUSTER_PASSWORD = "Dash-S3cret-9431";
const WEB_USER = "ops";
const WEB_PASSWORD = "web-pass-5573";
const dir = mkdtempSync(join(tmpdir(), "busdoctor-dashboard-e2e-"));
const HISTORY = join(dir, "history.db");

let watch: Background | null = null;
let browser: Browser | null = null;

const page = (): Page => {
  if (!browser) throw new Error("no browser");
  return browser.page;
};

/** The data-kind of every cell in the node's row (as observer) and column (as peer), its own cell aside. */
function rowAndColumn(endpoint: string): Promise<string[]> {
  return page().$$eval(`td.cell[data-observer="${endpoint}"], td.cell[data-peer="${endpoint}"]`, (cells) =>
    cells.filter((cell) => cell.getAttribute("data-kind") !== "self").map((cell) => cell.getAttribute("data-kind") ?? ""),
  );
}

/** Waits until the first element matching `selector` is visible, and its text (trimmed), when `text` is given, is that. */
async function shows(selector: string, text: string | null, timeoutMs = 15_000): Promise<void> {
  const locator = page().locator(selector).first();
  await locator.waitFor({ state: "visible", timeout: timeoutMs });
  if (text !== null) await waitFor(`${selector} reads ${text}`, async () => (await locator.textContent())?.trim() === text, timeoutMs);
}

function allKinds(): Promise<string[]> {
  return page().$$eval("table.matrix td.cell", (cells) => cells.map((cell) => cell.getAttribute("data-kind") ?? "").filter((kind) => kind !== "self"));
}

/** curl inside the lab, with the web credentials unless told otherwise. */
function curl(args: string[], credentials = true): ReturnType<ReturnType<typeof lab>["exec"]> {
  return lab().exec(["curl", "-sS", "--max-time", "5", ...(credentials ? ["-u", `${WEB_USER}:${WEB_PASSWORD}`] : []), ...args], { timeoutMs: 10_000 });
}

beforeAll(async () => {
  // An ACL user with a password on every node: the password must appear in no payload the page gets.
  for (const node of lab().nodes) {
    await lab().exec(
      ["redis-cli", "-h", node.address, "-p", String(node.port), "ACL", "SETUSER", CLUSTER_USER, "on", `>${CLUSTER_PASSWORD}`, "~*", "&*", "+@all"],
      { timeoutMs: 5000 },
    );
  }
  writeFileSync(join(dir, "cluster-pass"), `${CLUSTER_PASSWORD}\n`, { mode: 0o600 });
  writeFileSync(join(dir, "web-auth"), `${WEB_USER}:${WEB_PASSWORD}\n`, { mode: 0o600 });
  watch = new Background(
    lab().busdoctorArgv([
      "watch",
      lab().node(1).endpoint,
      "--json",
      "--timeout",
      "1000",
      "--user",
      CLUSTER_USER,
      "--pass-file",
      join(dir, "cluster-pass"),
      "--listen",
      String(PORT),
      "--basic-auth-file",
      join(dir, "web-auth"),
      "--history",
      HISTORY,
    ]),
  );
  await waitFor(
    "watch serves the dashboard",
    async () => watch?.stderr.some((line) => line.includes(`dashboard on http://127.0.0.1:${PORT}/`)) === true,
    20_000,
  );
  browser = await launchBrowser({
    namespace: lab().namespace,
    context: { colorScheme: "light", httpCredentials: { username: WEB_USER, password: WEB_PASSWORD, origin: `http://127.0.0.1:${PORT}`, send: "always" } },
  });
});

afterAll(async () => {
  await browser?.close();
  await watch?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("the dashboard on a real cluster", () => {
  it("loads with no console error, shows every bus link ok, and every link on the page answers", async () => {
    await page().goto(URL);
    await page().waitForSelector('[data-status="live"]', { timeout: 15_000 });
    await waitFor(
      "the matrix shows all 30 links ok",
      async () => {
        const kinds = await allKinds();
        return kinds.length === 30 && kinds.every((kind) => kind === "ok");
      },
      20_000,
    );
    await shows("[data-no-incident]", null);
    expect(await page().locator(".shard").count()).toBe(3);
    const hrefs = await page().$$eval("a[href]", (anchors) => anchors.map((anchor) => anchor.getAttribute("href") ?? ""));
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) {
      if (href.startsWith("#")) expect(await page().locator(href).count(), href).toBe(1);
      else expect((await page().request.get(new globalThis.URL(href, URL).href)).status(), href).toBe(200);
    }
    await screenshot(page(), "dashboard-healthy.png");
    expect(browser?.problems).toEqual([]);
  });

  it("is keyboard navigable: the skip link first, then the matrix's cells with the arrow keys", async () => {
    await page().evaluate("document.activeElement && document.activeElement.blur()");
    await page().keyboard.press("Tab");
    expect(await page().evaluate("document.activeElement.className")).toBe("skip");
    await page().locator('table.matrix td[tabindex="0"]').focus();
    await page().keyboard.press("ArrowDown");
    await page().keyboard.press("ArrowRight");
    expect(await page().evaluate("document.activeElement.getAttribute('data-at')")).toBe("1-2");
    expect(await page().locator(".cell-detail strong").textContent()).toBe(`2 ${lab().node(2).endpoint} → 3 ${lab().node(3).endpoint}`);
  });

  it("turns node 3's row and column to the fault state within 3 s of `lab fault bus 3`, names BUS_PORT_BLOCKED, and the heal clears it", async () => {
    const faulty = lab().node(FAULTY).endpoint;
    await lab().fault({ kind: "bus", node: FAULTY, direction: "both", action: "drop" });
    const applied = Date.now();
    await waitFor(
      "node 3's row and column are all not ok",
      async () => {
        const kinds = await rowAndColumn(faulty);
        return kinds.length === 10 && kinds.every((kind) => kind !== "ok");
      },
      10_000,
    );
    const shownAfterMs = Date.now() - applied;
    process.stderr.write(`dashboard: node ${FAULTY}'s row and column showed the fault ${shownAfterMs} ms after the rule was in place\n`);
    expect(shownAfterMs).toBeLessThan(3000);
    // The rest of the matrix is untouched: only the faulty node's links are not ok.
    const kinds = await allKinds();
    expect(kinds.filter((kind) => kind !== "ok")).toHaveLength(10);
    await shows(`th.marked[data-observer-head="${faulty}"]`, null);
    await shows("[data-cause]", "BUS_PORT_BLOCKED");
    await shows("#incident .incident dd", faulty);
    await screenshot(page(), "dashboard-fault.png");
    // The failover (node timeout 2 s): a replica is promoted, which the shards panel shows.
    await shows(".badge.change", null, 30_000);
    await screenshot(page(), "dashboard-fault-failover.png");
    // The whole page, charts included (they are drawn once scrolled into view): the README's picture.
    await page().locator("#signals").scrollIntoViewIfNeeded();
    await page().waitForSelector(".charts canvas");
    await page().evaluate("window.scrollTo(0, 0)");
    await screenshot(page(), "dashboard-fault-full.png", true);

    await lab().heal();
    await lab().waitUntilSettled();
    await waitFor(
      "the matrix is all ok again and no incident is open",
      async () => {
        const after = await allKinds();
        return after.length === 30 && after.every((kind) => kind === "ok") && (await page().locator("[data-no-incident]").count()) === 1;
      },
      60_000,
    );
    await shows("#timeline li[data-incident] .badge", "BUS_PORT_BLOCKED", 10_000);
    await screenshot(page(), "dashboard-recovered.png");
    expect(browser?.problems).toEqual([]);
  });

  it("serves a read-only API (HEAD, 405, 401) that holds no password, and timeline --format html prints the incident", async () => {
    const paths = ["/", "/api/snapshot", "/api/incidents", "/metrics", "/assets/dashboard.js"];
    for (const path of paths) {
      const body = await curl([`http://127.0.0.1:${PORT}${path}`]);
      expect(body.code, path).toBe(0);
      expect(body.stdout, path).not.toContain(CLUSTER_PASSWORD);
      expect(body.stdout, path).not.toContain(WEB_PASSWORD);
    }
    const stream = await curl(["-N", "--max-time", "3", `http://127.0.0.1:${PORT}/api/stream`]);
    expect(stream.stdout).toContain("event: reset");
    expect(stream.stdout).not.toContain(CLUSTER_PASSWORD);
    const status = async (args: string[], credentials = true): Promise<string> =>
      (await curl(["-o", "/dev/null", "-w", "%{http_code}", ...args], credentials)).stdout;
    expect(await status([URL], false)).toBe("401");
    expect(await status(["-X", "POST", `${URL}api/snapshot`])).toBe("405");
    expect(await status(["-X", "DELETE", `${URL}metrics`])).toBe("405");
    const head = await curl(["-I", URL]);
    expect(head.stdout).toMatch(/^HTTP\/1\.1 200/);
    expect(head.stdout).toMatch(/content-length: \d+/i);

    const timeline = await runCommand([process.execPath, builtCliScript(), "timeline", "--history", HISTORY, "--format", "html"], { timeoutMs: 30_000 });
    expect(timeline.code).toBe(0);
    expect(timeline.stdout).toContain('<span class="badge critical">BUS_PORT_BLOCKED</span>');
  });

  it("warns when --listen binds beyond loopback", async () => {
    const wide = await lab().runBusdoctor(
      [
        "watch",
        lab().node(1).endpoint,
        "--no-history",
        "--listen",
        "0.0.0.0:9465",
        "--duration",
        "2s",
        "--user",
        CLUSTER_USER,
        "--pass-file",
        join(dir, "cluster-pass"),
      ],
      { timeoutMs: 30_000 },
    );
    expect(wide.code).toBe(0);
    expect(wide.stderr).toContain("warning: --listen 0.0.0.0:9465 serves the dashboard and /metrics over plain HTTP to every network this host is on");
  });
});
