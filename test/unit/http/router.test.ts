// watch's HTTP endpoint over real sockets: read-only (GET and HEAD, 405 for the rest), 404 naming
// what is served, Host checked on loopback (DNS rebinding), optional basic/bearer credentials, and a
// cap on connections.
import { connect, type Socket } from "node:net";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Router, sendText } from "../../../src/http/router.js";
import { startHttpServer, type HttpServer } from "../../../src/http/server.js";
import type { HttpAuth } from "../../../src/http/auth.js";

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(port: number, method: string, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: "127.0.0.1", port, method, path, headers }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    outgoing.on("error", reject);
    outgoing.end();
  });
}

async function serve(auth: HttpAuth | null, loopbackOnly = true, maxConnections?: number): Promise<{ server: HttpServer; port: number }> {
  const router = new Router({ auth, loopbackOnly }).get("/hello", (_request, response) => sendText(response, 200, "hello\n"));
  const server = await startHttpServer(router, { host: "127.0.0.1", port: 0 }, maxConnections);
  const address = server.server.address();
  return { server, port: typeof address === "object" && address !== null ? address.port : 0 };
}

describe("router without credentials", () => {
  let served: { server: HttpServer; port: number };
  beforeAll(async () => (served = await serve(null)));
  afterAll(() => served.server.close());

  it("answers GET with the body and HEAD with the same headers and no body", async () => {
    const get = await call(served.port, "GET", "/hello");
    const head = await call(served.port, "HEAD", "/hello");
    expect(get).toMatchObject({ status: 200, body: "hello\n" });
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
    expect(head.headers["content-length"]).toBe(get.headers["content-length"]);
    expect(get.headers["x-content-type-options"]).toBe("nosniff");
    expect(get.headers["cache-control"]).toBe("no-store");
  });

  it.each(["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])("refuses %s with 405 and Allow: GET, HEAD, on known and unknown paths", async (method) => {
    for (const path of ["/hello", "/nowhere"]) {
      const reply = await call(served.port, method, path);
      expect(reply.status).toBe(405);
      expect(reply.headers["allow"]).toBe("GET, HEAD");
    }
  });

  it("says 404 and what it serves for an unknown path", async () => {
    const reply = await call(served.port, "GET", "/nowhere");
    expect(reply.status).toBe(404);
    expect(reply.body).toContain("/hello");
  });

  it("answers only requests addressed to a loopback host (a rebinding name gets 421)", async () => {
    expect((await call(served.port, "GET", "/hello", { host: "attacker.example:9464" })).status).toBe(421);
    for (const host of ["localhost:9464", "127.0.0.1", "[::1]:9464"]) expect((await call(served.port, "GET", "/hello", { host })).status).toBe(200);
  });
});

describe("router with credentials", () => {
  let served: { server: HttpServer; port: number };
  const basic = `Basic ${Buffer.from("ops:s3cret pass").toString("base64")}`;
  beforeAll(async () => (served = await serve({ basic: "ops:s3cret pass", bearer: "tok-123" }, false)));
  afterAll(() => served.server.close());

  it("asks for credentials with a Basic challenge, and takes the right basic or bearer ones only", async () => {
    const none = await call(served.port, "GET", "/hello");
    expect(none.status).toBe(401);
    expect(none.headers["www-authenticate"]).toMatch(/^Basic realm="busdoctor"/);
    expect((await call(served.port, "GET", "/hello", { authorization: basic })).status).toBe(200);
    expect((await call(served.port, "GET", "/hello", { authorization: "Bearer tok-123" })).status).toBe(200);
    expect((await call(served.port, "GET", "/hello", { authorization: "Bearer tok-124" })).status).toBe(401);
    expect((await call(served.port, "GET", "/hello", { authorization: `Basic ${Buffer.from("ops:wrong").toString("base64")}` })).status).toBe(401);
  });

  it("answers any Host when bound beyond loopback (the credentials guard it)", async () => {
    expect((await call(served.port, "GET", "/hello", { host: "dashboard.internal", authorization: "Bearer tok-123" })).status).toBe(200);
  });
});

describe("connection cap", () => {
  it("closes connections past the cap at once and serves again when one goes", async () => {
    const { server, port } = await serve(null, true, 2);
    const open = (): Promise<Socket> =>
      new Promise((resolve) => {
        const socket = connect(port, "127.0.0.1", () => resolve(socket));
      });
    const held = [await open(), await open()];
    const third = await open();
    const closed = await new Promise<boolean>((resolve) => {
      third.on("close", () => resolve(true));
      setTimeout(() => resolve(false), 2000);
    });
    expect(closed).toBe(true);
    held[0]?.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await call(port, "GET", "/hello")).status).toBe(200);
    for (const socket of held) socket.destroy();
    await server.close();
  });
});
