// A small read-only router that /metrics, the dashboard (and later a Prometheus http_sd endpoint)
// register routes on. Every route answers GET and HEAD (Node drops a HEAD response's body itself);
// any other method is 405, since nothing served here may change anything. Before routing, the Host
// header is checked (a page on another site cannot read a loopback endpoint through DNS rebinding)
// and, when configured, the credentials.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { authorized, challenge, type HttpAuth } from "./auth.js";
import { isLoopbackHost } from "./listen.js";

export interface HttpRequest {
  method: "GET" | "HEAD";
  url: URL;
  headers: IncomingHttpHeaders;
  /** The connection, for handlers that stream (server-sent events) and must notice it closing. */
  raw: IncomingMessage;
}

export type RouteHandler = (request: HttpRequest, response: ServerResponse) => void | Promise<void>;

export interface RouterOptions {
  auth: HttpAuth | null;
  /** Bound to loopback: only requests naming a loopback host are answered (DNS rebinding). */
  loopbackOnly: boolean;
}

/** Sent with every response: nothing here is cacheable, embeddable, or to be sniffed as another type. */
const COMMON_HEADERS: Record<string, string> = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cross-origin-resource-policy": "same-origin",
};

const ALLOWED_METHODS = "GET, HEAD";

/** A whole response with its length (so that HEAD gets the same headers as GET). */
export function send(response: ServerResponse, status: number, type: string, body: Buffer | string, headers: Record<string, string> = {}): void {
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  response.writeHead(status, { "content-type": type, "content-length": String(bytes.length), ...headers });
  response.end(bytes);
}

export function sendText(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  send(response, status, "text/plain; charset=utf-8", text, headers);
}

export function sendJson(response: ServerResponse, value: unknown): void {
  send(response, 200, "application/json; charset=utf-8", JSON.stringify(value));
}

/** The host part of a Host header: "127.0.0.1:9464" -> "127.0.0.1", "[::1]:9464" -> "::1". */
function hostHeaderName(header: string): string {
  const bracketed = /^\[([^\]]*)\](?::\d+)?$/.exec(header);
  if (bracketed) return bracketed[1] ?? "";
  return header.replace(/:\d+$/, "");
}

export class Router {
  private readonly exact = new Map<string, RouteHandler>();
  private readonly prefixes: Array<{ prefix: string; handler: RouteHandler }> = [];

  constructor(private readonly options: RouterOptions) {}

  /** Serves `path` exactly (a query string aside). */
  get(path: string, handler: RouteHandler): this {
    if (this.exact.has(path)) throw new Error(`route ${path} registered twice`);
    this.exact.set(path, handler);
    return this;
  }

  /** Serves every path under `prefix` (which ends with "/"). */
  getUnder(prefix: string, handler: RouteHandler): this {
    this.prefixes.push({ prefix, handler });
    return this;
  }

  /** The paths registered, for the 404 text: it tells a user where things are. */
  get paths(): string[] {
    return [...this.exact.keys()];
  }

  private find(path: string): RouteHandler | null {
    return this.exact.get(path) ?? this.prefixes.find((route) => path.startsWith(route.prefix))?.handler ?? null;
  }

  handle(raw: IncomingMessage, response: ServerResponse): void {
    for (const [name, value] of Object.entries(COMMON_HEADERS)) response.setHeader(name, value);
    const host = raw.headers.host ?? "";
    if (this.options.loopbackOnly && !isLoopbackHost(hostHeaderName(host))) {
      sendText(response, 421, "this endpoint only answers requests addressed to a loopback host (127.0.0.1, localhost, [::1])\n");
      return;
    }
    if (raw.method !== "GET" && raw.method !== "HEAD") {
      sendText(response, 405, `method ${raw.method ?? "?"} not allowed: this endpoint is read-only (${ALLOWED_METHODS})\n`, { allow: ALLOWED_METHODS });
      return;
    }
    const { auth } = this.options;
    if (auth !== null && !authorized(raw.headers.authorization, auth)) {
      sendText(response, 401, "credentials required\n", { "www-authenticate": challenge(auth) });
      return;
    }
    let url: URL;
    try {
      url = new URL(raw.url ?? "/", "http://busdoctor.invalid");
    } catch {
      sendText(response, 400, "bad request path\n");
      return;
    }
    const handler = this.find(url.pathname);
    if (handler === null) {
      sendText(response, 404, `not found: this endpoint serves ${this.paths.join(", ")}\n`);
      return;
    }
    const request: HttpRequest = { method: raw.method, url, headers: raw.headers, raw };
    const failed = (error: unknown): void => {
      if (response.headersSent) response.destroy();
      else sendText(response, 500, `cannot answer ${url.pathname}: ${error instanceof Error ? error.message : String(error)}\n`);
    };
    try {
      const pending = handler(request, response);
      if (pending) pending.catch(failed);
    } catch (error) {
      failed(error);
    }
  }
}
