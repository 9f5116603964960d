// A lab outlives the CLI invocation that started it (`lab up` now, `lab fault` later), so everything
// needed to find it again is kept as JSON in its state dir.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { InputError } from "../errors.js";
import type { LabTlsFiles } from "./certs.js";
import type { LabFault } from "./faults.js";
import type { LabNode, ResolvedLabOptions } from "./layout.js";
import type { LabServer } from "./programs.js";

/** 2: the server (path, version) and TLS files are kept, for labs of other servers than the one on PATH. */
export const LAB_STATE_FORMAT = 2;

export interface LabState {
  format: typeof LAB_STATE_FORMAT;
  options: ResolvedLabOptions;
  server: LabServer;
  /** The lab's certificates, when it runs TLS. */
  tls: LabTlsFiles | null;
  namespace: string;
  stateDir: string;
  nodes: LabNode[];
  /** Faults in force, in the order they were applied; `heal` empties it. */
  faults: LabFault[];
  createdAt: string;
}

export function stateFile(stateDir: string): string {
  return join(stateDir, "lab.json");
}

/** Written to a temporary file and renamed, so a reader never sees half a state. */
export async function saveState(state: LabState): Promise<void> {
  await mkdir(state.stateDir, { recursive: true });
  const target = stateFile(state.stateDir);
  const temporary = `${target}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`);
  await rename(temporary, target);
}

function isLabState(value: unknown): value is LabState {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    record["format"] === LAB_STATE_FORMAT &&
    typeof record["namespace"] === "string" &&
    typeof record["stateDir"] === "string" &&
    typeof record["options"] === "object" &&
    typeof record["server"] === "object" &&
    Array.isArray(record["nodes"]) &&
    Array.isArray(record["faults"])
  );
}

/** The saved state, or null when there is none. */
export async function loadState(stateDir: string): Promise<LabState | null> {
  const path = stateFile(stateDir);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InputError(`lab state ${path} is not valid JSON (${(error as Error).message}): run \`busdoctor lab down\``);
  }
  if (!isLabState(parsed)) {
    throw new InputError(`lab state ${path} is not a format-${LAB_STATE_FORMAT} lab state: run \`busdoctor lab down\``);
  }
  return parsed;
}
