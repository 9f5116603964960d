// The one entry point rules call for "allow these ports": dispatches on the syntax of the file.
import { hclFix } from "./hcl.js";
import { firewalldFix, iptablesFix, nftFix, nftJsonFix } from "./hostFirewall.js";
import type { AllowFixRequest } from "./request.js";
import { networkPolicyFix } from "./yaml.js";

export type { AllowFixRequest } from "./request.js";

export function writeAllowFix(request: AllowFixRequest): string {
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
