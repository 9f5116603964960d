// GET /metrics on watch's HTTP endpoint: the registry in Prometheus text format.
import type { Registry } from "prom-client";
import type { RouteHandler } from "../http/router.js";

export function metricsRoute(registry: Registry): RouteHandler {
  return async (_request, response) => {
    const body = Buffer.from(await registry.metrics(), "utf8");
    response.writeHead(200, { "content-type": registry.contentType, "content-length": String(body.length) });
    response.end(body);
  };
}
