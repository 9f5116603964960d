// RESP2, both ways, bounded: commands encoded as arrays of bulk strings, replies read incrementally
// from whatever chunks the socket delivers. Pure (no sockets). Each byte is looked at once however the
// reply is split, and no reply may grow past its byte limit, nest deeper than MAX_DEPTH, or hold a line
// longer than MAX_LINE_BYTES: a server that streams without end, sends a 200 MB bulk string or garbage
// costs at most the limit, and the reader says which rule it broke.
import type { RawReply } from "../model/snapshot.js";
import { formatBytes } from "./limits.js";

/** A reply line (`+PONG`, `-ERR ...`, `:42`, `$5`, `*3`) longer than this is no Redis reply. */
const MAX_LINE_BYTES = 64 * 1024;
/** Replies busdoctor reads nest two deep (CLUSTER LINKS: an array of flat arrays). */
const MAX_DEPTH = 8;
/** The smallest encoding of one array element (`+\r\n`): a header promising more than fit is refused at once. */
const MIN_ELEMENT_BYTES = 3;
const CR = 13;
const LF = 10;

/** The reply broke RESP or a limit; the connection cannot be trusted past this point. */
export class RespProtocolError extends Error {
  constructor(
    message: string,
    /** The reply was well formed so far but larger than the limit (not garbage). */
    readonly tooLarge = false,
  ) {
    super(message);
    this.name = "RespProtocolError";
  }
}

/** One top-level reply: a value, or the server's error line (without the `-`). */
export type RespReply = { ok: true; value: RawReply } | { ok: false; error: string };

/**
 * Bytes a run may still read, shared by every connection of one collection or one watch sample, so
 * that a thousand hostile nodes cannot each fill their own per-reply limit.
 */
export class ReadBudget {
  constructor(private left: number) {}

  take(bytes: number): boolean {
    this.left -= bytes;
    return this.left >= 0;
  }
}

/** `PING` -> `*1\r\n$4\r\nPING\r\n`: what every client sends, whatever the arguments hold. */
export function encodeCommand(args: readonly string[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = Buffer.from(arg, "utf8");
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from("\r\n"));
  }
  return Buffer.concat(parts);
}

interface ArrayFrame {
  items: RawReply[];
  left: number;
}

/** What one chunk gave: the replies it completed, and the rule the stream broke after them, if any. */
export interface Pushed {
  replies: RespReply[];
  /** Once set, the stream cannot be read further: the connection must go. */
  error: RespProtocolError | null;
}

/** Reads replies from a byte stream; `push` returns every reply the chunk completed. */
export class RespReader {
  /** A line not yet ended by CRLF (at most MAX_LINE_BYTES). */
  private partialLine: Buffer | null = null;
  /** While a bulk string is read: its length and the chunks so far (with its CRLF). */
  private bulk: { length: number; chunks: Buffer[]; have: number } | null = null;
  private readonly stack: ArrayFrame[] = [];
  /** Bytes of the reply being read so far. */
  private replyBytes = 0;

  private budget: ReadBudget | null = null;

  constructor(private readonly maxReplyBytes: number) {}

  /** Charges every byte read from now on to `budget` (null: no budget). */
  useBudget(budget: ReadBudget | null): void {
    this.budget = budget;
  }

  /** Whether a reply has started and not ended: a close now cuts it off mid-reply. */
  get midReply(): boolean {
    return this.replyBytes > 0;
  }

  push(chunk: Buffer): Pushed {
    const replies: RespReply[] = [];
    try {
      this.read(chunk, replies);
    } catch (error) {
      if (!(error instanceof RespProtocolError)) throw error;
      return { replies, error };
    }
    return { replies, error: null };
  }

