// Fix snippets in YAML: NetworkPolicy ports and rules, Service ports, container ports, compose ports and
// settings, each placed after the list item it sits next to (or where the list takes a new item).
import type { Location, Placement, SettingStyle, TextEdit } from "../model.js";
import { atPlacement, fixPeers, NODES_PLACEHOLDER, type AllowFixRequest, type WrittenFix } from "./request.js";

function labelLines(labels: Record<string, string>, indent: string): string[] {
  const entries = Object.entries(labels);
  if (entries.length === 0) return [`${indent}{}`];
  return entries.map(([key, value]) => `${indent}${key}: ${JSON.stringify(value)}`);
}

/** Block lines after an item, or, inside a flow list (`[...]`), the same item in flow syntax after a comma. */
function placedAt(placement: Placement | undefined, lines: string[], flow?: string): TextEdit | undefined {
  if (placement?.inline) return flow === undefined ? undefined : atPlacement(placement, [`, ${flow}`]);
  return placement ? atPlacement(placement, lines) : undefined;
}

function flowMap(entries: [string, string | number][]): string {
  return `{${entries.map(([key, value]) => `${key}: ${value}`).join(", ")}}`;
}

function written(fix: string, edit: TextEdit | undefined): WrittenFix {
  return edit ? { fix, edit } : { fix };
}

/**
 * With a model rule in the same direction whose peers the bus may share (the Redis pods, the nodes'
 * ranges): port items for that rule's `ports:` list. Otherwise a whole ingress/egress rule, from/to the
 * Redis pods themselves.
 */
export function networkPolicyFix(request: AllowFixRequest, podLabels: Record<string, string>): WrittenFix {
  const items = request.ports.flatMap((port) => [`- port: ${port}`, "  protocol: TCP"]);
  const flowItems = request.ports.map((port) =>
    flowMap([
      ["port", port],
      ["protocol", "TCP"],
    ]),
  );
  const model = request.model;
  if (model && model.direction === request.direction && !fixPeers(request).nodes && model.rule.next) {
    return written(items.join("\n"), placedAt(model.rule.next, items, flowItems.join(", ")));
  }
  const peerKey = request.direction === "in" ? "from" : "to";
  const rule = [
    "- ports:",
    ...items.map((line) => `    ${line}`),
    `  ${peerKey}:`,
    "    - podSelector:",
    "        matchLabels:",
    ...labelLines(podLabels, "          "),
  ];
  const labels = Object.entries(podLabels).map(([key, value]): [string, string] => [key, JSON.stringify(value)]);
  const flowRule = `{ports: [${flowItems.join(", ")}], ${peerKey}: [{podSelector: {matchLabels: ${flowMap(labels)}}}]}`;
  return written([`# under spec.${request.direction === "in" ? "ingress" : "egress"}:`, ...rule].join("\n"), placedAt(request.placement, rule, flowRule));
}

/** One item of a list of ports, written as block lines (`- name: ...` / `  port: ...`) and, for flow lists, as one `{...}`. */
function portItemFix(entries: [string, string | number][], after: Placement | undefined): WrittenFix {
  const lines = entries.map(([key, value], index) => `${index === 0 ? "-" : " "} ${key}: ${value}`);
  return written(lines.join("\n"), placedAt(after, lines, flowMap(entries)));
}

/** A Service port for the bus: `- name: tcp-redis-bus` / `port: 16379` / `targetPort: 16379`. */
export function servicePortFix(port: number, targetPort: number | string, after: Placement | undefined): WrittenFix {
  const target = typeof targetPort === "number" ? targetPort : JSON.stringify(targetPort);
  return portItemFix(
    [
      ["name", "tcp-redis-bus"],
      ["port", port],
      ["targetPort", target],
      ["protocol", "TCP"],
    ],
    after,
  );
}

/**
 * Only the cluster's own nodes should reach the bus through the load balancer; clients that use it
 * must be listed too, as the source ranges apply to every port of the Service.
 */
export function loadBalancerFix(spec: Placement | undefined): WrittenFix {
  const lines = ["loadBalancerSourceRanges:", `  - ${NODES_PLACEHOLDER}   # the nodes' network; add the networks your clients connect from`];
  const fix = [
    "# either keep the load balancer off the internet:",
    "metadata:",
    "  annotations:",
    '    service.beta.kubernetes.io/aws-load-balancer-internal: "true"',
    "# or let only the cluster's own nodes (and your clients) reach it:",
    "spec:",
    ...lines.map((line) => `  ${line}`),
  ].join("\n");
  return written(fix, placedAt(spec, lines));
}

/** A container port with its host port: `- containerPort: 16379` / `hostPort: 16379`. */
export function hostPortFix(containerPort: number, hostPort: number, after: Placement | undefined): WrittenFix {
  return portItemFix(
    [
      ["name", "tcp-redis-bus"],
      ["containerPort", containerPort],
      ["hostPort", hostPort],
      ["protocol", "TCP"],
    ],
    after,
  );
}

/** A compose `ports:` entry: `- "17001:16379"`. */
export function composePortFix(hostPort: number, containerPort: number, after: Placement | undefined): WrittenFix {
  const line = `- "${hostPort}:${containerPort}"`;
  return written(line, placedAt(after, [line], `"${hostPort}:${containerPort}"`));
}

/**
 * `cluster-announce-bus-port 17001` written where the node's other settings are; a value already set
 * in a compose environment is replaced where it is (a second key would be a duplicate), a flag is
 * appended (redis-server takes the last one).
 */
export function settingFix(
  style: SettingStyle,
  directive: string,
  value: number,
  placement?: Placement,
  existing?: { start: Location; end: Location },
): WrittenFix {
  const variable = `REDIS_${directive.toUpperCase().replace(/-/g, "_")}`;
  if (existing && (style === "compose-env-list" || style === "compose-env-map")) {
    const text = style === "compose-env-map" ? `"${value}"` : String(value);
    return {
      fix: style === "compose-env-map" ? `${variable}: "${value}"` : `- ${variable}=${value}`,
      edit: { file: existing.start.file, start: existing.start, end: existing.end, text },
    };
  }
  switch (style) {
    case "compose-env-list":
      return written(`- ${variable}=${value}`, placedAt(placement, [`- ${variable}=${value}`]));
    case "compose-env-map":
      return written(`${variable}: "${value}"`, placedAt(placement, [`${variable}: "${value}"`]));
    case "compose-command-string":
      return written(`# append to command:\n--${directive} ${value}`, placement?.inline ? atPlacement(placement, [` --${directive} ${value}`]) : undefined);
    case "compose-command-list":
    case "k8s-args":
      // In a flow list (`command: ["redis-server", ...]`) the words go inside the brackets.
      if (placement?.inline) return written(`- --${directive}\n- "${value}"`, atPlacement(placement, [`, "--${directive}", "${value}"`]));
      return written(`- --${directive}\n- "${value}"`, placedAt(placement, [`- --${directive}`, `- "${value}"`]));
    case "k8s-env":
      return written(`- name: ${variable}\n  value: "${value}"`, placedAt(placement, [`- name: ${variable}`, `  value: "${value}"`]));
  }
}
