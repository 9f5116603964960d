// Server-sent events for the dashboard: each sample goes to every open stream, and a browser that
// reconnects with Last-Event-ID gets the samples it missed from a bounded ring, or a reset when they
// are gone (or the id is from an earlier run of the monitor). Subscribers are capped, and one that
// stops reading is dropped once its buffer passes a bound: a stalled tab cannot grow the monitor.
import type { ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import { sendText, type HttpRequest } from "../http/router.js";

export interface StreamLimits {
  /** Open streams at once; past it a new one gets 503. */
  maxSubscribers: number;
  /** Bytes queued to one subscriber before it is dropped. */
  maxBufferedBytes: number;
  /** A comment line this often keeps proxies and the browser from timing the stream out. */
  heartbeatMs: number;
  /** How many serialized samples are kept to resume from. */
  ringSize: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = { maxSubscribers: 16, maxBufferedBytes: 4 * 1024 * 1024, heartbeatMs: 15_000, ringSize: 120 };

/** How long the browser waits before reconnecting (the `retry:` field). */
const RETRY_MS = 2000;

/** "id: <boot>.<seq>" lines and one data line: JSON never holds a raw newline. */
export function formatEvent(boot: string, seq: number, event: string, data: unknown): string {
  return `id: ${boot}.${seq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The sample number a Last-Event-ID names, or null when it is absent, malformed or from another run. */
export function resumeFrom(lastEventId: string | undefined, boot: string): number | null {
  const match = /^([0-9a-f]+)\.(\d{1,15})$/.exec(lastEventId?.trim() ?? "");
  if (!match || match[1] !== boot) return null;
  return Number(match[2]);
}

/** The last `capacity` serialized samples, by sequence number. Pure data. */
export class EventRing {
  private readonly entries: Array<{ seq: number; text: string }> = [];

  constructor(private readonly capacity: number) {}

  push(seq: number, text: string): void {
    this.entries.push({ seq, text });
    if (this.entries.length > this.capacity) this.entries.shift();
  }

  clear(): void {
    this.entries.length = 0;
  }

  /**
   * The samples after `seq`, in order, when the ring holds every one of them up to the latest
   * (`latestSeq`); null when some are gone and the subscriber needs a reset instead.
   */
  after(seq: number, latestSeq: number): string[] | null {
    if (seq === latestSeq) return [];
    if (seq > latestSeq) return null;
    const first = this.entries.findIndex((entry) => entry.seq === seq + 1);
    if (first < 0) return null;
    const missed = this.entries.slice(first);
    const contiguous = missed.every((entry, index) => entry.seq === seq + 1 + index) && missed.at(-1)?.seq === latestSeq;
    return contiguous ? missed.map((entry) => entry.text) : null;
  }
}

export class EventStream {
  /** Names this run of the monitor in event ids: ids from an earlier run never resume. */
  readonly boot = randomBytes(4).toString("hex");
  readonly ring: EventRing;
  private readonly subscribers = new Set<ServerResponse>();
  private readonly heartbeat: NodeJS.Timeout;
  /** When the last subscriber left (or now, while there are some). */
  private lastSeenAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly limits: StreamLimits = DEFAULT_STREAM_LIMITS) {
    this.ring = new EventRing(limits.ringSize);
    this.heartbeat = setInterval(() => this.write(": keep-alive\n\n"), limits.heartbeatMs);
    this.heartbeat.unref();
  }

  get count(): number {
    return this.subscribers.size;
  }

  /** Whether someone is (or was, within `windowMs`) listening: only then are samples serialized. */
  wanted(now: number, windowMs: number): boolean {
    return this.subscribers.size > 0 || now - this.lastSeenAt < windowMs;
  }

  /**
   * Opens a stream: headers, then what `initial` returns for the Last-Event-ID the browser sent
   * (the missed samples, or a reset). HEAD gets the headers only.
   */
  open(request: HttpRequest, response: ServerResponse, initial: (lastEventId: string | undefined) => string[]): void {
    if (request.method === "GET" && this.subscribers.size >= this.limits.maxSubscribers) {
      sendText(response, 503, `too many open dashboard streams (${this.limits.maxSubscribers})\n`, { "retry-after": "10" });
      return;
    }
    response.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", connection: "keep-alive", "x-accel-buffering": "no" });
    if (request.method === "HEAD") {
      response.end();
      return;
    }
    const header = request.headers["last-event-id"];
    const lastEventId = Array.isArray(header) ? header[0] : header;
    response.write(`retry: ${RETRY_MS}\n\n`);
    for (const text of initial(lastEventId)) response.write(text);
    this.subscribers.add(response);
    const leave = (): void => {
      if (this.subscribers.delete(response)) this.lastSeenAt = Date.now();
    };
    request.raw.socket.setTimeout(0);
    response.on("close", leave);
    response.on("error", leave);
  }

  /** Sends one serialized event to every subscriber, dropping those that stopped reading. */
  write(text: string): void {
    for (const response of this.subscribers) {
      if (response.writableLength > this.limits.maxBufferedBytes) {
        this.subscribers.delete(response);
        this.lastSeenAt = Date.now();
        response.destroy();
        continue;
      }
      response.write(text);
    }
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const response of this.subscribers) response.end();
    this.subscribers.clear();
  }
}
