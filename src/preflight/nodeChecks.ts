// Pure: the checks on the node itself. Each says pass, fail or skip with the exact values it read.
import { formatAddress } from "../cluster/address.js";
import type { ProbeResult } from "../model/snapshot.js";
import type { PreflightCheck, ProbeOutcome, TargetFacts } from "./model.js";
import { describePortProbe, portVerdict } from "../cluster/portProbe.js";
import type { BusPlan, TargetView } from "./target.js";

function probeOutcome(probe: ProbeResult): ProbeOutcome {
  return { ...probe, verdict: portVerdict(probe) };
}

function findProbe(probes: readonly ProbeResult[], host: string, port: number): ProbeResult | null {
  return probes.find((probe) => probe.host === host && probe.port === port) ?? null;
}

function clientPortCheck(target: TargetFacts, view: TargetView): PreflightCheck {
  const name = "client-port";
  const probe = probeOutcome(target.clientProbe);
  const address = formatAddress(target.host, target.port);
  if (!target.connection.ok) {
    return { name, status: "fail", reason: `${describePortProbe(target.clientProbe)}; connecting failed: ${target.connection.error}`, probe };
  }
  if (!view.ping.ok) return { name, status: "fail", reason: `${address} accepts TCP but ${view.ping.why}`, probe };
  if (view.ping.value !== "PONG") return { name, status: "fail", reason: `${address} answered PING with "${view.ping.value}", not PONG`, probe };
  const ms = target.replies.ping?.ms ?? 0;
  return { name, status: "pass", reason: `${address} answered PING with PONG (${Math.round(ms * 10) / 10} ms)`, probe };
}

function clusterEnabledCheck(target: TargetFacts, view: TargetView): PreflightCheck {
  const name = "cluster-enabled";
  if (!target.connection.ok) return { name, status: "skip", reason: "the node did not answer on its client port" };
  if (view.clusterEnabled.ok) {
    const value = view.clusterEnabled.value;
    if (value === "1") return { name, status: "pass", reason: "INFO cluster: cluster_enabled:1" };
    const shown = value === null ? "no cluster_enabled field" : `cluster_enabled:${value}`;
    return { name, status: "fail", reason: `INFO cluster: ${shown}: the node runs without cluster-enabled yes and cannot join a cluster` };
  }
  // INFO may be denied by an ACL; a CLUSTER NODES that answers proves cluster mode just as well.
  if (view.myself.ok) return { name, status: "pass", reason: `${view.clusterEnabled.why}; CLUSTER NODES answers, so cluster mode is on` };
  return { name, status: "fail", reason: `${view.clusterEnabled.why}; ${view.myself.why}` };
}

function busPortCheck(target: TargetFacts, plan: BusPlan): PreflightCheck {
  const name = "bus-port";
  const { listening } = plan;
  if (listening === null) {
    return {
      name,
      status: "fail",
      reason: `no bus port known: client port ${target.port} + 10000 is past 65535 and the node did not say (CONFIG GET cluster-port)`,
    };
  }
  const probe = findProbe(target.busProbes, target.host, listening.port);
  if (probe === null) return { name, status: "skip", reason: `${formatAddress(target.host, listening.port)} was not probed` };
  const status = probe.state === "open" ? "pass" : "fail";
  return { name, status, reason: `${describePortProbe(probe)}; bus port from ${listening.sourceText}`, probe: probeOutcome(probe) };
}

function announcedBusPortCheck(target: TargetFacts, view: TargetView, plan: BusPlan): PreflightCheck {
  const name = "announced-bus-port";
  const { announced, listening } = plan;
  if (announced === null) {
    const why = !target.connection.ok ? "the node did not answer on its client port" : view.myself.ok ? "the node announces no bus port" : view.myself.why;
    return { name, status: "skip", reason: why };
  }
  const dialled = formatAddress(announced.host, announced.port);
  // The address field of the line, "127.0.0.3:6379@17000": what the node tells every peer.
  const field = announced.line.split(" ")[1] ?? "";
  const said = `peers dial ${dialled} (the node's own CLUSTER NODES line announces ${field})`;
  if (listening !== null && announced.host === target.host && announced.port === listening.port) {
    return { name, status: "skip", reason: `${said}: the same port as bus-port` };
  }
  const probe = findProbe(target.busProbes, announced.host, announced.port);
  if (probe === null) return { name, status: "skip", reason: `${said}, not probed` };
  const listens = listening === null ? "" : `; the node listens on ${listening.port} (${listening.sourceText})`;
  if (probe.state === "open") return { name, status: "pass", reason: `${said}: ${describePortProbe(probe)}${listens}`, probe: probeOutcome(probe) };
  const fix = "; set cluster-announce-bus-port (and cluster-announce-ip) to what peers can reach, or publish that port";
  return { name, status: "fail", reason: `${said}: ${describePortProbe(probe)}${listens}${fix}`, probe: probeOutcome(probe) };
}

export function nodeChecks(target: TargetFacts, view: TargetView, plan: BusPlan): PreflightCheck[] {
  return [clientPortCheck(target, view), clusterEnabledCheck(target, view), busPortCheck(target, plan), announcedBusPortCheck(target, view, plan)];
}
