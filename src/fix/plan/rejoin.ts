// RESET_NODE and RESTART_NODE: last resorts for a node that stays isolated after the bus works and
// Redis has had its time (the diagnosis's NODE_NEEDS_REJOIN, once the phase is settled). Both can lose
// keys, so they are printed with their cost and never sent.
import { splitAddress } from "../../cluster/address.js";
import { findingsWith, redisCli, type PlanContext, type StepDraft } from "./context.js";
import { viewAt } from "../reading.js";

export function rejoinSteps(context: PlanContext): StepDraft[] {
  if (context.phase.name !== "settled") return [];
  return findingsWith(context.diagnosis, "NODE_NEEDS_REJOIN").flatMap((finding) =>
    finding.nodes.flatMap((address): StepDraft[] => {
      const isolated = viewAt(context.current.analysis, address);
      const peer = context.views.find((view) => view.node.address !== address && view.view.info?.state === "ok");
      if (!isolated || !peer) return [];
      const [ip, port] = splitAddress(isolated.own.address);
      const why = [{ source: "busdoctor", what: finding.code, detail: finding.summary }, ...finding.evidence.slice(0, 3)];
      const common = {
        by: "operator" as const,
        class: "data-risk" as const,
        targets: [address],
        where: null,
        action: null,
        why,
        preconditions: [],
        expect: [],
        verifyWithinMs: 0,
        undo: [],
        alternatives: [],
      };
      return [
        {
          ...common,
          code: "RESET_NODE",
          title: `reset ${address} and introduce it again as a replica (it stays isolated although its bus answers)`,
          commands: [
            redisCli(context, address, ["CLUSTER", "RESET", "SOFT"]),
            redisCli(context, peer.node.address, ["CLUSTER", "MEET", ip, port, String(isolated.own.cport)]),
            redisCli(context, address, ["CLUSTER", "REPLICATE", "<id of the master that serves its former slots>"]),
          ],
          verify: "busdoctor fix again: the node is listed by every view, not flagged, and replicates its master",
          risk: "RESET flushes a replica's data (it resyncs from its master) and is refused on a master that still holds keys: move or accept losing them first.",
        },
        {
          ...common,
          code: "RESTART_NODE",
          title: `restart redis-server on ${address}, one node at a time, as a last resort`,
          commands: [
            `# on the host of ${address}: systemctl restart redis-server (or the container), then wait for busdoctor check to be healthy before the next node`,
          ],
          verify: "busdoctor check is healthy before the next node is restarted",
          risk: "A master restarted without persistence comes back empty, and writes it took since it was failed over are lost.",
        },
      ];
    }),
  );
}
