// Every rule, in causal order: when several causes fire, the earlier one is the root cause
// (a dead node explains its peers' pending pings; a partition explains the nodes it cuts off).
import type { Rule } from "../rule.js";
import { addressOutOfScope } from "./addressOutOfScope.js";
import { busLinkOneWay } from "./busLinkOneWay.js";
import { busPortBlocked } from "./busPortBlocked.js";
import { busPortNotListening } from "./busPortNotListening.js";
import { clusterStateFail } from "./clusterStateFail.js";
import { gossipAsymmetry } from "./gossipAsymmetry.js";
import { networkPartition } from "./networkPartition.js";
import { nodeForgotCluster } from "./nodeForgotCluster.js";
import { nodeNeedsRejoin } from "./nodeNeedsRejoin.js";
import { nodeUnreachable } from "./nodeUnreachable.js";
import { nodeUnresponsive } from "./nodeUnresponsive.js";
import { slotOwnershipConflict } from "./slotOwnershipConflict.js";
import { slotsUncovered } from "./slotsUncovered.js";
import { topologyDrift } from "./topologyDrift.js";

export const RULES: readonly Rule[] = [
  nodeUnreachable,
  nodeUnresponsive,
  networkPartition,
  busPortNotListening,
  busPortBlocked,
  busLinkOneWay,
  nodeNeedsRejoin,
  nodeForgotCluster,
  slotOwnershipConflict,
  slotsUncovered,
  clusterStateFail,
  topologyDrift,
  gossipAsymmetry,
  addressOutOfScope,
];
