// The bounded RESP2 reader: the replies redis-server sends, split anywhere, and what a hostile server
// sends instead (garbage, endless lines, huge or deep replies), each refused with the rule it broke.
import { describe, expect, it } from "vitest";
import { encodeCommand, ReadBudget, RespProtocolError, RespReader, type RespReply } from "../../../src/collect/resp.js";

/** RESP as redis-server 7.0.15 sends it: PING, CONFIG GET, an error, a null bulk, CLUSTER LINKS' shape. */
const REPLIES = [
  "+PONG\r\n",
  "*2\r\n$20\r\ncluster-node-timeout\r\n$4\r\n2000\r\n",
  "-NOPERM this user has no permissions to run the 'config|get' command\r\n",
  "$-1\r\n",
  ":42\r\n",
  "*1\r\n*4\r\n$9\r\ndirection\r\n$2\r\nto\r\n$11\r\ncreate-time\r\n:1700000000000\r\n",
  "$0\r\n\r\n",
  "*0\r\n",
].join("");

const EXPECTED: RespReply[] = [
  { ok: true, value: "PONG" },
  { ok: true, value: ["cluster-node-timeout", "2000"] },
  { ok: false, error: "NOPERM this user has no permissions to run the 'config|get' command" },
  { ok: true, value: null },
  { ok: true, value: 42 },
  { ok: true, value: [["direction", "to", "create-time", 1700000000000]] },
  { ok: true, value: "" },
  { ok: true, value: [] },
];

/** Every reply of the chunks; throws the reader's refusal. */
function readAll(chunks: readonly string[], maxReplyBytes = 1 << 20): RespReply[] {
  const reader = new RespReader(maxReplyBytes);
  return chunks.flatMap((chunk) => {
    const { replies, error } = reader.push(Buffer.from(chunk, "latin1"));
    if (error !== null) throw error;
    return replies;
  });
}

function refusal(chunks: readonly string[], maxReplyBytes = 1 << 20): string {
  try {
    readAll(chunks, maxReplyBytes);
  } catch (error) {
    if (error instanceof RespProtocolError) return error.message;
    throw error;
  }
  return "accepted";
}

describe("RespReader", () => {
  it("reads every reply shape busdoctor meets", () => {
    expect(readAll([REPLIES])).toEqual(EXPECTED);
  });

  it("reads the same replies however the stream is split, down to one byte at a time", () => {
    expect(readAll(REPLIES.split(""))).toEqual(EXPECTED);
    for (let cut = 1; cut < REPLIES.length; cut += 7) expect(readAll([REPLIES.slice(0, cut), REPLIES.slice(cut)])).toEqual(EXPECTED);
  });

  it("keeps UTF-8 split between chunks whole", () => {
    const text = Buffer.from("$4\r\né€\r\n".replace("é€", "\u00e9\u00e9"), "utf8");
    const reader = new RespReader(1000);
    const replies = [...text].flatMap((byte) => reader.push(Buffer.from([byte])).replies);
    expect(replies).toEqual([{ ok: true, value: "\u00e9\u00e9" }]);
  });

  it("says whether a reply is cut off in the middle", () => {
    const reader = new RespReader(1000);
    expect(reader.push(Buffer.from("$10\r\nabc")).replies).toEqual([]);
    expect(reader.midReply).toBe(true);
    reader.push(Buffer.from("defghij\r\n"));
    expect(reader.midReply).toBe(false);
  });

  it.each([
    ["garbage", ["\u0000\u00ffGARBAGE\r\n"], "not a RESP2 reply (first byte 0x00)"],
    ["an HTTP server", ["HTTP/1.1 400 Bad Request\r\n"], "not a RESP2 reply (first byte 0x48)"],
    ["a line without end", ["+", "A".repeat(70_000)], "a reply line longer than 65536 bytes"],
    ["a bare LF", ["+PONG\n"], "a reply line not ended by CRLF"],
    ["a bad integer", [":12x\r\n"], 'expected an integer, got "12x"'],
    ["an absurd bulk length", ["$9999999999999999999999999\r\n"], "expected an integer, got 25 characters"],
    ["a negative length", ["$-5\r\n"], "a bulk string of length -5"],
    ["a bulk without its CRLF", ["$3\r\nabcXY"], "a bulk string not ended by CRLF"],
    ["arrays nested too deep", ["*1\r\n".repeat(9)], "arrays nested deeper than 8"],
  ])("refuses %s", (_name, chunks, message) => {
    expect(refusal(chunks)).toBe(message);
  });

  it.each([
    ["a 200 MB bulk string, from its header alone", ["$209715200\r\n"]],
    ["an array promising a billion elements", ["*1000000000\r\n"]],
    ["a reply that grows past the limit", ["*100000\r\n", "+x\r\n".repeat(400)]],
  ])("refuses %s once it passes the reply limit", (_name, chunks) => {
    expect(refusal(chunks, 1000)).toBe("a reply larger than 1 KiB, the most busdoctor reads (see --max-nodes)");
  });

  it("charges every byte to a shared read budget and stops when it is spent", () => {
    const budget = new ReadBudget(20);
    const first = new RespReader(1000);
    const second = new RespReader(1000);
    first.useBudget(budget);
    second.useBudget(budget);
    expect(first.push(Buffer.from("+0123456789\r\n")).replies).toHaveLength(1);
    expect(second.push(Buffer.from("+0123456789\r\n")).error?.message).toBe("the replies of this run went past busdoctor's memory budget");
  });

  it("marks a refusal for size, not for garbage, and keeps the replies that came before it", () => {
    expect(new RespReader(10).push(Buffer.from("$100\r\n")).error?.tooLarge).toBe(true);
    const garbled = new RespReader(10).push(Buffer.from("+OK\r\n?\r\n"));
    expect(garbled.replies).toEqual([{ ok: true, value: "OK" }]);
    expect(garbled.error?.tooLarge).toBe(false);
  });
});

describe("encodeCommand", () => {
  it("sends every argument as a bulk string, whatever it holds", () => {
    expect(encodeCommand(["AUTH", "user", "p\r\nass word"]).toString()).toBe("*3\r\n$4\r\nAUTH\r\n$4\r\nuser\r\n$11\r\np\r\nass word\r\n");
    expect(encodeCommand(["SET", "\u00e9"]).toString("latin1")).toBe("*2\r\n$3\r\nSET\r\n$2\r\n\u00c3\u00a9\r\n");
  });
});
