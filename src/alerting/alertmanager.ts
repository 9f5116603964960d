// --alertmanager URL: busdoctor's incidents pushed straight to Alertmanager (API v2, POST /api/v2/alerts),
// so the early warning does not wait for a scrape and a rule evaluation. Like Prometheus, the tool sends
// the whole current set, at once when it changes and again every `resendMs` while anything fires: each
// firing alert carries an endsAt a few resends ahead (if the tool dies, Alertmanager resolves it then and
// the rules file's BusdoctorDown pages instead); an incident that closes is sent with its end time, and
// kept in the set for a while so a push that failed does not lose the resolution.
//
// A URL may carry credentials (http://user:password@am:9093): they become a Basic authorization header and,
// like webhook URLs, never appear in output, logs or metrics (only the host does).
import { setTimeout as sleep } from "node:timers/promises";
import { parseReceiverUrl, postJson, retryDelayMs } from "../http/post.js";
import type { IncidentAlert, IncidentAlerts } from "./incidentAlert.js";

export interface AlertmanagerPolicy {
  resendMs: number;
  /** A firing alert's endsAt lies this many resends ahead. */
  endsAfterResends: number;
  /** A resolved alert is sent along this long after the incident closed. */
  keepResolvedMs: number;
  requestTimeoutMs: number;
  firstRetryMs: number;
  maxRetryMs: number;
}

export const DEFAULT_ALERTMANAGER_POLICY: AlertmanagerPolicy = {
  resendMs: 15_000,
  endsAfterResends: 4,
  keepResolvedMs: 5 * 60_000,
  requestTimeoutMs: 5000,
  firstRetryMs: 500,
  maxRetryMs: 15_000,
};

const API_PATH = "/api/v2/alerts";

/** Where to POST, the Basic credentials the URL carried, and the name it goes by in output (its host). */
export interface AlertmanagerTarget {
  endpoint: URL;
  authorization: string | null;
  host: string;
}

/** "http://am:9093", "https://user:pw@am.example/prefix" (Alertmanager's --web.route-prefix) or the full API URL. */
export function parseAlertmanagerUrl(text: string): AlertmanagerTarget {
  const url = parseReceiverUrl("--alertmanager", text, "http://host:9093 or https://user:password@host/prefix");
  const authorization =
    url.username === "" && url.password === ""
      ? null
      : `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString("base64")}`;
  const endpoint = new URL(url.href);
  endpoint.username = "";
  endpoint.password = "";
  endpoint.search = "";
  endpoint.hash = "";
  const base = endpoint.pathname.replace(/\/+$/, "");
  endpoint.pathname = base.endsWith(API_PATH) ? base : `${base}${API_PATH}`;
  return { endpoint, authorization, host: url.host };
}

/** One alert as Alertmanager's v2 API takes it (PostableAlert). */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The payload at `now`: firing alerts end a few resends ahead, resolved ones at their end. Pure. */
export function postableAlerts(alerts: Iterable<IncidentAlert>, now: number, policy: AlertmanagerPolicy): PostableAlert[] {
  return [...alerts].map((alert) => ({
    labels: { ...alert.labels },
    annotations: { ...alert.annotations },
    startsAt: iso(alert.startsAt),
    endsAt: iso(alert.endsAt ?? now + policy.resendMs * policy.endsAfterResends),
  }));
}

export interface PushStats {
  pushes: number;
  failures: number;
}

/** The alerts to push, by identity (labels): the open incidents and those closed a short while ago. */
export class PushedAlerts {
  private readonly alerts = new Map<string, IncidentAlert>();

  /**
   * Takes one cluster's incidents after a sample; true when the set changed in a way Alertmanager must
   * hear at once (an incident opened, closed, or reads differently).
   */
  take(incidents: IncidentAlerts): boolean {
    let changed = false;
    for (const alert of [...incidents.open, ...incidents.closed]) {
      const key = JSON.stringify(alert.labels);
      const before = this.alerts.get(key);
      if (!before || before.endsAt !== alert.endsAt || JSON.stringify(before.annotations) !== JSON.stringify(alert.annotations)) changed = true;
      this.alerts.set(key, alert);
    }
    return changed;
  }

