// The dashboard's routes on watch's HTTP endpoint: the page at /, its bundled assets (built into the
// package by scripts/bundle.mjs, read from disk once: nothing is fetched from a network at run time),
// and the read-only API: /api/snapshot, /api/incidents, /api/stream (server-sent events).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { send, sendJson, sendText, type Router } from "../http/router.js";
import type { Dashboard } from "./hub.js";

/** Where the build puts the browser bundle: two levels up from src/dashboard/, dist/dashboard/ and dist/bundle/ alike. */
const ASSET_DIR = new URL("../../dist/assets/dashboard/", import.meta.url);

interface Asset {
  type: string;
  body: Buffer;
}

export type DashboardAssets = Map<string, Asset>;

const ASSET_TYPES: Record<string, string> = {
  "dashboard.js": "text/javascript; charset=utf-8",
  "dashboard.css": "text/css; charset=utf-8",
};

/** The bundled assets, or null when the package was not built (the page then says so; /metrics still works). */
export function loadAssets(dir: URL = ASSET_DIR): DashboardAssets | null {
  const assets: DashboardAssets = new Map();
  for (const [name, type] of Object.entries(ASSET_TYPES)) {
    try {
      assets.set(name, { type, body: readFileSync(fileURLToPath(new URL(name, dir))) });
    } catch {
      return null;
    }
  }
  return assets;
}

/**
 * No inline script or style, nothing from another origin: even a string from a hostile server that
 * slipped into markup could not run. uPlot and Preact set styles through the CSSOM, which this allows.
 */
const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>busdoctor watch</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/dashboard.css">
<script src="/assets/dashboard.js" defer></script>
</head>
<body>
<div id="app"><p class="loading">Loading the dashboard…</p></div>
<noscript><p>The dashboard needs JavaScript. The same data is at <a href="/api/snapshot">/api/snapshot</a> and <a href="/metrics">/metrics</a>.</p></noscript>
</body>
</html>
`;

/** A stethoscope-free mark: a bus of three linked nodes. */
const FAVICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><path d="M3 4L13 4L8 13Z" fill="none" stroke="#0072b2" stroke-width="1.5"/><circle cx="3" cy="4" r="2" fill="#0072b2"/><circle cx="13" cy="4" r="2" fill="#e69f00"/><circle cx="8" cy="13" r="2" fill="#0072b2"/></svg>`;

const NOT_BUILT = "the dashboard's assets are not in this build (run `npm run build`); /metrics and /api/* still work\n";

export function registerDashboard(router: Router, dashboard: Dashboard, assets: DashboardAssets | null): void {
  router
    .get("/", (_request, response) => {
      if (assets === null) sendText(response, 503, NOT_BUILT);
      else send(response, 200, "text/html; charset=utf-8", PAGE, { "content-security-policy": PAGE_CSP });
    })
    .get("/favicon.svg", (_request, response) => send(response, 200, "image/svg+xml", FAVICON))
    .getUnder("/assets/", (request, response) => {
      const asset = assets?.get(request.url.pathname.slice("/assets/".length));
      if (asset === undefined) sendText(response, assets === null ? 503 : 404, assets === null ? NOT_BUILT : "no such asset\n");
      else send(response, 200, asset.type, asset.body);
    })
    .get("/api/snapshot", (_request, response) => sendJson(response, dashboard.reset()))
    .get("/api/incidents", (request, response) => {
      const limit = Number(request.url.searchParams.get("limit") ?? "");
      sendJson(response, dashboard.incidents(Number.isInteger(limit) && limit >= 1 && limit <= 200 ? limit : undefined));
    })
    .get("/api/stream", (request, response) => dashboard.stream.open(request, response, (lastEventId) => dashboard.initialEvents(lastEventId)));
}
