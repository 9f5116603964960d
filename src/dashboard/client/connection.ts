// The page's live connection: /api/stream (server-sent events). The browser reconnects by itself and
// sends Last-Event-ID; the server then replays the samples missed, or sends a reset. A stream the
// server refused (503 when too many are open) is not retried by the browser: that one is retried here.
import type { WireReset, WireSample } from "../wire.js";

export type LinkStatus = "connecting" | "live" | "reconnecting";

export interface StreamHandlers {
  reset(data: WireReset): void;
  sample(data: WireSample): void;
  status(status: LinkStatus): void;
}

const REFUSED_RETRY_MS = 5000;

export function connect(handlers: StreamHandlers): () => void {
  let source: EventSource | null = null;
  let retry: number | undefined;
  const open = (): void => {
    const current = new EventSource("/api/stream");
    source = current;
    current.addEventListener("open", () => handlers.status("live"));
    current.addEventListener("error", () => {
      handlers.status("reconnecting");
      if (current.readyState === EventSource.CLOSED) retry = window.setTimeout(open, REFUSED_RETRY_MS);
    });
    current.addEventListener("reset", (event) => handlers.reset(JSON.parse((event as MessageEvent<string>).data) as WireReset));
    current.addEventListener("sample", (event) => handlers.sample(JSON.parse((event as MessageEvent<string>).data) as WireSample));
  };
  handlers.status("connecting");
  open();
  return () => {
    window.clearTimeout(retry);
    source?.close();
  };
}
