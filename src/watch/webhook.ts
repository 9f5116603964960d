// --webhook URL: every alert event as a JSON POST, in order, retried with exponential backoff until the
// receiver takes it (any 2xx). Events wait in a bounded queue (the oldest is dropped when it is full, and
// counted), and delivery runs beside the sampling loop: a dead receiver never delays a sample.
// The receiver is not trusted either: its reply body is read up to a cap and dropped, a redirect is
// followed only on the same origin (a 307 elsewhere would carry the event to another host), and logs
// name the receiver by its origin only (the path and query often hold a token). A URL with credentials
// (https://user:pass@host/) is refused at start without echoing it.
import { setTimeout as sleep } from "node:timers/promises";
import { UsageError } from "../errors.js";
import { printable } from "../text/printable.js";
import { VERSION } from "../version.js";
import type { AlertEventJson } from "./render.js";

export interface WebhookPolicy {
  /** Events held while the receiver is down; past this the oldest are dropped. */
  capacity: number;
  firstRetryMs: number;
  maxRetryMs: number;
  /** One POST may take this long before it counts as failed. */
  requestTimeoutMs: number;
}

export const DEFAULT_WEBHOOK_POLICY: WebhookPolicy = { capacity: 1000, firstRetryMs: 500, maxRetryMs: 30_000, requestTimeoutMs: 5000 };

/** The wait before retry number `attempt` (1-based): 0.5 s, 1 s, 2 s... up to the maximum. */
export function retryDelayMs(policy: WebhookPolicy, attempt: number): number {
  return Math.min(policy.maxRetryMs, policy.firstRetryMs * 2 ** Math.max(0, attempt - 1));
}

/** A FIFO that keeps the newest `capacity` items. Pure bookkeeping, no I/O. */
export class BoundedQueue<T> {
  private readonly items: T[] = [];
  dropped = 0;

  constructor(readonly capacity: number) {}

  get length(): number {
    return this.items.length;
  }

  push(item: T): void {
    this.items.push(item);
    while (this.items.length > this.capacity) {
      this.items.shift();
      this.dropped += 1;
    }
  }

  peek(): T | undefined {
    return this.items[0];
  }

  shift(): T | undefined {
    return this.items.shift();
  }
}

/** A receiver's reply body is read up to this much (to free the connection), the rest dropped. */
const MAX_RESPONSE_BYTES = 64 * 1024;
/** Same-origin redirects followed for one POST. */
const MAX_REDIRECTS = 3;

/** How a webhook is named in logs: scheme, host and port, never the path or query (tokens live there). */
export function webhookName(url: URL): string {
  return url.origin;
}

/** Checks a --webhook URL; errors never repeat it, since a webhook URL is often a secret. */
export function parseWebhookUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError("--webhook: not a URL (expected http://host:port/path or https://...)");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`--webhook: expected an http or https URL, got ${printable(url.protocol, 20)}`);
  if (url.username !== "" || url.password !== "") {
    throw new UsageError("--webhook: a URL with a user name or password (user:pass@host) is refused, as it would show in logs and process lists; use a receiver that takes a secret path or query token");
  }
  return url;
}

/** Reads and drops the reply body, at most MAX_RESPONSE_BYTES of it: a receiver streaming without end costs nothing. */
async function discardBody(response: Response): Promise<void> {
  const reader = response.body?.getReader();
  if (reader === undefined) return;
  let read = 0;
  try {
    while (read <= MAX_RESPONSE_BYTES) {
      const chunk = await reader.read();
      if (chunk.done) return;
      read += chunk.value.byteLength;
    }
    await reader.cancel();
  } catch {
    // A body cut short is no failure of the delivery: the status already said.
  }
}

export interface WebhookStats {
  delivered: number;
  failedAttempts: number;
  dropped: number;
  queued: number;
}

export class WebhookSender {
  private readonly queue: BoundedQueue<AlertEventJson>;
  private running: Promise<void> | null = null;
  private readonly stopping = new AbortController();
  private delivered = 0;
  private failedAttempts = 0;

  constructor(
    readonly url: URL,
    private readonly policy: WebhookPolicy,
    private readonly warn: (line: string) => void,
  ) {
    this.queue = new BoundedQueue(policy.capacity);
  }

  stats(): WebhookStats {
    return { delivered: this.delivered, failedAttempts: this.failedAttempts, dropped: this.queue.dropped, queued: this.queue.length };
  }

  /** Queues the event and returns at once; delivery happens in the background. */
  send(event: AlertEventJson): void {
    const dropped = this.queue.dropped;
    this.queue.push(event);
    if (this.queue.dropped > dropped) this.warn(`webhook ${webhookName(this.url)}: queue full (${this.policy.capacity} events), dropped the oldest`);
    this.running ??= this.drain().finally(() => {
      this.running = null;
    });
  }

  /** One delivery: null when the receiver took it, else why not. */
  private async post(event: AlertEventJson): Promise<string | null> {
    const signal = AbortSignal.any([AbortSignal.timeout(this.policy.requestTimeoutMs), this.stopping.signal]);
    try {
      let target = this.url;
      for (let hops = 0; ; hops++) {
        const response = await fetch(target, {
          method: "POST",
          headers: { "content-type": "application/json", "user-agent": `busdoctor/${VERSION}`, "x-busdoctor-event-id": event.eventId },
          body: JSON.stringify(event),
          redirect: "manual",
          signal,
        });
        await discardBody(response);
        const location = response.headers.get("location");
        if (response.status < 300 || response.status >= 400 || location === null) return response.ok ? null : `HTTP ${response.status}`;
        const next = new URL(location, target);
        if (next.origin !== this.url.origin) return `HTTP ${response.status} redirect to another host, not followed`;
        if (hops >= MAX_REDIRECTS) return `HTTP ${response.status}: more than ${MAX_REDIRECTS} redirects`;
        target = next;
      }
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return printable(cause ?? (error instanceof Error ? error.message : String(error)), 200);
    }
  }

  private async drain(): Promise<void> {
    let attempt = 0;
    for (let event = this.queue.peek(); event !== undefined && !this.stopping.signal.aborted; event = this.queue.peek()) {
      const failure = await this.post(event);
      if (failure === null) {
        if (this.queue.peek() === event) this.queue.shift();
        this.delivered += 1;
        attempt = 0;
        continue;
      }
      this.failedAttempts += 1;
      attempt += 1;
      const delay = retryDelayMs(this.policy, attempt);
      if (attempt === 1 || delay === this.policy.maxRetryMs) this.warn(`webhook ${webhookName(this.url)}: ${failure}; retrying in ${delay} ms (${this.queue.length} event(s) waiting)`);
      try {
        await sleep(delay, undefined, { signal: this.stopping.signal });
      } catch {
        return;
      }
    }
  }

  /** Gives queued events up to `graceMs` to go out, then stops; returns how many were left undelivered. */
  async close(graceMs: number): Promise<number> {
    if (this.running) await Promise.race([this.running, sleep(graceMs)]);
    this.stopping.abort();
    await this.running;
    return this.queue.length;
  }
}
