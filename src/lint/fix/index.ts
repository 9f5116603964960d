// The one entry point rules call for "allow these ports": dispatches on the syntax of the file.
import { hclFix } from "./hcl.js";
import { firewalldFix, iptablesFix, nftFix, nftJsonFix } from "./hostFirewall.js";
import type { AllowFixRequest } from "./request.js";
import { networkPolicyFix } from "./yaml.js";

export type { AllowFixRequest } from "./request.js";

/**
 * The bus is for the nodes only: when the model rule names the nodes themselves next to other peers
 * (application clients), the new rule keeps the nodes and leaves the others out.
 */
function forNodes(request: AllowFixRequest): AllowFixRequest {
  const peers = request.model?.rule.peers ?? [];
  const mixed = peers.some((peer) => peer.kind === "self") && peers.some((peer) => peer.kind !== "self");
  return mixed ? { ...request, nodesOnly: true } : request;
}

export function writeAllowFix(original: AllowFixRequest): string {
  const request = forNodes(original);
  const syntax = request.syntax;
  switch (syntax.syntax) {
    case "k8s-networkpolicy":
      return networkPolicyFix(request, syntax.podLabels);
    case "aws-sg-inline":
    case "aws-sg-rule":
    case "aws-vpc-sg-rule":
    case "gcp-firewall":
    case "azure-nsg-rule":
      return hclFix(request, syntax);
    case "iptables":
      return iptablesFix(request, syntax.chain);
    case "nft":
      return nftFix(request);
    case "nft-json":
      return nftJsonFix(request, syntax.family, syntax.table, syntax.chain);
    case "firewalld":
      return firewalldFix(request);
  }
}
