// The dashboard's cost and the page's responsiveness:
//  1. added CPU: two `busdoctor watch --listen` on the same real 6-node lab cluster in the same run, one
//     with a browser (Debian's chromium) showing its dashboard, one without; the difference in the
//     monitors' own CPU is what one connected page costs (target: < 1% of one core);
//  2. the page with 60 nodes (a synthetic stream: the real state machine and server fed synthetic
//     samples, 15 minutes of history preloaded, one node's bus blocked): time to the first full render,
//     the browser's CPU while samples arrive every second (page top, then scrolled to the charts), long
//     tasks, and how fast the matrix answers the keyboard (Event Timing: key press to next paint;
//     "good" is < 200 ms). Wall-clock figures swell when the machine is loaded: the load average is printed.
// Run as root after `npm run build`: npx tsx bench/dashboard.ts [seconds] [cpu|page]
import { spawn, type ChildProcess } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { Lab } from "../src/lab/lab.js";
import { launchBrowser } from "../test/e2e/support/browser.js";
import { startSyntheticDashboard } from "./support/dashboardFeed.js";
import { cpuSeconds, descendantsCpuSeconds } from "./support/proc.js";

/** The CLI a user runs: bin/busdoctor, which runs the bundle `npm run build` makes. */
const CLI = fileURLToPath(new URL("../bin/busdoctor", import.meta.url));
const seconds = Number(process.argv[2] ?? 60);
const only = process.argv[3];
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function watchInLab(lab: Lab, port: number): ChildProcess {
  const [program = "", ...args] = lab.busdoctorArgv(
    ["watch", lab.node(1).endpoint, "--json", "--interval", "1s", "--no-history", "--listen", String(port)],
    CLI,
  );
  return spawn(program, args, { stdio: ["ignore", "ignore", "ignore"] });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const closed = new Promise((resolve) => child.on("close", resolve));
  child.kill("SIGTERM");
  await closed;
}

async function addedCpu(): Promise<void> {
  const lab = await Lab.up({ name: "dashboard-helper-bench", nodeTimeoutMs: 15000 });
  const withPage = watchInLab(lab, 9464);
  const without = watchInLab(lab, 9465);
  const browser = await launchBrowser({ namespace: lab.namespace });
  try {
    await sleep(3000);
    await browser.page.goto("http://127.0.0.1:9464/");
    await browser.page.waitForSelector('[data-status="live"]', { timeout: 20_000 });
    await sleep(2000);
    const pids = [withPage.pid ?? -1, without.pid ?? -1] as const;
    const before = pids.map(cpuSeconds);
    const browserBefore = descendantsCpuSeconds(process.pid);
    const started = Date.now();
    await sleep(seconds * 1000);
    const elapsed = (Date.now() - started) / 1000;
    const browserCpu = ((descendantsCpuSeconds(process.pid) - browserBefore) / elapsed) * 100;
    const [page, none] = pids.map((pid, index) => ((cpuSeconds(pid) - (before[index] ?? 0)) / elapsed) * 100) as [number, number];
    console.log(`added CPU, two watch --listen on the same 6-node lab cluster, interval 1 s, over ${elapsed.toFixed(0)} s:`);
    console.log(`  watch with one browser on its dashboard:  ${page.toFixed(2)}% of one core`);
    console.log(`  watch with no browser (baseline):         ${none.toFixed(2)}% of one core`);
    console.log(`  the dashboard with one page connected:    ${(page - none).toFixed(2)}% of one core (target < 1%)`);
    console.log(`  (the browser itself, all its processes: ${browserCpu.toFixed(2)}% of one core)`);
    console.log(`  page problems (console errors, failed requests): ${browser.problems.length === 0 ? "none" : browser.problems.join("; ")}`);
  } finally {
    await browser.close();
    await stop(withPage);
    await stop(without);
    await lab.down();
  }
}

interface Timing {
  duration: number;
}

/** Runs in the page before its own scripts: records long tasks and key presses' Event Timing entries. */
const OBSERVE_PAGE = `
window.longTasks = [];
window.keyEvents = [];
new PerformanceObserver((list) => list.getEntries().forEach((entry) => window.longTasks.push(entry.duration))).observe({ type: "longtask", buffered: true });
new PerformanceObserver((list) => list.getEntries().forEach((entry) => { if (entry.name === "keydown") window.keyEvents.push({ duration: entry.duration }); }))
  .observe({ type: "event", durationThreshold: 16, buffered: true });
`;

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

