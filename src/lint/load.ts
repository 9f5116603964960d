// The I/O half of lint: turns PATH arguments into sources (files named, files found under folders).
import { readdir, readFile, stat } from "node:fs/promises";
import { posix, sep } from "node:path";
import { isCandidate } from "./detect.js";
import { LintInputError } from "./errors.js";
import type { LintSource } from "./parseFile.js";

/** Folders never worth walking: dependencies, VCS data, Terraform's provider cache. */
const SKIPPED_DIRS = new Set(["node_modules", ".git", ".terraform", ".terragrunt-cache"]);

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

/** Helm chart sources (`templates/` next to Chart.yaml) are Go templates, not YAML: render them first. */
async function isHelmTemplates(dir: string, entries: string[]): Promise<boolean> {
  if (posix.basename(dir) !== "templates" || entries.length === 0) return false;
  return stat(posix.join(posix.dirname(dir), "Chart.yaml")).then(
    () => true,
    () => false,
  );
}

async function walk(dir: string, found: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  if (await isHelmTemplates(dir, entries.map((entry) => entry.name))) return;
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = posix.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith(".")) await walk(path, found);
    } else if (entry.isFile() && isCandidate(path)) {
      found.push(path);
    }
  }
}

async function read(path: string, explicit: boolean): Promise<LintSource> {
  try {
    return { path, text: await readFile(path, "utf8"), explicit };
  } catch (error) {
    throw new LintInputError(path, `cannot read: ${reason(error)}`);
  }
}

export async function loadSources(paths: string[]): Promise<LintSource[]> {
  const sources: LintSource[] = [];
  for (const raw of paths) {
    const path = toPosix(raw);
    const info = await stat(path).catch((error: unknown) => {
      throw new LintInputError(path, `cannot read: ${reason(error)}`);
    });
    if (info.isDirectory()) {
      const found: string[] = [];
      await walk(path, found).catch((error: unknown) => {
        throw error instanceof LintInputError ? error : new LintInputError(path, `cannot read: ${reason(error)}`);
      });
      for (const file of found) sources.push(await read(file, false));
    } else {
      sources.push(await read(path, true));
    }
  }
  return sources;
}
