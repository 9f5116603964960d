// Small words and numbers for the page: times, durations, node labels. Pure.

/** "12:01:03" in the viewer's local time. */
export function clock(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour12: false });
}

/** "2024-05-01 12:01:03" */
export function dateTime(ms: number): string {
  const date = new Date(ms);
  const pad = (value: number): string => String(value).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${clock(ms)}`;
}

/** "850 ms", "4.2 s", "3 min 5 s", "2 h 10 min". */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min ${Math.floor((ms % 60_000) / 1000)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** The first 8 characters of a node id, as redis-cli --cluster prints them. */
export function shortId(id: string | null): string {
  return id === null ? "?" : id.slice(0, 8);
}

/** "#3": nodes are numbered as in the matrix, everywhere on the page. */
export function numbered(addresses: readonly string[], address: string): string {
  const index = addresses.indexOf(address);
  return index < 0 ? "" : `#${index + 1}`;
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