  private read(chunk: Buffer, replies: RespReply[]): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.bulk !== null) {
        offset = this.readBulk(chunk, offset, replies);
        continue;
      }
      const newline = chunk.indexOf(LF, offset);
      const end = newline === -1 ? chunk.length : newline + 1;
      this.count(end - offset);
      const piece = chunk.subarray(offset, end);
      offset = end;
      const line = this.partialLine === null ? piece : Buffer.concat([this.partialLine, piece]);
      if (line.length > MAX_LINE_BYTES) throw new RespProtocolError(`a reply line longer than ${MAX_LINE_BYTES} bytes`);
      if (newline === -1) {
        this.partialLine = line;
        continue;
      }
      this.partialLine = null;
      if (line.length < 2 || line[line.length - 2] !== CR) throw new RespProtocolError("a reply line not ended by CRLF");
      this.readLine(line.subarray(0, line.length - 2), replies);
    }
  }

  private tooLarge(): RespProtocolError {
    return new RespProtocolError(`a reply larger than ${formatBytes(this.maxReplyBytes)}, the most busdoctor reads (see --max-nodes)`, true);
  }

  private count(bytes: number): void {
    this.replyBytes += bytes;
    if (this.replyBytes > this.maxReplyBytes) throw this.tooLarge();
    if (this.budget !== null && !this.budget.take(bytes)) throw new RespProtocolError("the replies of this run went past busdoctor's memory budget");
  }

  private readLine(line: Buffer, replies: RespReply[]): void {
    const type = line[0];
    const text = line.toString("utf8", 1);
    switch (type) {
      case 0x2b: // +
        return this.complete(text, replies);
      case 0x2d: // -
        // An error inside an array (never in the replies busdoctor reads) is kept as its text.
        if (this.stack.length > 0) return this.complete(text, replies);
        this.replyBytes = 0;
        replies.push({ ok: false, error: text });
        return;
      case 0x3a: // :
        return this.complete(this.integer(text), replies);
      case 0x24: {
        // $
        const length = this.integer(text);
        if (length === -1) return this.complete(null, replies);
        if (length < 0) throw new RespProtocolError(`a bulk string of length ${length}`);
        if (this.replyBytes + length + 2 > this.maxReplyBytes) throw this.tooLarge();
        this.bulk = { length, chunks: [], have: 0 };
        return;
      }
      case 0x2a: {
        // *
        const length = this.integer(text);
        if (length === -1) return this.complete(null, replies);
        if (length < 0) throw new RespProtocolError(`an array of length ${length}`);
        if (this.replyBytes + length * MIN_ELEMENT_BYTES > this.maxReplyBytes) throw this.tooLarge();
        if (length === 0) return this.complete([], replies);
        if (this.stack.length >= MAX_DEPTH) throw new RespProtocolError(`arrays nested deeper than ${MAX_DEPTH}`);
        this.stack.push({ items: [], left: length });
        return;
      }
      default:
        throw new RespProtocolError(`not a RESP2 reply (first byte ${type === undefined ? "missing" : `0x${type.toString(16).padStart(2, "0")}`})`);
    }
  }

  private integer(text: string): number {
    const value = /^-?\d{1,16}$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(value))
      throw new RespProtocolError(`expected an integer, got ${text.length > 20 ? `${text.length} characters` : JSON.stringify(text)}`);
    return value;
  }

  private readBulk(chunk: Buffer, offset: number, replies: RespReply[]): number {
    const bulk = this.bulk as { length: number; chunks: Buffer[]; have: number };
    const take = Math.min(chunk.length - offset, bulk.length + 2 - bulk.have);
    this.count(take);
    bulk.chunks.push(chunk.subarray(offset, offset + take));
    bulk.have += take;
    if (bulk.have === bulk.length + 2) {
      const whole = bulk.chunks.length === 1 ? (bulk.chunks[0] as Buffer) : Buffer.concat(bulk.chunks);
      this.bulk = null;
      if (whole[bulk.length] !== CR || whole[bulk.length + 1] !== LF) throw new RespProtocolError("a bulk string not ended by CRLF");
      this.complete(whole.toString("utf8", 0, bulk.length), replies);
    }
    return offset + take;
  }

  /** A value is complete: it fills its array, or it is a whole reply. */
  private complete(value: RawReply, replies: RespReply[]): void {
    let done = value;
    for (let frame = this.stack.at(-1); frame !== undefined; frame = this.stack.at(-1)) {
      frame.items.push(done);
      frame.left -= 1;
      if (frame.left > 0) return;
      this.stack.pop();
      done = frame.items;
    }
    this.replyBytes = 0;
    replies.push({ ok: true, value: done });
  }
}
