// What busdoctor could not read (a denied command, a reply that did not parse), grouped by message
// so that NOPERM on 1000 nodes is one line, not a thousand. The diagnosis used everything else.
import type { ClusterAnalysis } from "../model/analysis.js";
export { nodeList } from "../diagnose/words.js";

export interface ProblemGroup {
  problem: string;
  nodes: string[];
}

export function groupProblems(analysis: ClusterAnalysis): ProblemGroup[] {
  const groups = new Map<string, string[]>();
  for (const view of analysis.views) {
    for (const problem of view.problems) {
      const nodes = groups.get(problem);
      if (nodes) nodes.push(view.observer);
      else groups.set(problem, [view.observer]);
    }
  }
  return [...groups].map(([problem, nodes]) => ({ problem, nodes }));
}
