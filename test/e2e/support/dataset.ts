// The data check of the fix e2e tests: one key in every hash slot, written before the incident with
// the SHA-256 of its value, and every key read back after `fix --apply`: zero lost, zero changed.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Lab } from "../../../src/lab/lab.js";

const CLIENT = join(import.meta.dirname, "dataset-client.mjs");

export interface DataCheck {
  total: number;
  lost: number;
  changed: number;
  sample: string[];
  errors: string[];
}

export class Dataset {
  private readonly dir = mkdtempSync(join(tmpdir(), "busdoctor-dataset-"));
  private readonly manifest = join(this.dir, "manifest.json");

  constructor(private readonly lab: Lab) {}

  private async run(mode: "write" | "verify", seed: number): Promise<string> {
    const node = this.lab.node(seed);
    const result = await this.lab.exec([process.execPath, CLIENT, mode, node.address, String(node.port), this.manifest], { timeoutMs: 60_000 });
    if (result.code !== 0) throw new Error(`dataset ${mode} failed (exit ${result.code}): ${result.stderr.trim()}`);
    return result.stdout;
  }

  /** Writes the 16384 keys; returns how many were written. */
  async write(seed = 1): Promise<number> {
    const { written, failed } = JSON.parse(await this.run("write", seed)) as { written: number; failed: string[] };
    if (failed.length > 0) throw new Error(`dataset: ${failed.length} key(s) not written, e.g. ${failed.join(", ")}`);
    return written;
  }

  async verify(seed = 1): Promise<DataCheck> {
    return JSON.parse(await this.run("verify", seed)) as DataCheck;
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
