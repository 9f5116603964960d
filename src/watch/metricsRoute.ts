// GET /metrics on watch's HTTP endpoint: the registry in Prometheus text format.
import type { Registry } from "prom-client";
import { send, type RouteHandler } from "../http/router.js";

export function metricsRoute(registry: Registry): RouteHandler {
  return async (_request, response) => send(response, 200, registry.contentType, await registry.metrics());
}
