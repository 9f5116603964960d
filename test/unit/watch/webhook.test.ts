// The webhook's bookkeeping: the bounded queue, the retry schedule and the URL check.
import { describe, expect, it } from "vitest";
import { BoundedQueue, DEFAULT_WEBHOOK_POLICY, parseWebhookUrl, retryDelayMs, webhookName } from "../../../src/watch/webhook.js";

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
    { text: "not a url with-a-token-9f2c", error: /^--webhook: not a URL \(expected http:\/\/host:port\/path or https:\/\/\.\.\.\)$/ },
    { text: "ftp://127.0.0.1/hook-token-9f2c", error: /^--webhook: expected an http or https URL, got ftp:$/ },
    { text: "https://ops:hunter2-9f2c@alerts.example/hook", error: /^--webhook: a URL with a user name or password \(user:pass@host\) is refused/ },
    { text: "https://:hunter2-9f2c@alerts.example/hook", error: /^--webhook: a URL with a user name or password/ },
    { text: "http://token-9f2c@127.0.0.1:9/hook", error: /^--webhook: a URL with a user name or password/ },
  ])("refuses $text with a one-line message that does not repeat it", ({ text, error }) => {
    expect(() => parseWebhookUrl(text)).toThrow(error);
    try {
      parseWebhookUrl(text);
    } catch (thrown) {
      const message = thrown instanceof Error ? thrown.message : "";
      expect(message).not.toContain("9f2c");
      expect(message).not.toContain("\n");
    }
  });

  it("names a receiver in logs by its origin only, never its path, query or token", () => {
    expect(webhookName(parseWebhookUrl("https://alerts.example:8443/hooks/T0K3N?key=s3cret"))).toBe("https://alerts.example:8443");
  });
});
