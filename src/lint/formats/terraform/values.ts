// Static evaluation of the Terraform expressions ports and sources are written with: literals,
// variable defaults, locals, dynamic-block iterators and simple arithmetic (`var.redis_port + 10000`).
import type { HclBody, HclExpr } from "./hcl.js";

/** Values an iterator name stands for inside a `dynamic` block's `content`. */
export type IteratorEnv = Map<string, { key: HclExpr; value: HclExpr }>;

const MAX_DEPTH = 16;

/** `var.rules[0].from_port` -> ["var", "rules", 0, "from_port"]. */
function refPath(text: string): (string | number)[] {
  const path: (string | number)[] = [];
  for (const part of text.split(".")) {
    const bracket = part.indexOf("[");
    if (bracket < 0) {
      path.push(part);
      continue;
    }
    if (bracket > 0) path.push(part.slice(0, bracket));
    for (const index of part.slice(bracket).split("[").slice(1)) {
      const inner = index.replace("]", "").replace(/"/g, "");
      path.push(/^\d+$/.test(inner) ? Number(inner) : inner);
    }
  }
  return path;
}

function member(expr: HclExpr, key: string | number): HclExpr | undefined {
  if (expr.kind === "tuple" && typeof key === "number") return expr.items[key];
  if (expr.kind === "object") return expr.entries.find((entry) => entry.key === String(key))?.value;
  return undefined;
}

export class TfValues {
  private readonly variables = new Map<string, HclExpr>();
  private readonly locals = new Map<string, HclExpr>();

  /** `given`: values a module call passes (already resolved in the caller), over the variables' defaults. */
  constructor(bodies: HclBody[], given: ReadonlyMap<string, HclExpr> = new Map()) {
    for (const body of bodies) {
      for (const block of body.blocks) {
        const name = block.labels[0];
        const fallback = block.body.attributes.get("default")?.value;
        if (block.type === "variable" && name && fallback) this.variables.set(name, fallback);
        if (block.type === "locals") for (const [key, attribute] of block.body.attributes) this.locals.set(key, attribute.value);
      }
    }
    for (const [name, value] of given) this.variables.set(name, value);
  }

  /** Follows references until a value that is not one; undefined when it cannot be known statically. */
  resolve(expr: HclExpr | undefined, env: IteratorEnv = new Map(), depth = 0): HclExpr | undefined {
    if (!expr || depth > MAX_DEPTH) return undefined;
    if (expr.kind !== "ref") return expr;
    const [head, second, ...rest] = refPath(expr.text);
    let base: HclExpr | undefined;
    if (head === "var" && typeof second === "string") base = this.variables.get(second);
    else if (head === "local" && typeof second === "string") base = this.locals.get(second);
    else if (typeof head === "string" && env.has(head)) {
      const iterator = env.get(head);
      base = second === "key" ? iterator?.key : second === "value" ? iterator?.value : undefined;
    } else return undefined;
    let current = this.resolve(base, env, depth + 1);
    for (const key of rest) {
      current = current ? this.resolve(member(current, key), env, depth + 1) : undefined;
    }
    return current;
  }

  number(expr: HclExpr | undefined, env?: IteratorEnv): number | undefined {
    const value = this.resolve(expr, env);
    if (!value) return undefined;
    if (value.kind === "number") return value.value;
    if (value.kind === "string" && /^-?\d+$/.test(value.value)) return Number(value.value);
    if (value.kind === "binary") {
      const left = this.number(value.left, env);
      const right = this.number(value.right, env);
      if (left === undefined || right === undefined) return undefined;
      if (value.op === "+") return left + right;
      if (value.op === "-") return left - right;
      if (value.op === "*") return left * right;
    }
    return undefined;
  }

  string(expr: HclExpr | undefined, env?: IteratorEnv): string | undefined {
    const value = this.resolve(expr, env);
    if (value?.kind === "string") return value.value;
    if (value?.kind === "number") return String(value.value);
    if (value?.kind === "bool") return String(value.value);
    return undefined;
  }

  bool(expr: HclExpr | undefined, env?: IteratorEnv): boolean | undefined {
    const value = this.resolve(expr, env);
    if (value?.kind === "bool") return value.value;
    if (value?.kind === "string" && (value.value === "true" || value.value === "false")) return value.value === "true";
    return undefined;
  }

  /** Each element of a list, resolved where possible; undefined when the list itself is unknown. */
  list(expr: HclExpr | undefined, env?: IteratorEnv): HclExpr[] | undefined {
    const value = this.resolve(expr, env);
    if (value?.kind === "tuple") return value.items.map((item) => this.resolve(item, env) ?? item);
    if (value?.kind === "object") return value.entries.map((entry) => this.resolve(entry.value, env) ?? entry.value);
    return undefined;
  }
}

/** Writes an expression back as HCL, for fixes that keep the rule's own sources. */
export function formatHcl(expr: HclExpr): string {
  switch (expr.kind) {
    case "number":
      return String(expr.value);
    case "string":
      return JSON.stringify(expr.value);
    case "bool":
      return String(expr.value);
    case "null":
      return "null";
    case "tuple":
      return `[${expr.items.map(formatHcl).join(", ")}]`;
    case "object":
      return `{ ${expr.entries.map((entry) => `${entry.key} = ${formatHcl(entry.value)}`).join(", ")} }`;
    case "ref":
      return expr.text;
    case "binary":
      return `${formatHcl(expr.left)} ${expr.op} ${formatHcl(expr.right)}`;
    case "call":
    case "other":
      return expr.text;
  }
}
