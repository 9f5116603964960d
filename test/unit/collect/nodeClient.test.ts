// The node client on real sockets against small in-process servers that misbehave the way issue 9's
// hostile servers do: every pipeline ends within the timeout, and a connection that timed out, broke
// RESP or sent what nobody asked for is destroyed (the server sees it close), so nothing buffers on.
import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { openSession, type ClientSettings, type NodeConnection } from "../../../src/collect/nodeClient.js";

const SETTINGS: ClientSettings = { timeoutMs: 300, user: null, password: null, tls: null, maxReplyBytes: 4096 };

interface FakeServer {
  port: number;
  /** Resolves when the server sees busdoctor's connection close. */
  closed: Promise<void>;
  received: () => string;
}

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** A server on 127.0.0.1 that answers each chunk it receives with `answer` (nothing when it returns null). */
async function fakeServer(answer: (data: string, socket: Socket) => string | null): Promise<FakeServer> {
  let received = "";
  let markClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (markClosed = resolve));
  const server = createServer((socket) => {
    socket.on("data", (data) => {
      received += data.toString();
      const reply = answer(data.toString(), socket);
      if (reply !== null && !socket.destroyed) socket.write(reply);
    });
    socket.on("close", markClosed);
    socket.on("error", () => undefined);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return { port: typeof address === "object" && address !== null ? address.port : 0, closed, received: () => received };
}

async function connected(server: FakeServer, settings = SETTINGS): Promise<NodeConnection> {
  const session = await openSession("127.0.0.1", server.port, settings);
  if (session.client === null) throw new Error(JSON.stringify(session.connection));
  return session.client;
}

describe("NodeConnection", () => {
  it("pipelines commands in one write and matches the replies in order, each timed", async () => {
    const server = await fakeServer(() => "+PONG\r\n$3\r\nabc\r\n-ERR no\r\n");
    const client = await connected(server);
    const results = await client.pipeline([["PING"], ["CLUSTER", "MYID"], ["NOSUCH"]]);
    expect(results.map(({ ms: _ms, ...rest }) => rest)).toEqual([
      { ok: true, reply: "PONG" },
      { ok: true, reply: "abc" },
      { ok: false, kind: "error", error: "ERR no" },
    ]);
    expect(server.received()).toBe("*1\r\n$4\r\nPING\r\n*2\r\n$7\r\nCLUSTER\r\n$4\r\nMYID\r\n*1\r\n$6\r\nNOSUCH\r\n");
    expect(client.alive).toBe(true);
    client.close();
  });

  it("fails what a silent server never answers within the timeout, and destroys the connection", async () => {
    const server = await fakeServer(() => null);
    const client = await connected(server);
    const started = performance.now();
    const [result] = await client.pipeline([["PING"]]);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(result).toMatchObject({ ok: false, kind: "timeout", error: "connected but no reply within 300 ms (hung or paused process?)" });
    expect(client.alive).toBe(false);
    await server.closed;
    const [later] = await client.pipeline([["PING"]]);
    expect(later).toMatchObject({ ok: false, kind: "timeout" });
  });

  it("times out a server that trickles its reply, however many bytes have arrived", async () => {
    const server = await fakeServer((_data, socket) => {
      const reply = "+PONG\r\n";
      reply.split("").forEach((char, index) => setTimeout(() => !socket.destroyed && socket.write(char), 100 * (index + 1)));
      return null;
    });
    const client = await connected(server);
    const [result] = await client.pipeline([["PING"]]);
    expect(result).toMatchObject({ ok: false, kind: "timeout" });
    await server.closed;
  });

  it("destroys a connection that sends garbage, failing the rest of the pipeline with the reason", async () => {
    const server = await fakeServer(() => "+PONG\r\n\u0000GARBAGE\r\n");
    const client = await connected(server);
    const results = await client.pipeline([["PING"], ["CLUSTER", "NODES"], ["INFO"]]);
    expect(results.map((result) => (result.ok ? "ok" : `${result.kind}: ${result.error}`))).toEqual([
      "ok",
      "protocol: unreadable reply: not a RESP2 reply (first byte 0x00)",
      "protocol: unreadable reply: not a RESP2 reply (first byte 0x00)",
    ]);
    await server.closed;
  });

  it("stops reading a reply past the limit and closes, however much the server still sends", async () => {
    const server = await fakeServer((_data, socket) => {
      socket.write("$209715200\r\n");
      socket.write(Buffer.alloc(64 * 1024, "x"));
      return null;
    });
    const client = await connected(server);
    const [result] = await client.pipeline([["CLUSTER", "NODES"]]);
    expect(result).toMatchObject({
      ok: false,
      kind: "protocol",
      error: "unreadable reply: too large: a reply larger than 4 KiB, the most busdoctor reads (see --max-nodes)",
    });
    await server.closed;
  });

  it("closes on replies nobody asked for (a server that floods +PONG)", async () => {
    const server = await fakeServer(() => "+PONG\r\n".repeat(50));
    const client = await connected(server);
    const [result] = await client.pipeline([["PING"]]);
    expect(result).toMatchObject({ ok: true, reply: "PONG" });
    await server.closed;
    expect(client.alive).toBe(false);
  });

  it("says a reply was cut off when the server closes in the middle of it", async () => {
    const server = await fakeServer((_data, socket) => {
      socket.end("$100\r\nhalf a rep");
      return null;
    });
    const client = await connected(server);
    const [result] = await client.pipeline([["CLUSTER", "NODES"]]);
    expect(result).toMatchObject({ ok: false, kind: "connection", error: "connection closed in the middle of a reply" });
  });

  it("authenticates before anything else and ends the session on WRONGPASS", async () => {
    const server = await fakeServer(() => "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
    const session = await openSession("127.0.0.1", server.port, { ...SETTINGS, user: "ops", password: "s3cret" });
    expect(session.client).toBeNull();
    expect(session.connection).toMatchObject({ ok: false, kind: "wrongpass" });
    expect(server.received()).toBe("*3\r\n$4\r\nAUTH\r\n$3\r\nops\r\n$6\r\ns3cret\r\n");
    await server.closed;
  });

  it("names a refused connect", async () => {
    const server = await fakeServer(() => null);
    servers.pop()?.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const session = await openSession("127.0.0.1", server.port, SETTINGS);
    expect(session.connection).toMatchObject({ ok: false, kind: "connection", error: "connection refused" });
  });
});
