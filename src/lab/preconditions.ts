// The lab needs root (namespaces, nftables) and a few programs. Checked before anything is touched,
// so a user without them gets one line saying exactly what to do instead of a half-built lab.
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { EnvironmentError } from "../errors.js";

/** Each program the lab runs, and the Debian package it comes from. */
export const LAB_PROGRAMS: ReadonlyArray<{ program: string; aptPackage: string }> = [
  { program: "ip", aptPackage: "iproute2" },
  { program: "nft", aptPackage: "nftables" },
  { program: "redis-server", aptPackage: "redis-server" },
  { program: "redis-cli", aptPackage: "redis-tools" },
  { program: "openssl", aptPackage: "openssl" },
];

/** What every lab command needs: namespaces and nftables. */
export const NETWORK_PROGRAMS = ["ip", "nft"] as const;
/** What `lab up` needs when no --server is given: the redis-server and redis-cli on PATH. */
export const SERVER_PROGRAMS = ["redis-server", "redis-cli"] as const;

export interface HostFacts {
  isRoot: boolean;
  /** Programs of LAB_PROGRAMS not found on PATH. */
  missingPrograms: string[];
}

/** The one-line complaint for what is missing, or null when the lab can run. */
export function missingPrerequisites(facts: HostFacts): string | null {
  const needs: string[] = [];
  if (!facts.isRoot) needs.push("root (network namespaces and nftables need it): run it as root, e.g. with sudo");
  if (facts.missingPrograms.length > 0) {
    const packages = LAB_PROGRAMS.filter((entry) => facts.missingPrograms.includes(entry.program)).map((entry) => entry.aptPackage);
    const install = [...new Set(packages)].join(" ");
    needs.push(`${facts.missingPrograms.join(", ")} (not on PATH): install with \`apt-get install -y ${install}\``);
  }
  return needs.length === 0 ? null : `the lab needs ${needs.join("; and ")}`;
}

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first executable `program` on PATH, as `which` finds it; null when there is none. */
export function findOnPath(program: string): string | null {
  for (const dir of (process.env["PATH"] ?? "").split(delimiter)) {
    if (dir !== "" && isExecutable(join(dir, program))) return join(dir, program);
  }
  return null;
}

export function checkLabPrerequisites(programs: readonly string[] = [...NETWORK_PROGRAMS, ...SERVER_PROGRAMS]): void {
  const problem = missingPrerequisites({
    isRoot: process.getuid?.() === 0,
    missingPrograms: programs.filter((program) => findOnPath(program) === null),
  });
  if (problem !== null) throw new EnvironmentError(problem);
}
