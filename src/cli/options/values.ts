// Pure parsers for option values; each throws a UsageError that names the option and the bad value.
import { UsageError } from "../../errors.js";

export function parseInteger(option: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${option}: expected a whole number from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/**
 * The longest duration any option takes: 24 days, just under the longest timer Node.js can set
 * (2^31 - 1 ms, about 24.8 days); past that a timer fires after 1 ms instead (`--sample 40000m`).
 */
const MAX_DURATION_MS = 24 * 24 * 3_600_000;

/** "5s", "1500ms", "1m", or a bare number of seconds; at most 24 days. */
export function parseDuration(option: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  const amount = match ? Number(match[1]) : Number.NaN;
  const unit = UNIT_MS[match?.[2] ?? "s"] ?? 1000;
  const ms = Math.round(amount * unit);
  if (!match || !Number.isFinite(ms) || ms <= 0) {
    throw new UsageError(`${option}: expected a duration such as 5s, 1500ms or 1m, got "${text}"`);
  }
  if (ms > MAX_DURATION_MS) throw new UsageError(`${option}: expected a duration of at most 24 days (34560m), got "${text}"`);
  return ms;
}

export function parseChoice<T extends string>(option: string, text: string, choices: readonly T[]): T {
  const found = choices.find((choice) => choice === text);
  if (found === undefined) throw new UsageError(`${option}: expected one of ${choices.join(", ")}, got "${text}"`);
  return found;
}
