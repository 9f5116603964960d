// The I/O half of lint: turns PATH arguments (and `-`, standard input) into sources: files named,
// files found under folders. Every file is bounded: past the size cap, binary, or part of a Helm chart
// (Go templates), it is listed as not read with the reason, and the others are still linted.
import { open, readdir, stat } from "node:fs/promises";
import { posix, sep } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { isCandidate, looksLikeHelmTemplate } from "./detect.js";
import type { LintSource, NotRead } from "./model.js";

export interface Loaded {
  sources: LintSource[];
  notRead: NotRead[];
  /** Paths named on the command line that do not exist or cannot be opened. */
  missing: NotRead[];
}

export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;
export const STDIN_PATH = "<stdin>";

/** Folders never worth walking: dependencies, VCS data, Terraform's provider cache. */
const SKIPPED_DIRS = new Set(["node_modules", ".git", ".terraform", ".terragrunt-cache", "vendor"]);
/** Bytes looked at to call a file binary (a NUL among them). */
const BINARY_SNIFF = 8000;
const CHUNK_BYTES = 1024 * 1024;

function toPosix(path: string): string {
  return sep === "/" ? path : path.split(sep).join("/");
}

function reason(error: unknown): string {
  if (error instanceof Error && "code" in error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return "no such file or directory";
    if (code === "EACCES") return "permission denied";
    if (code === "EISDIR") return "is a directory";
  }
  return error instanceof Error ? error.message : String(error);
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

function tooLarge(size: number, max: number): string {
  return `too large (${megabytes(size)}; the limit is ${megabytes(max)}, see --max-file-size)`;
}

function decode(path: string, bytes: Buffer, explicit: boolean): LintSource | NotRead {
  if (bytes.subarray(0, BINARY_SNIFF).includes(0)) return { file: path, reason: "a binary file" };
  return { path, text: bytes.toString("utf8"), explicit };
}

/** Reads at most `max` bytes: a file that grows while read is still bounded. */
async function readBounded(path: string, explicit: boolean, max: number): Promise<LintSource | NotRead> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, "r");
    const info = await handle.stat();
    if (info.size > max) return { file: path, reason: tooLarge(info.size, max) };
    // Read in chunks decoded as they come: the file's bytes and its text are never both held whole.
    const decoder = new StringDecoder("utf8");
    const chunk = Buffer.alloc(Math.min(info.size + 1, CHUNK_BYTES));
    const parts: string[] = [];
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, length);
      if (bytesRead === 0) break;
      if (length === 0 && chunk.subarray(0, Math.min(bytesRead, BINARY_SNIFF)).includes(0)) return { file: path, reason: "a binary file" };
      length += bytesRead;
      if (length > max) return { file: path, reason: tooLarge(length, max) };
      parts.push(decoder.write(chunk.subarray(0, bytesRead)));
    }
    parts.push(decoder.end());
    return { path, text: parts.join(""), explicit };
  } catch (error) {
    return { file: path, reason: `cannot read: ${reason(error)}` };
  } finally {
    await handle?.close();
  }
}

/** Standard input (`helm template ... | busdoctor lint -`), bounded like a file. */
async function readStdin(stream: NodeJS.ReadableStream, max: number): Promise<LintSource | NotRead> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    length += buffer.length;
    if (length > max) return { file: STDIN_PATH, reason: tooLarge(length, max) };
    chunks.push(buffer);
  }
  return decode(STDIN_PATH, Buffer.concat(chunks), true);
}

/**
 * A Helm chart: a folder with Chart.yaml, or with a templates/ folder of Go templates (a chart copied
 * without its Chart.yaml). Its files are not YAML until rendered.
 */
async function isHelmChart(dir: string, names: readonly string[]): Promise<boolean> {
  if (names.includes("Chart.yaml") || names.includes("Chart.yml")) return true;
  if (!names.includes("templates")) return false;
  const templates = posix.join(dir, "templates");
  const inside = await readdir(templates).catch(() => [] as string[]);
  if (inside.includes("_helpers.tpl")) return true;
  for (const name of inside.filter((file) => /\.ya?ml$/.test(file)).slice(0, 5)) {
    const head = await readBounded(posix.join(templates, name), false, 64 * 1024);
    if ("text" in head && looksLikeHelmTemplate(head.text)) return true;
  }
  return false;
}

const CHART_REASON = "a Helm chart (Go templates, not YAML until rendered): lint its output with `helm template NAME CHART | busdoctor lint -`";

/** Files under a folder, in name order, walked with an explicit stack; Helm charts are noted, not entered. */
async function walk(root: string, found: string[], notRead: NotRead[]): Promise<void> {
  const pending = [root];
  while (pending.length > 0) {
    const dir = pending.pop() as string;
    const entries = await readdir(dir, { withFileTypes: true }).catch((error: unknown) => {
      notRead.push({ file: dir, reason: `cannot read: ${reason(error)}` });
      return [];
    });
    if (
      await isHelmChart(
        dir,
        entries.map((entry) => entry.name),
      )
    ) {
      notRead.push({ file: dir, reason: CHART_REASON });
      continue;
    }
    const dirs: string[] = [];
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith(".")) continue;
      const path = posix.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) dirs.push(path);
      } else if (entry.isFile() && isCandidate(path)) found.push(path);
    }
    for (let i = dirs.length - 1; i >= 0; i--) pending.push(dirs[i] as string);
  }
}

export async function loadSources(paths: readonly string[], options: { maxFileBytes?: number; stdin?: NodeJS.ReadableStream } = {}): Promise<Loaded> {
  const max = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const loaded: Loaded = { sources: [], notRead: [], missing: [] };
  const add = (result: LintSource | NotRead): void => {
    if ("text" in result) loaded.sources.push(result);
    else loaded.notRead.push(result);
  };
  for (const raw of paths) {
    if (raw === "-") {
      add(await readStdin(options.stdin ?? process.stdin, max));
      continue;
    }
    const path = toPosix(raw);
    const info = await stat(path).catch((error: unknown) => {
      loaded.missing.push({ file: path, reason: `cannot read: ${reason(error)}` });
      return undefined;
    });
    if (info === undefined) continue;
    if (info.isDirectory()) {
      const found: string[] = [];
      await walk(path, found, loaded.notRead);
      for (const file of found) add(await readBounded(file, false, max));
    } else {
      const result = await readBounded(path, true, max);
      if ("text" in result) add(result);
      else loaded.missing.push(result);
    }
  }
  return loaded;
}
