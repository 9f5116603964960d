// A Terraform module: every .tf file of one directory, read together (resources refer to each other).
import type { Location, Peer } from "../../model.js";
import type { HclBody, HclExpr } from "./hcl.js";
import { formatHcl, TfValues, type IteratorEnv } from "./values.js";

export interface TfResource {
  type: string;
  name: string;
  body: HclBody;
  at: Location;
}

export interface TfModule {
  resources: TfResource[];
  values: TfValues;
}

export function readModule(bodies: HclBody[]): TfModule {
  const resources: TfResource[] = [];
  for (const body of bodies) {
    for (const block of body.blocks) {
      const [type, name] = block.labels;
      if (block.type === "resource" && type && name) resources.push({ type, name, body: block.body, at: block.at });
    }
  }
  return { resources, values: new TfValues(bodies) };
}

/** `aws_security_group.redis.id` -> `aws_security_group.redis` (also `.name`, `data.` sources); anything else as written. */
export function resourceRef(text: string): string {
  for (const suffix of [".id", ".name"]) {
    if (text.endsWith(suffix) && text.split(".").length >= 3) return text.slice(0, -suffix.length);
  }
  return text;
}

/** Collected peers and how they were written, for one rule. */
export class PeerList {
  readonly peers: Peer[] = [];
  readonly source: string[] = [];

  constructor(
    private readonly module: TfModule,
    private readonly env: IteratorEnv,
  ) {}

  /** A list (or single string) of CIDR blocks; unknown entries become references. */
  cidrs(name: string, expr: HclExpr | undefined): void {
    if (!expr) return;
    const list = expr.kind === "tuple" || expr.kind === "ref" ? this.module.values.list(expr, this.env) : [expr];
    // Inside a dynamic block, `ingress.value.cidrs` means nothing elsewhere: write what it stands for.
    const written = this.env.size > 0 && list ? { kind: "tuple" as const, items: list, at: expr.at } : expr;
    this.source.push(`${name} = ${formatHcl(written)}`);
    if (!list) {
      this.peers.push({ kind: "ref", ref: formatHcl(expr) });
      return;
    }
    for (const item of list) {
      const cidr = this.module.values.string(item, this.env);
      this.peers.push(cidr === undefined ? { kind: "ref", ref: formatHcl(item) } : { kind: "cidr", cidr });
    }
  }

  /** Group references (security groups, tags); a reference to the group itself means "self". */
  refs(name: string, expr: HclExpr | undefined, self: (ref: string) => boolean, selfLabel: string): void {
    if (!expr) return;
    this.source.push(`${name} = ${formatHcl(expr)}`);
    const list = expr.kind === "tuple" ? expr.items : [expr];
    for (const item of list) {
      const text = this.module.values.string(item, this.env) ?? formatHcl(item);
      this.peers.push(self(text) ? { kind: "self", label: selfLabel } : { kind: "ref", ref: text });
    }
  }

  add(peer: Peer, written: string): void {
    this.peers.push(peer);
    this.source.push(written);
  }
}

const MANAGED_TEXT = ["elasticache", "memorydb", "memorystore"];

/** Whether a resource's name, description or tags say it belongs to a managed Redis service. */
export function mentionsManagedService(resource: TfResource, module: TfModule): string | undefined {
  const texts = [resource.name];
  for (const key of ["name", "description", "name_prefix"]) texts.push(module.values.string(resource.body.attributes.get(key)?.value) ?? "");
  const tags = resource.body.attributes.get("tags")?.value;
  if (tags?.kind === "object") for (const entry of tags.entries) texts.push(module.values.string(entry.value) ?? "");
  const joined = texts.join(" ").toLowerCase();
  return MANAGED_TEXT.find((word) => joined.includes(word));
}
