// Debian's Prometheus and Alertmanager, and a webhook receiver, run for real inside a lab's network
// namespace (on its 127.0.0.1), for the integration tests and bench/alerting.ts. Each program gets its
// own directory for config and data; everything is stopped by `stop()`.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import type { RunOptions, RunResult } from "../../src/lab/run.js";
import { Background } from "./background.js";
import { requireDebianTools } from "./debianTools.js";
import { waitFor } from "./observe.js";

/** What the stack needs of a lab: run programs inside its namespace. */
export interface InNamespace {
  namespaceArgv(argv: readonly string[]): string[];
  exec(argv: readonly string[], options?: RunOptions): Promise<RunResult>;
}

/** GET inside the namespace (curl); the body, or null when the request failed. */
export async function httpGet(where: InNamespace, url: string): Promise<string | null> {
  const result = await where.exec(["curl", "-sS", "--fail", "--max-time", "5", url], { timeoutMs: 10_000 });
  return result.code === 0 ? result.stdout : null;
}

async function started(where: InNamespace, program: Background, name: string, readyUrl: string): Promise<void> {
  await waitFor(`${name} is ready (${readyUrl})`, async () => {
    if (!program.running) throw new Error(`${name} exited: ${program.tail()}`);
    return (await httpGet(where, readyUrl)) !== null;
  }, 60_000);
}

export interface ScrapeJob {
  job_name: string;
  static_configs?: Array<{ targets: string[]; labels?: Record<string, string> }>;
  http_sd_configs?: Array<{ url: string; refresh_interval?: string }>;
  metrics_path?: string;
  relabel_configs?: Array<Record<string, unknown>>;
  honor_labels?: boolean;
}

export interface PrometheusOptions {
  port: number;
  scrapeIntervalSeconds: number;
  ruleFiles: string[];
  alertmanagers: string[];
  jobs: ScrapeJob[];
  externalLabels?: Record<string, string>;
}

/** Starts Prometheus with this config and waits until it is ready. */
export async function startPrometheus(where: InNamespace, dir: string, options: PrometheusOptions): Promise<Background> {
  requireDebianTools("prometheus");
  mkdirSync(join(dir, "data"), { recursive: true });
  const interval = `${options.scrapeIntervalSeconds}s`;
  const config = {
    global: { scrape_interval: interval, evaluation_interval: interval, scrape_timeout: interval, ...(options.externalLabels ? { external_labels: options.externalLabels } : {}) },
    rule_files: options.ruleFiles,
    alerting: { alertmanagers: [{ static_configs: [{ targets: options.alertmanagers }] }] },
    scrape_configs: options.jobs,
  };
  const file = join(dir, "prometheus.yml");
  writeFileSync(file, stringify(config));
  const address = `127.0.0.1:${options.port}`;
  const program = new Background(
    where.namespaceArgv(["prometheus", `--config.file=${file}`, `--storage.tsdb.path=${join(dir, "data")}`, `--web.listen-address=${address}`, "--log.level=warn"]),
  );
  await started(where, program, "Prometheus", `http://${address}/-/ready`);
  return program;
}

/** Starts a single Alertmanager (no HA gossip) with this YAML config and waits until it is ready. */
export async function startAlertmanager(where: InNamespace, dir: string, port: number, configYaml: string): Promise<Background> {
  requireDebianTools("prometheus-alertmanager");
  mkdirSync(join(dir, "data"), { recursive: true });
  const file = join(dir, "alertmanager.yml");
  writeFileSync(file, configYaml);
  const address = `127.0.0.1:${port}`;
  const program = new Background(
    where.namespaceArgv([
      "prometheus-alertmanager",
      `--config.file=${file}`,
      `--storage.path=${join(dir, "data")}`,
      `--web.listen-address=${address}`,
      "--cluster.listen-address=",
      "--log.level=warn",
    ]),
  );
  await started(where, program, "Alertmanager", `http://${address}/-/ready`);
  return program;
}

/** One alert of an Alertmanager webhook notification. */
export interface NotifiedAlert {
  status: "firing" | "resolved";
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
}

/** An Alertmanager webhook notification (version 4), as the receiver got it. */
export interface Notification {
  at: number;
  path: string;
  status: "firing" | "resolved";
  receiver: string;
  groupLabels: Record<string, string>;
  alerts: NotifiedAlert[];
}

/** Prints one JSON line per POST it gets ({path, body}), answers 200. */
const RECEIVER = (port: number): string =>
  `require("http").createServer((q, s) => { let b = ""; q.on("data", (c) => (b += c)); q.on("end", () => { console.log(JSON.stringify({ path: q.url, body: b })); s.end("ok"); }); }).listen(${port}, "127.0.0.1", () => console.error("listening"));`;

/** A webhook receiver: every notification with the time it arrived. */
export class Receiver {
  private constructor(private readonly program: Background) {}

  static async start(where: InNamespace, port: number): Promise<Receiver> {
    const program = new Background(where.namespaceArgv([process.execPath, "-e", RECEIVER(port)]));
    await waitFor("the webhook receiver listens", async () => program.stderr.some((entry) => entry.line === "listening"), 10_000);
    return new Receiver(program);
  }

  notifications(path?: string): Notification[] {
    return this.program.stdout
      .map(({ at, line }) => {
        const { path: got, body } = JSON.parse(line) as { path: string; body: string };
        return { at, path: got, ...(JSON.parse(body) as Omit<Notification, "at" | "path">) };
      })
      .filter((notification) => path === undefined || notification.path === path);
  }

  stop(): Promise<void> {
    return this.program.stop();
  }
}
