// The webhook's bookkeeping: the bounded queue, the retry schedule and the URL check.
import { describe, expect, it } from "vitest";
import { BoundedQueue, DEFAULT_WEBHOOK_POLICY, parseWebhookUrl, retryDelayMs } from "../../../src/watch/webhook.js";

describe("webhook queue and retries", () => {
  it("keeps the newest events in order and counts what it dropped", () => {
    const queue = new BoundedQueue<number>(3);
    for (const value of [1, 2, 3, 4, 5]) queue.push(value);
    expect([queue.shift(), queue.shift(), queue.shift(), queue.shift()]).toEqual([3, 4, 5, undefined]);
    expect(queue.dropped).toBe(2);
  });

  it.each([
    { attempt: 1, ms: 500 },
    { attempt: 2, ms: 1000 },
    { attempt: 4, ms: 4000 },
    { attempt: 7, ms: 30_000 },
    { attempt: 50, ms: 30_000 },
  ])("retry $attempt waits $ms ms", ({ attempt, ms }) => {
    expect(retryDelayMs(DEFAULT_WEBHOOK_POLICY, attempt)).toBe(ms);
  });

  it.each([
    { text: "not a url", error: /^--webhook: "not a url" is not a URL/ },
    { text: "ftp://127.0.0.1/hook", error: /^--webhook: "ftp:\/\/127.0.0.1\/hook" is not an http or https URL$/ },
  ])("refuses $text with a one-line message", ({ text, error }) => {
    expect(() => parseWebhookUrl(text)).toThrow(error);
  });
});