async function responsiveness(nodes: number): Promise<void> {
  const feed = await startSyntheticDashboard({
    nodes,
    port: 9472,
    intervalMs: 1000,
    fault: { node: 5, from: 880, to: Number.POSITIVE_INFINITY },
    preload: 899,
  });
  const browser = await launchBrowser();
  const { page } = browser;
  try {
    await page.addInitScript({ content: OBSERVE_PAGE });
    const loadStarted = Date.now();
    await page.goto(feed.url);
    await page.waitForFunction(`document.querySelectorAll("table.matrix td.cell").length === ${nodes * nodes}`, undefined, { timeout: 60_000 });
    const firstRender = Date.now() - loadStarted;

    const watchFor = Math.min(seconds, 30);
    /** The browser's CPU (renderer, GPU and browser processes, which is load-independent, unlike wall-clock task time) while samples arrive. */
    const busyShare = async (): Promise<{ busy: number; samples: number }> => {
      await sleep(2000);
      const before = descendantsCpuSeconds(process.pid);
      const samplesBefore = feed.samples();
      const started = Date.now();
      await sleep(watchFor * 1000);
      return { busy: (descendantsCpuSeconds(process.pid) - before) / ((Date.now() - started) / 1000), samples: feed.samples() - samplesBefore };
    };
    const top = await busyShare();

    // Keyboard: focus the matrix, then walk it with the arrow keys while samples keep arriving.
    await page.locator("table.matrix td[tabindex='0']").focus();
    const presses = 40;
    const walk: number[] = [];
    for (let index = 0; index < presses; index += 1) {
      const pressed = Date.now();
      await page.keyboard.press(index % 10 === 9 ? "ArrowDown" : "ArrowRight");
      walk.push(Date.now() - pressed);
      await sleep(150);
    }
    await sleep(500);
    const chartsStarted = Date.now();
    await page.locator("#signals").scrollIntoViewIfNeeded();
    await page.waitForSelector(".charts canvas");
    const chartsShown = Date.now() - chartsStarted;
    const charts = await busyShare();
    const measured = (await page.evaluate("({ longTasks: window.longTasks, keyEvents: window.keyEvents })")) as { longTasks: number[]; keyEvents: Timing[] };
    const keyDurations = measured.keyEvents.map((event) => event.duration);
    console.log(
      `(load average ${loadavg()
        .map((value) => value.toFixed(1))
        .join(" ")} on ${cpus().length} cores)`,
    );
    console.log(
      `page responsiveness with ${nodes} nodes (synthetic stream, 1 sample/s, ${nodes * nodes} matrix cells, 6 charts x ${nodes} nodes x 900 points, one node's bus blocked):`,
    );
    console.log(`  first full render (navigation to the ${nodes * nodes}-cell matrix drawn): ${firstRender} ms`);
    const share = ({ busy, samples }: { busy: number; samples: number }): string =>
      `${(busy * 100).toFixed(1)}% of one core (${samples} samples in ${watchFor} s)`;
    console.log(`  browser CPU, page top (matrix, incident, shards, slot map): ${share(top)}`);
    console.log(`  browser CPU, scrolled to the charts (drawn ${chartsShown} ms after the scroll): ${share(charts)}`);
    console.log(`  long tasks (> 50 ms) since load: ${measured.longTasks.length}, longest ${Math.round(Math.max(0, ...measured.longTasks))} ms`);
    console.log(
      `  arrow keys in the matrix, ${presses} presses: key to next paint (Event Timing, entries >= 16 ms: ${keyDurations.length}) p50 ${keyDurations.length === 0 ? "< 16" : Math.round(quantile(keyDurations, 0.5))} ms, max ${keyDurations.length === 0 ? "< 16" : Math.round(Math.max(...keyDurations))} ms; press round trip p50 ${Math.round(quantile(walk, 0.5))} ms, p95 ${Math.round(quantile(walk, 0.95))} ms (target: < 200 ms)`,
    );
    console.log(`  page problems (console errors, failed requests): ${browser.problems.length === 0 ? "none" : browser.problems.join("; ")}`);
  } finally {
    await browser.close();
    await feed.stop();
  }
}

async function main(): Promise<void> {
  if (only !== "page") await addedCpu();
  if (only !== "cpu") await responsiveness(60);
}

main().catch((error: unknown) => {
  console.error(`bench/dashboard: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
