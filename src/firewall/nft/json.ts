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

/**
 * Where each element of the top-level `"nftables": [...]` array starts, as offsets into the text:
 * one linear pass over the characters (strings skipped), so positions cost no second parser.
 */
export function arrayElementOffsets(input: string): number[] {
  const offsets: number[] = [];
  let depth = 0;
  let arrayDepth = -1;
  let expectValue = false;
  for (let i = 0; i < input.length; i++) {
    const ch = input.charCodeAt(i);
    if (ch === 0x22 /* " */) {
      if (expectValue && depth === arrayDepth) offsets.push(i);
      expectValue = false;
      for (i++; i < input.length; i++) {
        const c = input.charCodeAt(i);
        if (c === 0x5c /* \ */) i++;
        else if (c === 0x22) break;
      }
      continue;
    }
    if (ch === 0x20 || ch === 0x0a || ch === 0x0d || ch === 0x09) continue;
    if (ch === 0x2c /* , */) {
      if (depth === arrayDepth) expectValue = true;
      continue;
    }
    if (expectValue && depth === arrayDepth) offsets.push(i);
    expectValue = false;
    if (ch === 0x7b /* { */ || ch === 0x5b /* [ */) {
      depth++;
      if (ch === 0x5b && arrayDepth < 0 && depth === 2) {
        arrayDepth = depth;
        expectValue = true;
      }
    } else if (ch === 0x7d || ch === 0x5d) {
      if (depth === arrayDepth && ch === 0x5d) arrayDepth = -2;
      depth--;
    }
  }
  return offsets;
}
