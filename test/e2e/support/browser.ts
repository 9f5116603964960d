// A real browser for e2e tests: playwright-core driving Debian's chromium (/usr/bin/chromium,
// installed with apt when missing; a browser is never downloaded), headless, with a fresh profile and
// everything that phones home switched off. Inside a lab the browser runs in the lab's network
// namespace (`ip netns exec`, through a two-line wrapper around the same binary), so that it reaches
// `watch --listen` on the namespace's 127.0.0.1, and nothing else: the namespace has no route out.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core";
import { runOrThrow } from "../../../src/lab/run.js";

export const CHROMIUM = "/usr/bin/chromium";

const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-dev-shm-usage",
];

/** Where screenshots go: test/artifacts/ (gitignored). */
export const ARTIFACTS = fileURLToPath(new URL("../../artifacts/", import.meta.url));

async function ensureChromium(): Promise<void> {
  if (existsSync(CHROMIUM)) return;
  await runOrThrow(["apt-get", "update", "-qq"], { timeoutMs: 300_000 });
  await runOrThrow(["apt-get", "install", "-y", "-qq", "chromium"], { timeoutMs: 900_000 });
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Console errors and warnings, uncaught page errors, failed requests and HTTP errors, as lines. */
  problems: string[];
  close(): Promise<void>;
}

export async function launchBrowser(options: { namespace?: string; context?: BrowserContextOptions } = {}): Promise<Browser> {
  await ensureChromium();
  const dir = mkdtempSync(join(tmpdir(), "busdoctor-browser-"));
  let executablePath = CHROMIUM;
  if (options.namespace !== undefined) {
    executablePath = join(dir, "chromium-in-namespace");
    writeFileSync(executablePath, `#!/bin/sh\nexec ip netns exec ${options.namespace} ${CHROMIUM} "$@"\n`, { mode: 0o755 });
  }
  const context = await chromium.launchPersistentContext(join(dir, "profile"), {
    executablePath,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 720 },
    ...options.context,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) => {
    // A stream the page closes itself (navigation, shutdown) is not a failure of the page.
    if (!request.url().endsWith("/api/stream")) problems.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ""}`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  return {
    context,
    page,
    problems,
    close: async () => {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string, fullPage = false): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, name);
  await page.screenshot({ path, fullPage });
  return path;
}
