// One JSON POST to a receiver busdoctor does not trust (a --webhook, an --alertmanager): its reply body is
// read up to a cap and dropped, a redirect is followed only on the same origin (a 307 elsewhere would
// carry the alerts, and an Alertmanager's credentials, to another host), and what went wrong comes back
// as one printable line that names no URL (webhook paths and queries often hold a token).
import { UsageError } from "../errors.js";
import { printable } from "../text/printable.js";
import { VERSION } from "../version.js";

/** Checks a receiver's URL given to `flag`; errors never repeat the text (it may hold a token or a password). */
export function parseReceiverUrl(flag: string, text: string, expected: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${flag}: not a URL (expected ${expected})`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`${flag}: expected an http or https URL, got ${printable(url.protocol, 20)}`);
  return url;
}

/** A receiver's reply body is read up to this much (to free the connection), the rest dropped. */
const MAX_RESPONSE_BYTES = 64 * 1024;
/** Same-origin redirects followed for one POST. */
const MAX_REDIRECTS = 3;

/** Reads and drops the reply body, at most MAX_RESPONSE_BYTES of it: a receiver streaming without end costs nothing. */
async function discardBody(response: Response): Promise<void> {
  const reader = response.body?.getReader();
  if (reader === undefined) return;
  let read = 0;
  try {
    while (read <= MAX_RESPONSE_BYTES) {
      const chunk = await reader.read();
      if (chunk.done) return;
      read += chunk.value.byteLength;
    }
    await reader.cancel();
  } catch {
    // A body cut short is no failure of the delivery: the status already said.
  }
}

/** POSTs `body` (JSON) to `url`: null when the receiver took it (2xx), else why not. */
export async function postJson(url: URL, body: string, headers: Record<string, string>, signal: AbortSignal): Promise<string | null> {
  try {
    let target = url;
    for (let hops = 0; ; hops++) {
      const response = await fetch(target, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": `busdoctor/${VERSION}`, ...headers },
        body,
        redirect: "manual",
        signal,
      });
      await discardBody(response);
      const location = response.headers.get("location");
      if (response.status < 300 || response.status >= 400 || location === null) return response.ok ? null : `HTTP ${response.status}`;
      const next = new URL(location, target);
      if (next.origin !== url.origin) return `HTTP ${response.status} redirect to another host, not followed`;
      if (hops >= MAX_REDIRECTS) return `HTTP ${response.status}: more than ${MAX_REDIRECTS} redirects`;
      target = next;
    }
  } catch (error) {
    // fetch says "fetch failed"; the cause says why (ECONNREFUSED, a timeout).
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return printable(cause ?? (error instanceof Error ? error.message : String(error)), 200);
  }
}
