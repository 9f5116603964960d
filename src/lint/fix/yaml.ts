// Fix snippets in YAML: NetworkPolicy ports and rules, Service ports, container ports, compose ports.
import type { SettingStyle } from "../model.js";
import type { AllowFixRequest } from "./request.js";

function labelLines(labels: Record<string, string>, indent: string): string[] {
  const entries = Object.entries(labels);
  if (entries.length === 0) return [`${indent}{}`];
  return entries.map(([key, value]) => `${indent}${key}: ${JSON.stringify(value)}`);
}

/**
 * With a model rule in the same direction: port items to add to that rule's `ports:` list.
 * Otherwise a whole ingress/egress rule, from/to the Redis pods themselves.
 */
export function networkPolicyFix(request: AllowFixRequest, podLabels: Record<string, string>): string {
  const items = request.ports.flatMap((port) => [`- port: ${port}`, "  protocol: TCP"]);
  if (request.model && request.model.direction === request.direction && !request.nodesOnly) return items.join("\n");
  const peerKey = request.direction === "in" ? "from" : "to";
  return [
    `# under spec.${request.direction === "in" ? "ingress" : "egress"}:`,
    "- ports:",
    ...items.map((line) => `    ${line}`),
    `  ${peerKey}:`,
    "    - podSelector:",
    "        matchLabels:",
    ...labelLines(podLabels, "          "),
  ].join("\n");
}

/** A Service port for the bus: `- name: tcp-redis-bus` / `port: 16379` / `targetPort: 16379`. */
export function servicePortFix(port: number, targetPort: number | string): string {
  return [`- name: tcp-redis-bus`, `  port: ${port}`, `  targetPort: ${typeof targetPort === "number" ? targetPort : JSON.stringify(targetPort)}`, "  protocol: TCP"].join("\n");
}

/** `loadBalancerSourceRanges` limited to the nodes' own network, or an internal load balancer. */
export function loadBalancerFix(): string {
  return [
    "# either keep the load balancer off the internet:",
    "metadata:",
    "  annotations:",
    '    service.beta.kubernetes.io/aws-load-balancer-internal: "true"',
    "# or let only the cluster's own nodes reach the bus:",
    "spec:",
    "  loadBalancerSourceRanges:",
    "    - <nodes-cidr>",
  ].join("\n");
}

/** A container port with its host port: `- containerPort: 16379` / `hostPort: 16379`. */
export function hostPortFix(containerPort: number, hostPort: number): string {
  return [`- name: tcp-redis-bus`, `  containerPort: ${containerPort}`, `  hostPort: ${hostPort}`, "  protocol: TCP"].join("\n");
}

/** A compose `ports:` entry: `- "17001:16379"`. */
export function composePortFix(hostPort: number, containerPort: number): string {
  return `- "${hostPort}:${containerPort}"`;
}

/** `cluster-announce-bus-port 17001` written where the node's other settings are. */
export function settingFix(style: SettingStyle, directive: string, value: number): string {
  const variable = `REDIS_${directive.toUpperCase().replace(/-/g, "_")}`;
  switch (style) {
    case "compose-env-list":
      return `- ${variable}=${value}`;
    case "compose-env-map":
      return `${variable}: "${value}"`;
    case "compose-command-string":
      return `# append to command:\n--${directive} ${value}`;
    case "compose-command-list":
    case "k8s-args":
      return `- --${directive}\n- "${value}"`;
    case "k8s-env":
      return `- name: ${variable}\n  value: "${value}"`;
  }
}
