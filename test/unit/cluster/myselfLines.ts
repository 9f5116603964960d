// Real `myself` lines: a node never met (no announce-ip), and a lab node announcing a bus port of 17000
// (recorded by scripts/record-preflight-facts.ts).
import { readFileSync } from "node:fs";
import { parseClusterNodes } from "../../../src/parse/clusterNodes.js";
import type { PreflightFacts } from "../../../src/preflight/model.js";

export const fresh = parseClusterNodes(readFileSync(new URL("../collect/fixtures/fresh-node-cluster-nodes.txt", import.meta.url), "utf8"))[0] ?? null;

const announcedFacts = JSON.parse(readFileSync(new URL("../../fixtures/preflight/announced-closed.json", import.meta.url), "utf8")) as PreflightFacts;
const announcedReply = announcedFacts.target.replies.clusterNodes;
export const announced17000 =
  parseClusterNodes(announcedReply?.ok && typeof announcedReply.reply === "string" ? announcedReply.reply : "").find((entry) => entry.myself) ?? null;
