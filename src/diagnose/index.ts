// diagnose(snapshot): the pure heart of busdoctor. Reads a snapshot, never the network.
import type { ClusterAnalysis } from "../model/analysis.js";
import type { Diagnosis } from "../model/finding.js";
import type { Snapshot } from "../model/snapshot.js";
import { analyze } from "./analyze/index.js";
import { runRules } from "./engine.js";
import { computeGossipRates } from "./gossipRates.js";

export interface DiagnosisResult {
  analysis: ClusterAnalysis;
  diagnosis: Diagnosis;
}

export function diagnose(snapshot: Snapshot): DiagnosisResult {
  const analysis = analyze(snapshot);
  const rates = snapshot.baseline ? computeGossipRates(snapshot.baseline, analysis.views, snapshot.takenAtMs) : null;
  return { analysis, diagnosis: runRules(analysis, rates) };
}
