// The HTTP server under the router: bounded connections and request times, a clear one-line error
// when the address cannot be bound, and a close that does not wait for open event streams.
import { createServer, type Server } from "node:http";
import { EnvironmentError } from "../errors.js";
import { formatAddress } from "../cluster/address.js";
import type { ListenAddress } from "./listen.js";
import type { Router } from "./router.js";

/** Past this many open connections new ones are closed at once: a dashboard tab holds one or two. */
const MAX_CONNECTIONS = 64;
/** A client that has not sent its whole request head by then is dropped (slowloris). */
const HEADERS_TIMEOUT_MS = 10_000;
const KEEP_ALIVE_TIMEOUT_MS = 5_000;

export interface HttpServer {
  readonly server: Server;
  close(): Promise<void>;
}

export function startHttpServer(router: Router, address: ListenAddress, maxConnections = MAX_CONNECTIONS): Promise<HttpServer> {
  const server = createServer(
    { headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: HEADERS_TIMEOUT_MS, keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS },
    (request, response) => router.handle(request, response),
  );
  server.maxConnections = maxConnections;
  // A request body is never read (nothing here takes one): drop whatever a client sends.
  server.on("request", (request) => request.resume());
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      const why = error.code === "EADDRINUSE" ? "the address is in use" : error.code === "EADDRNOTAVAIL" ? "no such local address" : error.message;
      reject(new EnvironmentError(`--listen ${formatAddress(address.host, address.port)}: cannot listen (${why})`));
    });
    server.listen(address.port, address.host, () =>
      resolve({
        server,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            // Event streams never end on their own.
            server.closeAllConnections();
          }),
      }),
    );
  });
}