  /** Resolved alerts older than `keepResolvedMs` leave the set. */
  prune(now: number, keepResolvedMs: number): void {
    for (const [key, alert] of this.alerts) if (alert.endsAt !== null && now - alert.endsAt > keepResolvedMs) this.alerts.delete(key);
  }

  get firing(): number {
    return [...this.alerts.values()].filter((alert) => alert.endsAt === null).length;
  }

  values(): IterableIterator<IncidentAlert> {
    return this.alerts.values();
  }
}

/** One Alertmanager: POSTs the current set when told to, one request at a time, retried with backoff. */
class AlertmanagerClient {
  private running: Promise<void> | null = null;
  private again = false;
  readonly stats: PushStats = { pushes: 0, failures: 0 };

  constructor(
    readonly target: AlertmanagerTarget,
    private readonly payload: () => PostableAlert[],
    private readonly policy: AlertmanagerPolicy,
    private readonly stopping: AbortSignal,
    private readonly warn: (line: string) => void,
  ) {}

  push(): void {
    this.again = true;
    this.running ??= this.drain().finally(() => {
      this.running = null;
    });
  }

  private post(body: PostableAlert[]): Promise<string | null> {
    const signal = AbortSignal.any([AbortSignal.timeout(this.policy.requestTimeoutMs), this.stopping]);
    // The credentials go in a header; a redirect to another host is not followed (src/http/post.ts).
    return postJson(this.target.endpoint, JSON.stringify(body), this.target.authorization === null ? {} : { authorization: this.target.authorization }, signal);
  }

  private async drain(): Promise<void> {
    let attempt = 0;
    while (this.again && !this.stopping.aborted) {
      this.again = false;
      const failure = await this.post(this.payload());
      if (failure === null) {
        this.stats.pushes += 1;
        if (attempt > 0) this.warn(`alertmanager ${this.target.host}: delivering again`);
        attempt = 0;
        continue;
      }
      this.stats.failures += 1;
      attempt += 1;
      this.again = true;
      const delay = retryDelayMs(this.policy, attempt);
      if (attempt === 1 || delay === this.policy.maxRetryMs) this.warn(`alertmanager ${this.target.host}: ${failure}; retrying in ${delay} ms`);
      try {
        await sleep(delay, undefined, { signal: this.stopping });
      } catch {
        return;
      }
    }
  }

  async idle(): Promise<void> {
    await this.running;
  }
}

/**
 * Pushes the incidents of every watched cluster to every Alertmanager given (an Alertmanager cluster's
 * peers each get every alert, as Prometheus does). Runs beside the sampling: a dead Alertmanager never
 * delays a sample.
 */
export class AlertmanagerPusher {
  private readonly alerts = new PushedAlerts();
  private readonly clients: AlertmanagerClient[];
  private readonly stopping = new AbortController();
  private readonly resend: NodeJS.Timeout;

  constructor(
    targets: readonly AlertmanagerTarget[],
    private readonly policy: AlertmanagerPolicy,
    warn: (line: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    const payload = (): PostableAlert[] => postableAlerts(this.alerts.values(), this.now(), this.policy);
    this.clients = targets.map((target) => new AlertmanagerClient(target, payload, policy, this.stopping.signal, warn));
    this.resend = setInterval(() => {
      this.alerts.prune(this.now(), this.policy.keepResolvedMs);
      if ([...this.alerts.values()].length > 0) for (const client of this.clients) client.push();
    }, policy.resendMs);
    this.resend.unref();
  }

  /** One cluster's incidents after a sample; pushed at once when they changed. */
  update(incidents: IncidentAlerts): void {
    if (this.alerts.take(incidents)) for (const client of this.clients) client.push();
  }

  stats(): Array<{ host: string; stats: PushStats }> {
    return this.clients.map((client) => ({ host: client.target.host, stats: { ...client.stats } }));
  }

  /** Sends what changed last (a resolution on the way out) for up to `graceMs`, then stops. */
  async close(graceMs: number): Promise<void> {
    clearInterval(this.resend);
    await Promise.race([Promise.all(this.clients.map((client) => client.idle())), sleep(graceMs)]);
    this.stopping.abort();
    await Promise.all(this.clients.map((client) => client.idle()));
  }
}
