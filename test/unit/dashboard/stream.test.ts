// /api/stream over a real socket, fed with recorded samples: a new page gets a reset, then each
// sample; a page that reconnects with Last-Event-ID gets exactly the samples it missed, or a reset
// when they are gone or the id is from another run; HEAD opens nothing; streams are capped.
import { request, type ClientRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Dashboard } from "../../../src/dashboard/hub.js";
import { registerDashboard } from "../../../src/dashboard/routes.js";
import { EventRing, resumeFrom } from "../../../src/dashboard/stream.js";
import type { WireReset, WireSample } from "../../../src/dashboard/wire.js";
import { Router } from "../../../src/http/router.js";
import { startHttpServer, type HttpServer } from "../../../src/http/server.js";
import type { Snapshot } from "../../../src/model/snapshot.js";
import { initialState, step, type WatchState } from "../../../src/watch/machine.js";
import { loadRecording } from "../watch/replay.js";

interface Received {
  id: string;
  event: string;
  data: string;
}

/** Opens /api/stream and collects events until `count` arrived; `close` hangs up. */
function listen(port: number, count: number, lastEventId?: string): { events: Promise<Received[]>; close: () => void } {
  let outgoing: ClientRequest | null = null;
  const events = new Promise<Received[]>((resolve, reject) => {
    const received: Received[] = [];
    outgoing = request({ host: "127.0.0.1", port, path: "/api/stream", headers: lastEventId ? { "last-event-id": lastEventId } : {} }, (response) => {
      let buffer = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const field = (name: string): string =>
            block
              .split("\n")
              .find((line) => line.startsWith(`${name}: `))
              ?.slice(name.length + 2) ?? "";
          if (field("event") !== "") received.push({ id: field("id"), event: field("event"), data: field("data") });
          if (received.length >= count) resolve(received);
        }
      });
    });
    outgoing.on("error", reject);
    outgoing.end();
  });
  return { events, close: () => outgoing?.destroy() };
}

describe("the dashboard's event stream", () => {
  const { snapshots } = loadRecording("bus-blocked-both");
  let state: WatchState = initialState();
  let next = 0;
  let server: HttpServer;
  let port = 0;
  const dashboard = new Dashboard({
    intervalMs: 1000,
    history: null,
    seriesMs: 60_000,
    resumeWindowMs: 60_000,
    streamLimits: { maxSubscribers: 2, maxBufferedBytes: 1 << 20, heartbeatMs: 60_000, ringSize: 4 },
  });
  const feed = (samples: number): void => {
    for (let index = 0; index < samples; index += 1) {
      const snapshot = snapshots[next++] as Snapshot;
      const output = step(state, snapshot);
      state = output.state;
      dashboard.observe(output, snapshot);
    }
  };

  beforeAll(async () => {
    const router = new Router({ auth: null, loopbackOnly: true });
    registerDashboard(router, dashboard, null);
    server = await startHttpServer(router, { host: "127.0.0.1", port: 0 });
    const address = server.server.address();
    port = typeof address === "object" && address !== null ? address.port : 0;
  });
  afterAll(async () => {
    dashboard.close();
    await server.close();
  });

  it("sends a new page a reset with the history so far, then every sample as it comes, then resumes after a reconnect", async () => {
    feed(3);
    const first = listen(port, 3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    feed(2);
    const [reset, four, five] = await first.events;
    const boot = reset?.id.split(".")[0] ?? "";
    expect(reset).toMatchObject({ id: `${boot}.3`, event: "reset" });
    const resetData = JSON.parse(reset?.data ?? "{}") as WireReset;
    expect(resetData.series).toHaveLength(3);
    expect(resetData.state?.matrix.addresses.length).toBeGreaterThan(0);
    expect([four?.id, five?.id]).toEqual([`${boot}.4`, `${boot}.5`]);
    expect((JSON.parse(five?.data ?? "{}") as WireSample).seq).toBe(5);
    first.close();
    await new Promise((resolve) => setTimeout(resolve, 100));

    feed(2); // missed while away
    const resumed = listen(port, 2, `${boot}.5`);
    const [six, seven] = await resumed.events;
    expect([six?.event, six?.id, seven?.id]).toEqual(["sample", `${boot}.6`, `${boot}.7`]);
    resumed.close();

    for (const stale of [`${boot}.1`, "0badc0de.6", "garbage"]) {
      const again = listen(port, 1, stale);
      const [event] = await again.events;
      expect(event).toMatchObject({ event: "reset", id: `${boot}.7` });
      again.close();
    }
  });

  it("answers HEAD with the stream's headers and no body, and refuses streams past the cap with 503", async () => {
    const head = await new Promise<{ status: number; type: string | undefined }>((resolve, reject) => {
      const outgoing = request({ host: "127.0.0.1", port, path: "/api/stream", method: "HEAD" }, (response) => {
        response.resume();
        response.on("end", () => resolve({ status: response.statusCode ?? 0, type: response.headers["content-type"] }));
      });
      outgoing.on("error", reject);
      outgoing.end();
    });
    expect(head).toEqual({ status: 200, type: "text/event-stream; charset=utf-8" });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const held = [listen(port, 1), listen(port, 1)];
    await Promise.all(held.map((one) => one.events));
    const refused = await new Promise<number>((resolve) => {
      request({ host: "127.0.0.1", port, path: "/api/stream" }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      }).end();
    });
    expect(refused).toBe(503);
    for (const one of held) one.close();
  });
});

describe("resume bookkeeping", () => {
  it("replays only an unbroken run up to the latest sample", () => {
    const ring = new EventRing(3);
    for (const seq of [1, 2, 3, 4]) ring.push(seq, `e${seq}`);
    expect(ring.after(2, 4)).toEqual(["e3", "e4"]);
    expect(ring.after(4, 4)).toEqual([]);
    expect(ring.after(1, 4)).toEqual(["e2", "e3", "e4"]);
    expect(ring.after(0, 4)).toBeNull(); // sample 1 left the ring
    expect(ring.after(5, 4)).toBeNull();
    ring.clear();
    expect(ring.after(3, 4)).toBeNull();
  });

  it("reads only ids of this run", () => {
    expect(resumeFrom("ab12.17", "ab12")).toBe(17);
    expect(resumeFrom("cd34.17", "ab12")).toBeNull();
    expect(resumeFrom(undefined, "ab12")).toBeNull();
    expect(resumeFrom("ab12.1e9", "ab12")).toBeNull();
  });
});
