// The Prometheus endpoint: GET /metrics on the address --listen names (127.0.0.1 unless a host is given).
import { createServer, type Server } from "node:http";
import { isIPv6 } from "node:net";
import { EnvironmentError, UsageError } from "../errors.js";
import type { Registry } from "prom-client";
import { formatAddress } from "../cluster/address.js";

export interface ListenAddress {
  host: string;
  port: number;
}

/** "9464" (loopback only), "0.0.0.0:9464", "[::1]:9464". */
export function parseListen(text: string): ListenAddress {
  const match = /^(?:\[([^\]]+)\]:|([^:[\]]+):)?(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[3]) : Number.NaN;
  if (!match || !(port >= 1 && port <= 65535)) throw new UsageError(`--listen: expected [host:]port such as 9464 or 0.0.0.0:9464, got "${text}"`);
  const host = match[1] ?? match[2] ?? "127.0.0.1";
  if (match[1] !== undefined && !isIPv6(host)) throw new UsageError(`--listen: "${host}" in brackets is not an IPv6 address`);
  return { host, port };
}

export function serveMetrics(registry: Registry, address: ListenAddress): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method !== "GET" || (request.url !== "/metrics" && !request.url?.startsWith("/metrics?"))) {
      response.writeHead(request.url === "/" ? 200 : 404, { "content-type": "text/plain; charset=utf-8" });
      response.end(request.url === "/" ? "busdoctor watch: metrics at /metrics\n" : "not found: metrics are at /metrics\n");
      return;
    }
    registry.metrics().then(
      (text) => {
        response.writeHead(200, { "content-type": registry.contentType });
        response.end(text);
      },
      (error: unknown) => {
        response.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
        response.end(`cannot render metrics: ${error instanceof Error ? error.message : String(error)}\n`);
      },
    );
  });
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      const why = error.code === "EADDRINUSE" ? "the address is in use" : error.code === "EADDRNOTAVAIL" ? "no such local address" : error.message;
      reject(new EnvironmentError(`--listen ${formatAddress(address.host, address.port)}: cannot listen (${why})`));
    });
    server.listen(address.port, address.host, () => resolve(server));
  });
}
