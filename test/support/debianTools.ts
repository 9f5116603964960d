// Programs the tests run for real (Prometheus, Alertmanager, promtool, redis_exporter) come from Debian's
// packages. run.sh and .ci/run install them; a test run outside those installs what is missing itself
// (as root, like the labs), so no test is ever skipped for want of a server.
import { execFileSync, spawnSync } from "node:child_process";

/** The Debian package of each program the tests use. */
const PACKAGE_OF: Record<string, string> = {
  promtool: "prometheus",
  prometheus: "prometheus",
  "prometheus-alertmanager": "prometheus-alertmanager",
  amtool: "prometheus-alertmanager",
  "prometheus-redis-exporter": "prometheus-redis-exporter",
};

function onPath(program: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${program}`], { stdio: "ignore" }).status === 0;
}

/** Installs the packages of the programs that are not on PATH (apt-get, no recommends, no services). */
export function requireDebianTools(...programs: Array<keyof typeof PACKAGE_OF>): void {
  const missing = [...new Set(programs.filter((program) => !onPath(program)).map((program) => PACKAGE_OF[program] ?? program))];
  if (missing.length === 0) return;
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update", "-qq"], { stdio: "ignore", env, timeout: 300_000 });
  execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...missing], { stdio: "ignore", env, timeout: 600_000 });
}
