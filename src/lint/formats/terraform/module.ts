// A Terraform module: every .tf file of one directory, read together (resources refer to each other).
import type { Location, Peer } from "../../model.js";
import type { HclBlock, HclBody, HclExpr } from "./hcl.js";
import { formatHcl, TfValues, type IteratorEnv } from "./values.js";

export interface TfResource {
  type: string;
  name: string;
  body: HclBody;
  at: Location;
  block: HclBlock;
}

/** `module "redis" { source = "./modules/redis", redis_port = 7000 }`. */
export interface ModuleCall {
  name: string;
  source: string;
  args: Map<string, HclExpr>;
  at: Location;
}

/** `templatefile("${path.module}/redis.conf.tftpl", { port = 7000 })` or `file(...)`: a file the module renders. */
export interface TemplateUse {
  /** The path as written, `${path.module}` and `${path.root}` still in it. */
  path: string;
  vars: Map<string, HclExpr>;
  at: Location;
}

export interface TfModule {
  resources: TfResource[];
  values: TfValues;
  calls: ModuleCall[];
  outputs: Map<string, HclExpr>;
  templates: TemplateUse[];
}

/** Every expression of a body, nested ones included, visited without recursion. */
export function* expressions(body: HclBody): Generator<HclExpr> {
  const bodies: HclBody[] = [body];
  const pending: HclExpr[] = [];
  while (bodies.length > 0) {
    const current = bodies.pop() as HclBody;
    for (const attribute of current.attributes.values()) pending.push(attribute.value);
    for (const block of current.blocks) bodies.push(block.body);
  }
  while (pending.length > 0) {
    const expr = pending.pop() as HclExpr;
    yield expr;
    if (expr.kind === "tuple") for (const item of expr.items) pending.push(item);
    else if (expr.kind === "object") for (const entry of expr.entries) pending.push(entry.value);
    else if (expr.kind === "binary") pending.push(expr.left, expr.right);
    else if (expr.kind === "call") for (const arg of expr.args) pending.push(arg);
  }
}

function templateUse(expr: HclExpr): TemplateUse | undefined {
  if (expr.kind !== "call" || (expr.name !== "templatefile" && expr.name !== "file")) return undefined;
  const [pathExpr, varsExpr] = expr.args;
  if (pathExpr === undefined) return undefined;
  const path = pathExpr.kind === "string" ? pathExpr.value : pathExpr.kind === "other" ? pathExpr.text.replace(/^"|"$/g, "") : undefined;
  if (path === undefined) return undefined;
  const vars = new Map<string, HclExpr>();
  if (varsExpr?.kind === "object") for (const entry of varsExpr.entries) vars.set(entry.key, entry.value);
  return { path, vars, at: expr.at };
}

/** One folder's .tf files read together; `given` are the values a module call passes to its variables. */
export function readModule(bodies: HclBody[], given: ReadonlyMap<string, HclExpr> = new Map()): TfModule {
  const resources: TfResource[] = [];
  const calls: ModuleCall[] = [];
  const outputs = new Map<string, HclExpr>();
  const templates: TemplateUse[] = [];
  for (const body of bodies) {
    for (const block of body.blocks) {
      const [type, name] = block.labels;
      if (block.type === "resource" && type && name) resources.push({ type, name, body: block.body, at: block.at, block });
      else if (block.type === "module" && type) {
        const source = block.body.attributes.get("source")?.value;
        const args = new Map<string, HclExpr>();
        for (const [key, attribute] of block.body.attributes) if (key !== "source" && key !== "version") args.set(key, attribute.value);
        calls.push({ name: type, source: source?.kind === "string" ? source.value : "", args, at: block.at });
      } else if (block.type === "output" && type) {
        const value = block.body.attributes.get("value")?.value;
        if (value) outputs.set(type, value);
      }
    }
    for (const expr of expressions(body)) {
      const use = templateUse(expr);
      if (use) templates.push(use);
    }
  }
  return { resources, values: new TfValues(bodies, given), calls, outputs, templates };
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
