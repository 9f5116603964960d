// Debian's Prometheus and Alertmanager, and a webhook receiver, run for real inside a lab's network
// namespace (on its 127.0.0.1), for the integration tests and bench/alerting.ts. Each program gets its
// own directory for config and data; everything is stopped by `stop()`.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";
import { createServer, type AddressInfo } from "node:net";
import { runCommand, type RunOptions, type RunResult } from "../../src/lab/run.js";
import { Background } from "./background.js";
import { requireDebianTools } from "./debianTools.js";
import { waitFor } from "./observe.js";

/** What the stack needs of a lab: run programs inside its namespace. */
export interface InNamespace {
  namespaceArgv(argv: readonly string[]): string[];
  exec(argv: readonly string[], options?: RunOptions): Promise<RunResult>;
}

/** The test's own network namespace, for what needs no lab (ports from freePort). */
export const HOST: InNamespace = { namespaceArgv: (argv) => [...argv], exec: (argv, options) => runCommand(argv, options) };

/** A TCP port nothing listens on now, on 127.0.0.1 of the test's own namespace. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** GET inside the namespace (curl); the body, or null when the request failed. */
export async function httpGet(where: InNamespace, url: string): Promise<string | null> {
  const result = await where.exec(["curl", "-sS", "--fail", "--max-time", "5", url], { timeoutMs: 10_000 });
  return result.code === 0 ? result.stdout : null;
}

async function started(where: InNamespace, program: Background, name: string, readyUrl: string): Promise<void> {
  await waitFor(
    `${name} is ready (${readyUrl})`,
    async () => {
      if (!program.running) throw new Error(`${name} exited: ${program.tail()}`);
      return (await httpGet(where, readyUrl)) !== null;
    },
    60_000,
  );
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
    global: {
      scrape_interval: interval,
      evaluation_interval: interval,
      scrape_timeout: interval,
      ...(options.externalLabels ? { external_labels: options.externalLabels } : {}),
    },
    rule_files: options.ruleFiles,
    alerting: { alertmanagers: [{ static_configs: [{ targets: options.alertmanagers }] }] },
    scrape_configs: options.jobs,
  };
  const file = join(dir, "prometheus.yml");
  writeFileSync(file, stringify(config));
  const address = `127.0.0.1:${options.port}`;
  const program = new Background(
    where.namespaceArgv([
      "prometheus",
      `--config.file=${file}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=${address}`,
      "--log.level=warn",
    ]),
  );
  await started(where, program, "Prometheus", `http://${address}/-/ready`);
  return program;
}

/** Basic authentication in front of Alertmanager (its --web.config.file), with a bcrypt hash of the password. */
export interface BasicAuth {
  user: string;
  password: string;
  bcrypt: string;
}

/** Starts a single Alertmanager (no HA gossip) with this YAML config and waits until it is ready. */
export async function startAlertmanager(where: InNamespace, dir: string, port: number, configYaml: string, auth?: BasicAuth): Promise<Background> {
  requireDebianTools("prometheus-alertmanager");
  mkdirSync(join(dir, "data"), { recursive: true });
  const file = join(dir, "alertmanager.yml");
  writeFileSync(file, configYaml);
  const webConfig = join(dir, "web.yml");
  if (auth) writeFileSync(webConfig, stringify({ basic_auth_users: { [auth.user]: auth.bcrypt } }));
  const address = `127.0.0.1:${port}`;
  const program = new Background(
    where.namespaceArgv([
      "prometheus-alertmanager",
      `--config.file=${file}`,
      `--storage.path=${join(dir, "data")}`,
      `--web.listen-address=${address}`,
      ...(auth ? [`--web.config.file=${webConfig}`] : []),
      "--cluster.listen-address=",
      "--log.level=warn",
    ]),
  );
  await started(where, program, "Alertmanager", `http://${auth ? `${auth.user}:${auth.password}@` : ""}${address}/-/ready`);
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

const EXAMPLE_AM = fileURLToPath(new URL("../../prometheus/alertmanager-example.yml", import.meta.url));

/** "30s", "5m", "4h" -> seconds. */
function durationSeconds(text: string): number {
  const match = /^(\d+)(s|m|h)$/.exec(text);
  if (!match) throw new Error(`unexpected duration ${text} in alertmanager-example.yml`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] as "s" | "m" | "h"];
}

/**
 * prometheus/alertmanager-example.yml as shipped (routes, grouping, inhibition), with its webhook
 * receivers at http://127.0.0.1:<port>/<receiver name> and every timing divided by `speedup`, so a test
 * sees in seconds what production sees in minutes.
 */
export function exampleAlertmanagerConfig(receiverPort: number, speedup = 20): string {
  const config = parse(readFileSync(EXAMPLE_AM, "utf8")) as {
    route: Record<string, unknown> & { routes?: Array<Record<string, unknown>> };
    receivers: Array<{ name: string; webhook_configs: Array<{ url: string }> }>;
  };
  const scale = (route: Record<string, unknown>): void => {
    for (const key of ["group_wait", "group_interval", "repeat_interval"]) {
      const value = route[key];
      if (typeof value === "string") route[key] = `${Math.ceil(durationSeconds(value) / speedup)}s`;
    }
  };
  scale(config.route);
  for (const route of config.route.routes ?? []) scale(route);
  for (const receiver of config.receivers) for (const webhook of receiver.webhook_configs) webhook.url = `http://127.0.0.1:${receiverPort}/${receiver.name}`;
  return stringify(config);
}

/** The programs a test or bench started and their scratch directory: stopped in reverse order, then removed. */
export class Started {
  readonly dir: string;
  private readonly programs: Array<{ stop(): Promise<void> }> = [];

  constructor(name: string) {
    this.dir = mkdtempSync(join(tmpdir(), `busdoctor-${name}-`));
  }

  add<T extends { stop(): Promise<void> }>(program: T): T {
    this.programs.push(program);
    return program;
  }

  async stopAll(): Promise<void> {
    for (const program of this.programs.reverse()) await program.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const SHIPPED_RULES = fileURLToPath(new URL("../../prometheus/busdoctor-alerts.yml", import.meta.url));

/** Prometheus as the tests and the bench run it: every second, prometheus/busdoctor-alerts.yml (and `extraRules`), one Alertmanager. */
export function startPrometheusWithShippedRules(
  where: InNamespace,
  started: Started,
  ports: { prometheus: number; alertmanager: number },
  jobs: ScrapeJob[],
  extraRules: string[] = [],
): Promise<Background> {
  return startPrometheus(where, join(started.dir, "prometheus"), {
    port: ports.prometheus,
    scrapeIntervalSeconds: 1,
    ruleFiles: [SHIPPED_RULES, ...extraRules],
    alertmanagers: [`127.0.0.1:${ports.alertmanager}`],
    jobs,
  }).then((program) => started.add(program));
}
