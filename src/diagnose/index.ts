// diagnose(snapshot): the pure heart of busdoctor. Reads a snapshot (and the first look it may hold),
// never the network.
import type { ClusterAnalysis } from "../model/analysis.js";
import type { Coverage } from "../model/coverage.js";
import type { Diagnosis, Finding, Health } from "../model/finding.js";
import type { Snapshot } from "../model/snapshot.js";
import type { PhaseName } from "../model/phase.js";
import { analyze, type AnalyzeOptions } from "./analyze/index.js";
import { DEFAULT_NODE_TIMEOUT_MS } from "./analyze/linkState.js";
import { readBus } from "./bus.js";
import { assessCoverage } from "./coverage.js";
import { ruleContext, runRules, type Arranged } from "./engine.js";
import { findFailovers } from "./failovers.js";
import { computeGossipRates } from "./gossipRates.js";
import { youngestLinkAgeMs } from "./linkAges.js";
import { compareLooks } from "./looks.js";
import { applyPhase, decidePhase } from "./phase.js";
import { secondLookReasons } from "./secondLook.js";

export interface DiagnosisResult {
  analysis: ClusterAnalysis;
  diagnosis: Diagnosis;
}

export interface DiagnoseOptions extends AnalyzeOptions {
  /**
   * Nodes whose bus port answered busdoctor in some look before the first one (watch: any earlier
   * sample). A port that stopped answering a few samples ago then still counts as one that answered
   * before, so its silence stays evidence of the fault for as long as the fault lasts.
   */
  busAnsweredEarlier?: ReadonlySet<string>;
}

/**
 * The worst severity found. Views missing from some nodes make it at least a warning that says which;
 * below the minimum evidence it is "unknown" (could not diagnose) unless a critical fault stands on its own.
 * A cluster that is not settled (a fault developing, or Redis still converging) is never "healthy".
 */
function healthOf(arranged: Arranged, coverage: Coverage, phase: PhaseName): Health {
  const findings: Finding[] = [arranged.rootCause, ...arranged.coRootCauses, ...arranged.consequences].filter((finding) => finding !== null);
  const critical = findings.some((finding) => finding.severity === "critical");
  if (critical) return "critical";
  if (coverage.level === "insufficient") return "unknown";
  if (coverage.level === "partial" || phase !== "settled" || findings.some((finding) => finding.severity === "warning")) return "warning";
  return "healthy";
}

export function diagnose(snapshot: Snapshot, options: DiagnoseOptions = {}): DiagnosisResult {
  const analysis = analyze(snapshot, options);
  const looks = compareLooks(snapshot, analysis, options);
  const rates = snapshot.baseline ? computeGossipRates(snapshot.baseline, analysis.views, snapshot.takenAtMs) : null;
  const context = ruleContext(analysis, {
    bus: readBus(analysis, new Set([...(looks?.busAnsweredBefore ?? []), ...(options.busAnsweredEarlier ?? [])])),
    rates,
    looks,
    failovers: findFailovers(analysis),
    nodeTimeoutMs: analysis.nodeTimeoutMs ?? DEFAULT_NODE_TIMEOUT_MS,
    takenAtMs: snapshot.takenAtMs,
    linkAgeMs: (address) => youngestLinkAgeMs(snapshot, analysis, address),
  });
  const found = runRules(context);
  const phase = decidePhase(context, found);
  const arranged = applyPhase(found, phase, snapshot.seeds);
  const coverage = assessCoverage(snapshot, analysis, {
    count: looks === null ? 1 : 2,
    intervalMs: looks?.intervalMs ?? null,
    reasons: looks?.reasons ?? [],
  });
  return {
    analysis,
    diagnosis: {
      health: healthOf(arranged, coverage, phase.name),
      ...arranged,
      phase,
      coverage,
      failovers: context.failovers,
      secondLook: secondLookReasons(context, phase),
    },
  };
}
