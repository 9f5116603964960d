// Typed access to parsed JSON without `any`: what `nft -j` prints is read through these guards.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `{"match": {...}}` -> ["match", {...}]: nft's statements and values are single-key objects. */
export function soleEntry(value: Json | undefined): [string, Json] | null {
  if (!isObject(value)) return null;
  const keys = Object.keys(value);
  const key = keys[0];
  return keys.length === 1 && key !== undefined ? [key, value[key] ?? null] : null;
}

export function field(value: Json | undefined, key: string): Json | undefined {
  return isObject(value) ? value[key] : undefined;
}

export function text(value: Json | undefined): string | null {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return null;
}
