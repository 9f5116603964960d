// The lab needs root (namespaces, nftables) and four programs. Checked before anything is touched,
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
];

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
    const packages = LAB_PROGRAMS.filter((entry) => facts.missingPrograms.includes(entry.program)).map(
      (entry) => entry.aptPackage,
    );
    const install = [...new Set(packages)].join(" ");
    needs.push(`${facts.missingPrograms.join(", ")} (not on PATH): install with \`apt-get install -y ${install}\``);
  }
  return needs.length === 0 ? null : `the lab needs ${needs.join("; and ")}`;
}

function onPath(program: string): boolean {
  return (process.env["PATH"] ?? "").split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, program), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export function checkLabPrerequisites(): void {
  const problem = missingPrerequisites({
    isRoot: process.getuid?.() === 0,
    missingPrograms: LAB_PROGRAMS.map((entry) => entry.program).filter((program) => !onPath(program)),
  });
  if (problem !== null) throw new EnvironmentError(problem);
}
