// --webhook URL: every alert event as a JSON POST, in order, retried with exponential backoff until the
// receiver takes it (any 2xx). Events wait in a bounded queue (the oldest is dropped when it is full, and
// counted), and delivery runs beside the sampling loop: a dead receiver never delays a sample.
// The receiver is not trusted either (src/http/post.ts: its reply read up to a cap, redirects only on the
// same origin), and logs name it by its origin only (the path and query often hold a token). A URL with credentials
// (https://user:pass@host/) is refused at start without echoing it.
import { setTimeout as sleep } from "node:timers/promises";
import { UsageError } from "../errors.js";
import { parseReceiverUrl, postJson, retryDelayMs } from "../http/post.js";
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

/** How a webhook is named in logs: scheme, host and port, never the path or query (tokens live there). */
export function webhookName(url: URL): string {
  return url.origin;
}

/** Checks a --webhook URL; errors never repeat it, since a webhook URL is often a secret. */
export function parseWebhookUrl(text: string): URL {
  const url = parseReceiverUrl("--webhook", text, "http://host:port/path or https://...");
  if (url.username !== "" || url.password !== "") {
    throw new UsageError(
      "--webhook: a URL with a user name or password (user:pass@host) is refused, as it would show in logs and process lists; use a receiver that takes a secret path or query token",
    );
  }
  return url;
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
  private post(event: AlertEventJson): Promise<string | null> {
    const signal = AbortSignal.any([AbortSignal.timeout(this.policy.requestTimeoutMs), this.stopping.signal]);
    return postJson(this.url, JSON.stringify(event), { "x-busdoctor-event-id": event.eventId }, signal);
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
      if (attempt === 1 || delay === this.policy.maxRetryMs)
        this.warn(`webhook ${webhookName(this.url)}: ${failure}; retrying in ${delay} ms (${this.queue.length} event(s) waiting)`);
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
