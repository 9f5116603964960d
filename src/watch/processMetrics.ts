// The monitor's own process, in the handful of series an operator reads (CPU, memory, file descriptors,
// start time, event-loop delay). prom-client's default set is ~85 series, some of them gauges named
// `_total` that `promtool check metrics` rejects; these are read when scraped.
import { readdirSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Counter, Gauge, type Registry } from "prom-client";

const DELAY_WINDOW_MS = 30_000;
const startSeconds = Date.now() / 1000 - process.uptime();

/** Open file descriptors (Linux); null where /proc is not there. */
function openFds(): number | null {
  try {
    return readdirSync("/proc/self/fd").length;
  } catch {
    return null;
  }
}

export function processMetrics(prefix: string, registers: Registry[]): void {
  new Counter({
    name: `${prefix}process_cpu_seconds_total`,
    help: "User and system CPU time the monitor spent, in seconds.",
    registers,
    collect() {
      const { user, system } = process.cpuUsage();
      this.reset();
      this.inc((user + system) / 1e6);
    },
  });
  new Gauge({
    name: `${prefix}process_resident_memory_bytes`,
    help: "Resident memory of the monitor, in bytes.",
    registers,
    collect() {
      this.set(process.memoryUsage().rss);
    },
  });
  new Gauge({ name: `${prefix}process_start_time_seconds`, help: "When the monitor started (Unix time).", registers }).set(startSeconds);
  new Gauge({
    name: `${prefix}process_open_fds`,
    help: "Open file descriptors of the monitor (about one per node watched).",
    registers,
    collect() {
      const count = openFds();
      if (count !== null) this.set(count);
    },
  });
  // A hung cluster must never slow the others down: a long event-loop delay is where that would show.
  // The maximum covers the last 30 to 60 s, the same for every scraper (two Prometheus servers may scrape).
  const delay = monitorEventLoopDelay({ resolution: 20 });
  delay.enable();
  let previousWindowMax = 0;
  setInterval(() => {
    previousWindowMax = delay.max;
    delay.reset();
  }, DELAY_WINDOW_MS).unref();
  new Gauge({
    name: `${prefix}event_loop_delay_max_seconds`,
    help: "The longest event-loop delay over the last 30 to 60 s: how late the monitor's timers ran.",
    registers,
    collect() {
      this.set(Math.max(previousWindowMax, delay.max) / 1e9);
    },
  });
}
