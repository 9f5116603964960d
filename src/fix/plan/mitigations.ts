// Opt-in mitigations while slots stay uncovered: serve the covered slots (cluster-require-full-coverage
// no) and reads while down (cluster-allow-reads-when-down yes). Reversible, each with its undo; applied
// only with --apply --allow-mitigations. CONFIG SET changes the running server only (no CONFIG REWRITE).
import { readConfig } from "../evidence.js";
import type { Check, MitigationParameter, StepCode } from "../model.js";
import type { AnsweringView } from "../reading.js";
import { redisCli, type PlanContext, type StepDraft } from "./context.js";
import { majorityViews, uncoveredOwners } from "./coverage.js";

interface Mitigation {
  code: StepCode;
  parameter: MitigationParameter;
  value: "yes" | "no";
  /** Redis's default, assumed when CONFIG GET was not read. */
  usual: "yes" | "no";
  title: string;
  risk: string;
  /** Which nodes it helps. */
  targets(context: PlanContext): AnsweringView[];
  /** Whether each target should report cluster_state:ok afterwards, beyond showing the value. */
  restoresState: boolean;
}

const failing = (views: readonly AnsweringView[]): AnsweringView[] => views.filter((view) => view.view.info?.state === "fail");

export const MITIGATIONS: readonly Mitigation[] = [
  {
    code: "ALLOW_PARTIAL_COVERAGE",
    parameter: "cluster-require-full-coverage",
    value: "no",
    usual: "yes",
    title: "let the majority serve the slots it covers (cluster-require-full-coverage no)",
    risk: "Clients get answers for covered slots and errors only for the uncovered ones, which some applications handle worse than a clean CLUSTERDOWN.",
    targets: (context) => failing(majorityViews(context)),
    restoresState: true,
  },
  {
    code: "ALLOW_READS_WHEN_DOWN",
    parameter: "cluster-allow-reads-when-down",
    value: "yes",
    usual: "no",
    title: "let nodes in cluster_state:fail answer reads (cluster-allow-reads-when-down yes)",
    risk: "Reads may return values that a majority-side node has since changed (stale reads) until the cluster is whole again.",
    targets: (context) => failing(context.views),
    restoresState: false,
  },
];

function mitigationStep(context: PlanContext, mitigation: Mitigation): StepDraft | null {
  const { parameter, value } = mitigation;
  const current = (view: AnsweringView): string | null => readConfig(context.current.reads, view.node.address, { kind: "config-get", parameter });
  const targets = mitigation.targets(context).filter((view) => current(view) !== value);
  if (targets.length === 0) return null;
  const before = (view: AnsweringView): string => current(view) ?? mitigation.usual;
  const addresses = targets.map((view) => view.node.address);
  return {
    code: mitigation.code,
    class: "mitigation",
    by: "busdoctor",
    title: mitigation.title,
    targets: addresses,
    commands: targets.map((view) => redisCli(context, view.node.address, ["CONFIG", "SET", parameter, value])),
    where: null,
    action: { kind: "config-set", parameter, value },
    why: targets.slice(0, 4).map((view) => ({
      source: view.node.address,
      what: "CLUSTER INFO",
      detail: `cluster_state:fail, ${parameter} ${current(view) ?? `not read (Redis's default is ${mitigation.usual})`}`,
    })),
    preconditions: targets.map((view): Check => ({ kind: "config", address: view.node.address, parameter, value: before(view) })),
    expect: addresses.flatMap((address): Check[] => [
      { kind: "config", address, parameter, value },
      ...(mitigation.restoresState ? [{ kind: "cluster-ok", address } as const] : []),
    ]),
    verifyWithinMs: 2000,
    verify: `busdoctor re-collects: CONFIG GET ${parameter} answers ${value} on every target${mitigation.restoresState ? " and they report cluster_state:ok" : ""}`,
    risk: mitigation.risk,
    undo: targets.map((view) => redisCli(context, view.node.address, ["CONFIG", "SET", parameter, before(view)])),
    alternatives: [],
  };
}

/** Only while slots stay uncovered in the majority's views, and only once the cluster has settled. */
export function mitigationSteps(context: PlanContext): StepDraft[] {
  if (context.phase.name !== "settled" || uncoveredOwners(majorityViews(context)).length === 0) return [];
  return MITIGATIONS.flatMap((mitigation) => mitigationStep(context, mitigation) ?? []);
}
