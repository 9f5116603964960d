import { describe, expect, it } from "vitest";
import { ownersByInode, parseProcNetTcp, ProcNetParseError, socketInode } from "../../../src/hostaudit/sockets.js";
import { fixtureFacts, fixtureText } from "./fixtures.js";

describe("parseProcNetTcp on a real lab's /proc/net/tcp", () => {
  const sockets = parseProcNetTcp(fixtureText("lab-bus-in-drop", "proc-net-tcp.txt"), 4);

  it("finds the three nodes listening on 6379 and 16379, each on its own address", () => {
    const listening = sockets.filter((socket) => socket.listening).map((socket) => `${socket.localAddress}:${socket.localPort}`);
    expect(listening.sort()).toEqual(["127.0.0.1:16379", "127.0.0.1:6379", "127.0.0.2:16379", "127.0.0.2:6379", "127.0.0.3:16379", "127.0.0.3:6379"]);
  });

  it("reads connections too, not as listening sockets", () => {
    expect(sockets.some((socket) => !socket.listening)).toBe(true);
    expect(sockets.every((socket) => socket.version === 4 && socket.uid === 0)).toBe(true);
  });
});

describe("parseProcNetTcp on a real /proc/net/tcp6", () => {
  it("decodes ::1 and the wildcard ::", () => {
    const sockets = parseProcNetTcp(fixtureText("host-firewall", "proc-net-tcp6.txt"), 6);
    expect(sockets.map((socket) => [socket.localAddress, socket.localPort, socket.listening])).toEqual([
      ["::1", 7000, true],
      ["::", 7001, true],
    ]);
  });

  it.each([
    { what: "v4-mapped", hex: "0000000000000000FFFF00000300007F", address: "::ffff:127.0.0.3" },
    { what: "a global address", hex: "B80D0120000000000000000001000000", address: "2001:db8::1" },
  ])("decodes $what", ({ hex, address }) => {
    const line = `   0: ${hex}:3FFB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1234 1 0 100 0 0 10 0`;
    expect(parseProcNetTcp(line, 6)[0]?.localAddress).toBe(address);
  });
});

describe("parse errors name the file and the line", () => {
  it.each([
    { text: "   0: 0100007F 00000000:0000 0A", problem: /^\/proc\/net\/tcp line 1: expected sl: local_address/ },
    {
      text: "   0: 0100007:18EB 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 480109 1",
      problem: /line 1: expected a local address of 8 hex digits/,
    },
  ])("$text", ({ text, problem }) => {
    expect(() => parseProcNetTcp(text, 4)).toThrow(ProcNetParseError);
    expect(() => parseProcNetTcp(text, 4)).toThrow(problem);
  });
});

describe("socket owners", () => {
  it("reads socket inodes from fd links and nothing else", () => {
    expect(socketInode("socket:[480129]")).toBe(480129);
    expect(socketInode("pipe:[480129]")).toBeNull();
    expect(socketInode("/var/log/redis.log")).toBeNull();
  });

  it("maps each recorded redis-server's listening sockets to its pid", () => {
    const { processes, procNetTcp } = fixtureFacts("lab-bus-in-drop");
    const owners = ownersByInode(processes);
    const sockets = parseProcNetTcp(procNetTcp.ok ? procNetTcp.text : "", 4).filter((socket) => socket.listening);
    expect(sockets.map((socket) => owners.get(socket.inode)?.comm)).toEqual(sockets.map(() => "redis-server"));
    expect(new Set(sockets.map((socket) => owners.get(socket.inode)?.pid)).size).toBe(3);
  });
});
