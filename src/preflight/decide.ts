// Pure: the whole preflight decision from the facts gathered: "fail" when any check failed (the CLI exits 2).
import { formatAddress } from "../cluster/address.js";
import { clusterChecks } from "./clusterChecks.js";
import type { Health } from "../model/finding.js";
import type { PreflightFacts, PreflightReport } from "./model.js";
import { nodeChecks } from "./nodeChecks.js";
import { planBusProbes, readTarget } from "./target.js";

export function decidePreflight(facts: PreflightFacts): PreflightReport {
  const { target, cluster } = facts;
  const view = readTarget(target);
  const plan = planBusProbes(target, view);
  const address = formatAddress(target.host, target.port);
  const checks = nodeChecks(target, view, plan);
  if (cluster !== null) {
    const busHost = plan.announced?.host ?? target.host;
    const busPort = plan.announced?.port ?? plan.listening?.port ?? null;
    checks.push(...clusterChecks(cluster, { id: view.id, address, busHost, busPort }));
  }
  const failed = checks.some((check) => check.status === "fail");
  return {
    target: address,
    cluster: cluster?.seed ?? null,
    result: failed ? "fail" : "pass",
    checks,
  };
}

/** A failed check is critical (the node must not join); otherwise healthy. */
export function preflightHealth(report: PreflightReport): Health {
  return report.result === "fail" ? "critical" : "healthy";
}
