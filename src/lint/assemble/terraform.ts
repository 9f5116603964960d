// Terraform across folders: each folder is a module; a module called with `source = "./modules/x"` is
// read once per call with the values the call passes; templates it renders (`templatefile(...)`) are
// read with their variables; and a security group is known to guard a managed service when the tree
// wires it into one (an ElastiCache resource's security_group_ids, through module inputs and outputs,
// or a registry module for ElastiCache/MemoryDB).
import { posix } from "node:path";
import { awsPolicies } from "../formats/terraform/aws.js";
import { azurePolicies } from "../formats/terraform/azure.js";
import { gcpPolicies } from "../formats/terraform/gcp.js";
import type { HclBody, HclExpr } from "../formats/terraform/hcl.js";
import { readModule, resourceRef, type ModuleCall, type TfModule } from "../formats/terraform/module.js";
import { formatHcl } from "../formats/terraform/values.js";
import type { Location, Policy } from "../model.js";

/** Managed Redis resources whose `security_group_ids` guard a service that opens only its client port. */
const MANAGED_RESOURCES = new Set(["aws_elasticache_replication_group", "aws_elasticache_cluster", "aws_elasticache_serverless_cache", "aws_memorydb_cluster"]);
/** Registry modules that create one (terraform-aws-modules/elasticache/aws, cloudposse/elasticache-redis/aws...). */
const MANAGED_MODULE_SOURCE = /elasticache|memorydb|memorystore|redis-enterprise|azure.*redis.*cache/i;

export interface TemplateRender {
  /** The template file, resolved against the module's folder. */
  path: string;
  vars: Map<string, string>;
  at: Location;
}

export interface ModuleInstance {
  dir: string;
  /** The call that made this instance, or undefined for a folder read on its own (a root module). */
  call?: ModuleCall & { caller: string };
  policies: Policy[];
  templates: TemplateRender[];
}

function localSource(callerDir: string, source: string): string | undefined {
  if (!source.startsWith("./") && !source.startsWith("../")) return undefined;
  return posix.normalize(posix.join(callerDir, source));
}

/** Items of a `security_group_ids`-like value: a list, or one reference. */
function listItems(expr: HclExpr | undefined): HclExpr[] {
  if (expr === undefined) return [];
  return expr.kind === "tuple" ? expr.items : [expr];
}

/**
 * Security groups (`dir|aws_security_group.NAME`) that a managed service uses, followed through
 * module calls: a resource's own groups, `var.X` inputs of a module that feeds a managed resource,
 * and `module.Y.OUT` outputs that name a group. Iterated to a fixed point (at most once per module).
 */
export function managedSecurityGroups(modules: ReadonlyMap<string, TfModule>): Set<string> {
  const managed = new Set<string>();
  /** Inputs of a module (`dir|var`) that end up in a managed service's security groups. */
  const managedInputs = new Set<string>();
  const callsOf = (dir: string): { call: ModuleCall; target?: string }[] =>
    (modules.get(dir)?.calls ?? []).map((call) => {
      const target = localSource(dir, call.source);
      return target === undefined ? { call } : { call, target };
    });
  /** Marks what an expression in `dir` names: a group of `dir`, an input of `dir`, an output of a module it calls. */
  const mark = (dir: string, expr: HclExpr, depth: number): void => {
    if (depth > 16) return;
    const text = formatHcl(expr).replace(/[[\]\s]/g, "");
    for (const part of text.split(",")) {
      const ref = resourceRef(part);
      if (ref.startsWith("aws_security_group.")) managed.add(`${dir}|${ref}`);
      const input = /^var\.(\w+)/.exec(part)?.[1];
      if (input) managedInputs.add(`${dir}|${input}`);
      const output = /^module\.(\w+)\.(\w+)/.exec(part);
      if (output) {
        const target = callsOf(dir).find((entry) => entry.call.name === output[1])?.target;
        const value = target === undefined ? undefined : modules.get(target)?.outputs.get(output[2] as string);
        if (target !== undefined && value !== undefined) mark(target, value, depth + 1);
      }
    }
  };
  for (const [dir, module] of modules) {
    for (const resource of module.resources) {
      if (MANAGED_RESOURCES.has(resource.type)) for (const item of listItems(resource.body.attributes.get("security_group_ids")?.value)) mark(dir, item, 0);
    }
  }
  for (let round = 0; round <= modules.size; round++) {
    const before = managed.size + managedInputs.size;
    for (const dir of modules.keys()) {
      for (const { call, target } of callsOf(dir)) {
        for (const [name, value] of call.args) {
          const feedsManaged =
            target !== undefined ? managedInputs.has(`${target}|${name}`) : MANAGED_MODULE_SOURCE.test(call.source) && /security_group/.test(name);
          if (feedsManaged) for (const item of listItems(value)) mark(dir, item, 0);
        }
      }
    }
    if (managed.size + managedInputs.size === before) break;
  }
  return managed;
}

/** A call's arguments, resolved in the caller (its variables and locals) where they are plain values. */
function givenValues(caller: TfModule, call: ModuleCall): Map<string, HclExpr> {
  const given = new Map<string, HclExpr>();
  for (const [name, expr] of call.args) given.set(name, caller.values.resolve(expr) ?? expr);
  return given;
}

function instance(dir: string, module: TfModule, managed: ReadonlySet<string>, call?: ModuleCall & { caller: string }): ModuleInstance {
  const own = new Set([...managed].filter((key) => key.startsWith(`${dir}|`)).map((key) => key.slice(dir.length + 1)));
  const templates: TemplateRender[] = module.templates.map((use) => {
    const path = posix.normalize(use.path.replace(/\$\{path\.module\}/g, dir).replace(/\$\{path\.root\}/g, call?.caller ?? dir));
    const vars = new Map<string, string>();
    for (const [name, expr] of use.vars) {
      const value = module.values.string(expr);
      if (value !== undefined) vars.set(name, value);
    }
    return { path, vars, at: use.at };
  });
  return { dir, ...(call ? { call } : {}), policies: [...awsPolicies(module, own), ...gcpPolicies(module), ...azurePolicies(module)], templates };
}

/** Every module instance of the tree: folders read alone, and each local module call's instance. */
export function terraformInstances(bodies: ReadonlyMap<string, HclBody[]>): ModuleInstance[] {
  const modules = new Map<string, TfModule>();
  for (const [dir, list] of bodies) modules.set(dir, readModule(list));
  const managed = managedSecurityGroups(modules);
  const called = new Map<string, (ModuleCall & { caller: string })[]>();
  for (const [dir, module] of modules) {
    for (const call of module.calls) {
      const target = localSource(dir, call.source);
      if (target === undefined || !modules.has(target)) continue;
      const list = called.get(target) ?? [];
      list.push({ ...call, caller: dir });
      called.set(target, list);
    }
  }
  const instances: ModuleInstance[] = [];
  for (const [dir, module] of modules) {
    const calls = called.get(dir);
    if (calls === undefined) {
      instances.push(instance(dir, module, managed));
      continue;
    }
    for (const call of calls) {
      const caller = modules.get(call.caller) as TfModule;
      instances.push(instance(dir, readModule(bodies.get(dir) ?? [], givenValues(caller, call)), managed, call));
    }
  }
  return instances;
}
