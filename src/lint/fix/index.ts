// The one entry point rules call for "allow these ports": dispatches on the syntax of the file.
import { hclFix } from "./hcl.js";
import { hostFix } from "./hostFirewall.js";
import type { AllowFixRequest, WrittenFix } from "./request.js";
import { networkPolicyFix } from "./yaml.js";

export type { AllowFixRequest, WrittenFix } from "./request.js";

export function writeAllowFix(request: AllowFixRequest): WrittenFix {
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
    case "nft":
    case "nft-json":
    case "firewalld":
    case "ufw":
    case "ansible":
      return hostFix(request, syntax);
  }
}
